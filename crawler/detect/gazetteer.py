"""The gazetteer: regions with their forms and hints, and the akims with their terms (JSON data)."""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

from crawler.detect.normalize import fold

CANONICAL_REGIONS = (
    "Abai", "Akmola", "Aktobe", "Almaty Region", "Atyrau", "East Kazakhstan", "Zhambyl",
    "Zhetysu", "West Kazakhstan", "Karaganda", "Kostanay", "Kyzylorda", "Mangystau", "Pavlodar",
    "North Kazakhstan", "Turkistan", "Ulytau", "Astana", "Almaty", "Shymkent",
)  # fmt: skip
REPUBLICAN_CITIES = frozenset({"Astana", "Almaty", "Shymkent"})
APPROX_TOLERANCE = dt.timedelta(days=120)
_BOUNDARY = r"(?<![\w-])"


@dataclass(frozen=True, slots=True)
class RegionMention:
    """A region named in folded text: ``is_form`` for the region itself, else a city hint."""

    start: int
    end: int
    region: str
    is_form: bool


@dataclass(frozen=True, slots=True)
class AkimTerm:
    """One akim's term of office in one region."""

    name: str
    region: str
    start: dt.date
    end: dt.date | None
    approx: bool

    def covers(self, day: dt.date) -> bool:
        """Whether the term covers ``day`` (with a tolerance when the dates are approximate)."""
        slack = APPROX_TOLERANCE if self.approx else dt.timedelta(days=3)
        return self.start - slack <= day and (self.end is None or day <= self.end + slack)


@dataclass(frozen=True, slots=True)
class _Alternative:
    region: str
    is_form: bool
    switch: tuple[dt.date, str] | None


class Gazetteer:
    """Compiled region and akim-name patterns."""

    def __init__(self, regions: list[dict], akims: list[dict]) -> None:
        self._alts: list[_Alternative] = []
        groups: list[str] = []
        for entry in regions:
            for form in entry["forms"]:
                groups.append(self._group(form, _Alternative(entry["canonical"], True, None)))
        for entry in regions:
            for hint in entry["hints"]:
                before = hint.get("before")
                switch = (dt.date.fromisoformat(before[0]), before[1]) if before else None
                alt = _Alternative(hint.get("canonical", entry["canonical"]), False, switch)
                groups.append(self._group(hint["p"], alt))
        self.region_re = re.compile(_BOUNDARY + "(?:" + "|".join(groups) + ")")
        self.terms: dict[str, list[AkimTerm]] = {}
        name_groups: dict[str, str] = {}
        for akim in akims:
            self.terms.setdefault(akim["name"], []).append(_term(akim))
            name_groups[akim["name"]] = "|".join(fold(p) for p in akim["names"])
        self._people = list(name_groups)
        self.name_re = re.compile(
            _BOUNDARY + "(?:" + "|".join(f"(?P<n{i}>{p})" for i, p in enumerate(name_groups.values())) + ")"
        )

    def _group(self, pattern: str, alt: _Alternative) -> str:
        self._alts.append(alt)
        return f"(?P<r{len(self._alts) - 1}>{fold(pattern)})"

    def regions_in(self, text: str, on: dt.date | None) -> list[RegionMention]:
        """Regions named in folded ``text``, in order; hints resolved for the date ``on``."""
        out = []
        for m in self.region_re.finditer(text):
            alt = self._alts[int(m.lastgroup[1:])]  # type: ignore[index]
            region = alt.region
            if alt.switch and on is not None and on < alt.switch[0]:
                region = alt.switch[1]
            out.append(RegionMention(m.start(), m.end(), region, alt.is_form))
        return out

    def names_in(self, text: str) -> list[tuple[int, int, str]]:
        """Known akims named in folded ``text``: (start, end, person)."""
        return [
            (m.start(), m.end(), self._people[int(m.lastgroup[1:])])  # type: ignore[index]
            for m in self.name_re.finditer(text)
        ]

    def region_of(self, person: str, on: dt.date | None, prefer: frozenset[str]) -> str:
        """The region a person was akim of on ``on``, else one of ``prefer``, else the latest."""
        terms = self.terms[person]
        if on is not None:
            current = [t for t in terms if t.covers(on)]
            if len(current) == 1:
                return current[0].region
        preferred = [t for t in terms if t.region in prefer]
        if preferred:
            return preferred[-1].region
        return terms[-1].region

    def check(self, person: str, region: str, on: dt.date | None) -> str | None:
        """A note if ``person`` was not akim of ``region`` on ``on`` by the gazetteer, else None."""
        if on is None:
            return None
        if any(t.region == region and t.covers(on) for t in self.terms[person]):
            return None
        return f"note: by the gazetteer {person} was not akim of {region} on {on.isoformat()}"


def _term(entry: dict) -> AkimTerm:
    end = entry.get("end")
    return AkimTerm(
        entry["name"],
        entry["region"],
        dt.date.fromisoformat(entry["start"]),
        dt.date.fromisoformat(end) if end else None,
        bool(entry.get("approx", False)),
    )


def _load(name: str) -> dict:
    text = resources.files("crawler.detect").joinpath("data", name).read_text(encoding="utf-8")
    data: dict = json.loads(text)
    return data


@cache
def gazetteer() -> Gazetteer:
    """The packaged gazetteer (loaded once)."""
    return Gazetteer(_load("regions.json")["regions"], _load("akims.json")["akims"])
