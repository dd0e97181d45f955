"""The filter of the meetings table, read from and written to the URL (so a view can be shared)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, replace
from datetime import date
from typing import Any
from urllib.parse import urlencode

import sources
from core.config import KINDS, LANGUAGES
from detect.regions import UnknownRegion, canonical_region

FIELDS = ("region", "kind", "since", "until", "source", "language", "akim", "q")


class BadFilter(ValueError):
    """A filter value that is not allowed; the message names the parameter."""


@dataclass(frozen=True)
class Filters:
    """What the meetings table shows: every field optional, ``page`` from 1."""

    region: str | None = None
    kind: str | None = None
    since: date | None = None
    until: date | None = None
    source: str | None = None
    language: str | None = None
    akim: str | None = None
    q: str | None = None
    page: int = 1

    @classmethod
    def parse(cls, params: Mapping[str, str]) -> Filters:
        """The filters in query parameters (empty ones ignored); BadFilter names a wrong one."""
        given = {k: params[k].strip() for k in (*FIELDS, "page") if params.get(k, "").strip()}
        return cls(
            region=_region(given.get("region")),
            kind=_one_of("kind", given.get("kind"), KINDS),
            since=_day("since", given.get("since")),
            until=_day("until", given.get("until")),
            source=_one_of("source", given.get("source"), sources.names()),
            language=_one_of("language", given.get("language"), LANGUAGES),
            akim=given.get("akim"),
            q=given.get("q"),
            page=_page(given.get("page")),
        )

    def params(self, **changes: Any) -> dict[str, str]:
        """The non-empty filters (and page, when not the first) as query parameters."""
        values = asdict(replace(self, **changes))
        found = {k: str(v) for k, v in values.items() if v not in (None, "") and k != "page"}
        if values["page"] != 1:
            found["page"] = str(values["page"])
        return found

    def url(self, path: str, **changes: Any) -> str:
        """``path`` with these filters (changed by ``changes``) as its query string."""
        query = urlencode(self.params(**changes))
        return f"{path}?{query}" if query else path

    @property
    def active(self) -> bool:
        """Whether any filter (not the page) is set."""
        return bool(self.params(page=1))


def _region(value: str | None) -> str | None:
    if value is None:
        return None
    try:
        return canonical_region(value)
    except UnknownRegion as exc:
        raise BadFilter(f"region: {exc}") from None


def _one_of(name: str, value: str | None, allowed: tuple[str, ...] | list[str]) -> str | None:
    if value is not None and value not in allowed:
        raise BadFilter(f"{name}: {value!r} is not one of {', '.join(allowed)}")
    return value


def _day(name: str, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise BadFilter(f"{name}: {value!r} is not a date (YYYY-MM-DD)") from None


def _page(value: str | None) -> int:
    if value is None:
        return 1
    if not value.isdigit() or int(value) < 1:
        raise BadFilter(f"page: {value!r} is not a page number (1, 2, ...)")
    return int(value)
