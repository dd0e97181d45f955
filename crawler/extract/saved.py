"""Saved pages: a response as it was served, kept with the expected output of its page object.

One layout for every source, in ``sources/<name>/fixtures/``:

``<case>.response.json``
    ``url``, ``status``, ``headers`` (``Content-Type`` with its charset), ``page`` (the page
    object: a class of the source's ``pages`` module), ``args`` (its keyword arguments) and
    ``body_lacks`` (text that must never reach an article's lead or body: boilerplate).
``<case>.body.<ext>``
    the body, byte for byte (``html``, ``xml``, ``json``).
``<case>.expected.json``
    what the page object's ``to_record()`` returns, as plain JSON (:func:`plain`).

``AKIMWATCH_REGENERATE_PAGES=1`` makes the saved-page test (``tests/sources/test_saved_pages.py``)
rewrite the expected outputs instead of comparing, for review with ``git diff``.
"""

from __future__ import annotations

import dataclasses
import json
from datetime import datetime
from functools import cached_property
from pathlib import Path
from types import ModuleType
from typing import Any

from scrapy.http import Response

from crawler.extract.page import Page, saved_response

RESPONSE = ".response.json"
EXPECTED = ".expected.json"


@dataclasses.dataclass(frozen=True)
class SavedPage:
    """One saved response and the expected output of its page object."""

    directory: Path
    name: str

    @cached_property
    def spec(self) -> dict[str, Any]:
        """The response's URL, status, headers, page object and checks."""
        spec: dict[str, Any] = json.loads(self._path(RESPONSE).read_text("utf-8"))
        return spec

    @property
    def body(self) -> bytes:
        """The body as served."""
        return next(self.directory.glob(f"{self.name}.body.*")).read_bytes()

    @property
    def body_lacks(self) -> list[str]:
        """Text that must not appear in an article's lead or body."""
        return list(self.spec.get("body_lacks", []))

    def response(self) -> Response:
        """The response Scrapy would build from the saved one."""
        spec = self.spec
        return saved_response(spec["url"], self.body, spec.get("headers"), spec.get("status", 200))

    def page(self, pages: ModuleType) -> Page[Any]:
        """The page object (a class of the source's ``pages`` module) over the response."""
        kind: type[Page[Any]] = getattr(pages, self.spec["page"])
        return kind(self.response(), **self.spec.get("args", {}))

    def output(self, pages: ModuleType) -> Any:
        """What the page object gives, as plain JSON values."""
        return plain(self.page(pages).to_record())

    def expected(self) -> Any:
        """The expected output."""
        return json.loads(self._path(EXPECTED).read_text("utf-8"))

    def write_expected(self, output: Any) -> None:
        """Rewrite the expected output (regeneration)."""
        text = json.dumps(output, ensure_ascii=False, indent=2) + "\n"
        self._path(EXPECTED).write_text(text, "utf-8")

    def _path(self, suffix: str) -> Path:
        return self.directory / f"{self.name}{suffix}"


def saved_pages(directory: Path) -> list[SavedPage]:
    """The saved pages of a fixtures directory, in name order."""
    names = sorted(p.name.removesuffix(RESPONSE) for p in directory.glob(f"*{RESPONSE}"))
    return [SavedPage(directory, name) for name in names]


def plain(value: Any) -> Any:
    """A page object's output as JSON values: dataclasses as objects, datetimes in ISO 8601."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, datetime):
        return value.isoformat()
    return value
