"""The gazetteer: regions with their forms and hints, and the akims with their terms and the
nominative of their names per language (JSON data)."""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

from detect.normalize import KAZAKH_LATIN_VARIANTS, fold

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
class Person:
    """A known akim: stable key, nominative forms per language, name patterns and terms."""

    key: str
    forms: dict[str, str]
    patterns: tuple[str, ...]
    terms: tuple[AkimTerm, ...]

    @property
    def all_forms(self) -> tuple[str, ...]:
        """The key and every display form."""
        return (self.key, *self.forms.values())


@dataclass(frozen=True, slots=True)
class _Alternative:
    region: str
    is_form: bool
    switch: tuple[dt.date, str] | None


def split_top(pattern: str) -> list[str]:
    """Split a regular expression on its top-level ``|``."""
    parts, depth, start, i = [], 0, 0, 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            i += 2
            continue
        if ch in "([":
            depth += 1
        elif ch in ")]":
            depth -= 1
        elif ch == "|" and depth == 0:
            parts.append(pattern[start:i])
            start = i + 1
        i += 1
    return [*parts, pattern[start:]]


def branch_regex(alternatives: list[tuple[str, str]], suffix: str = "") -> re.Pattern[str]:
    """One regex of (optionally named) alternatives, branched on their first letter for speed.

    Every alternative must start with a letter (not followed by a quantifier).
    Alternatives with the same first letter keep their order.
    """
    by_first: dict[str, list[str]] = {}
    for name, alt in alternatives:
        group = f"?P<{name}>" if name else "?:"
        first, rest = _head(alt)
        by_first.setdefault(first, []).append(f"({group}{rest})")
    branches = [re.escape(ch) + "(?:" + "|".join(a) + ")" for ch, a in by_first.items()]
    return re.compile(_BOUNDARY + "(?:" + "|".join(branches) + ")" + suffix)


def _head(alt: str) -> tuple[str, str]:
    if not alt[:1].isalnum() or alt[1:].startswith(("?", "*", "+", "{")):
        raise ValueError(f"pattern must start with a letter: {alt!r}")
    return alt[0], alt[1:]


class Gazetteer:
    """Compiled region and akim-name patterns."""

    def __init__(self, regions: list[dict], people: list[dict]) -> None:
        self._alts: list[_Alternative] = []
        groups: list[tuple[str, str]] = []
        for entry in regions:
            for form in entry["forms"]:
                groups += self._group(form, _Alternative(entry["canonical"], True, None))
        for entry in regions:
            for hint in entry["hints"]:
                before = hint.get("before")
                switch = (dt.date.fromisoformat(before[0]), before[1]) if before else None
                alt = _Alternative(hint.get("canonical", entry["canonical"]), False, switch)
                groups += self._group(hint["p"], alt)
        self.region_re = branch_regex(groups)
        listed = [
            (entry["canonical"], fold(p)) for entry in regions for p in entry.get("listed", ())
        ]
        self._listed = [region for region, _ in listed]
        self.listed_re = branch_regex([(f"l{i}", p) for i, (_, p) in enumerate(listed)], r"\b")
        self.people = {entry["key"]: _person(entry) for entry in people}
        patterns = [(key, fold(p)) for key, person in self.people.items() for p in person.patterns]
        self._people = [key for key, _ in patterns]
        self.name_re = branch_regex([(f"n{i}", p) for i, (_, p) in enumerate(patterns)])
        self._forms = {
            _plain(form): key for key, person in self.people.items() for form in person.all_forms
        }

    def _group(self, pattern: str, alt: _Alternative) -> list[tuple[str, str]]:
        out = []
        for part in split_top(fold(pattern)):
            self._alts.append(alt)
            out.append((f"r{len(self._alts) - 1}", part))
        return out

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

    def listed_in(self, text: str) -> list[RegionMention]:
        """Bare names in folded ``text`` that name a region only in a list before a plural
        region form ("Жамбыл, Павлодар облыстарының"), as region forms."""
        return [
            RegionMention(m.start(), m.end(), self._listed[int(m.lastgroup[1:])], True)  # type: ignore[index]
            for m in self.listed_re.finditer(text)
        ]

    def names_in(self, text: str) -> list[tuple[int, int, str]]:
        """Known akims named in folded ``text``: (start, end, person)."""
        return [
            (m.start(), m.end(), self._people[int(m.lastgroup[1:])])  # type: ignore[index]
            for m in self.name_re.finditer(text)
        ]

    def region_of(self, person: str, on: dt.date | None, prefer: frozenset[str]) -> str | None:
        """The region a person was akim of on ``on`` (None when of none: a former or future akim
        in another post), else one of ``prefer``, else the latest."""
        terms = self.people[person].terms
        if on is not None:
            current = tuple(t for t in terms if t.covers(on))
            if len(current) == 1:
                return current[0].region
            if not current:
                return None
            terms = current
        preferred = [t for t in terms if t.region in prefer]
        if preferred:
            return preferred[-1].region
        return terms[-1].region

    def form(self, person: str, language: str) -> str:
        """The nominative of a known person for readers of ``language`` (the key otherwise)."""
        return self.people[person].forms.get(language, person)

    def resolve(self, name: str | None) -> str | None:
        """The person a written name stands for: a display form, else the one person whose pattern
        the name matches (read as Kazakh Latin too)."""
        if not name:
            return None
        if (key := self._forms.get(_plain(name))) is not None:
            return key
        for variant in (None, *KAZAKH_LATIN_VARIANTS):
            found = {person for _, _, person in self.names_in(fold(name, variant))}
            if found:
                return found.pop() if len(found) == 1 else None
        return None

    def holders(self, region: str, on: dt.date | None) -> list[str]:
        """People who were akim of ``region`` on ``on`` (every one who ever was, when undated)."""
        return [
            key
            for key, person in self.people.items()
            if any(t.region == region and (on is None or t.covers(on)) for t in person.terms)
        ]

    def check(self, person: str, region: str, on: dt.date | None) -> str | None:
        """A note if ``person`` was not akim of ``region`` on ``on`` by the gazetteer, else None."""
        if on is None:
            return None
        if any(t.region == region and t.covers(on) for t in self.people[person].terms):
            return None
        return f"note: by the gazetteer {person} was not akim of {region} on {on.isoformat()}"


def _person(entry: dict) -> Person:
    key = entry["key"]
    forms = {lang: entry[lang] for lang in ("ru", "kk", "en")}
    terms = tuple(_term(key, term) for term in entry["terms"])
    return Person(key, forms, tuple(entry["names"]), terms)


def _plain(name: str) -> str:
    return " ".join(name.lower().replace("ё", "е").split())


def _term(name: str, entry: dict) -> AkimTerm:
    end = entry.get("end")
    return AkimTerm(
        name,
        entry["region"],
        dt.date.fromisoformat(entry["start"]),
        dt.date.fromisoformat(end) if end else None,
        bool(entry.get("approx", False)),
    )


def _load(name: str) -> dict:
    text = resources.files("detect").joinpath("data", name).read_text(encoding="utf-8")
    data: dict = json.loads(text)
    return data


@cache
def gazetteer() -> Gazetteer:
    """The packaged gazetteer (loaded once)."""
    return Gazetteer(_load("regions.json")["regions"], _load("akims.json")["people"])
