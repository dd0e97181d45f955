"""Akim names: who the akim of a meeting is, and how to show a stored akim to a reader.

A known person is the gazetteer's key and is shown in the gazetteer's form for the reader's
language; any other name is taken from the text next to the akim's title and put in the
nominative (``detect.nominative``).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from functools import cache

import sources
from detect.gazetteer import REPUBLICAN_CITIES, gazetteer
from detect.nominative import nominative

_CAP = r"[A-ZА-ЯЁӘҒҚҢӨҰҮҺІÄÁÖÓÜÚŞ][\w'’-]+"
_NAME_AFTER = re.compile(
    r"^[\s,]*(?i:(?:облысы\w*|области|обл\.|region|oblast|province|city|қаласы\w*|"
    r"әкімі\w*|akim|governor|mayor)[\s,]+)*"
    rf"({_CAP}(?:\s+{_CAP}){{1,2}})"
)
_NAME_BEFORE = re.compile(rf"({_CAP}\s+{_CAP}),\s")
_REGION_AKIM = re.compile(
    r"(?:аким\w*|глав\w*|руководител\w*) (?:области|региона)|(?:облыс|өңір)\w* (?:әкімі|басшысы)|"
    r"(?:region's|regional) (?:akim|governor)|(?:akim|governor) of the region"
)
"""The akim of the region the article is about, unnamed ("аким области", "өңір басшысы")."""
_AKIM_TITLE = re.compile(
    r"(?<![\w-])(?:аким|акима|акиму|акимом|акиме|әкімі|akim|governor|mayor)"
    r"(?: \((?:governor|mayor|аким)\))?(?= )"
)
"""The akim's title right before a name ("доклад акима Name", "қала әкімі Name")."""
_CITY_BEFORE = re.compile(r"(?:қала\w*|city|city's|город\w*)\s*$")
_CITY_AFTER = re.compile(r"\s*(?:города|г\.|of the city|city)")
_NOT_THE_AKIM = re.compile(
    r"(?:заместител\w*|зам\.?|орынбасар\w*|deputy|vice|бывш\w*|former|экс-|ex-|район\w*|"
    r"аудан\w*|ауыл\w*|сельск\w*|district|village|rural)\s*$"
)
_AKIM_NEAR = re.compile(r"(?:аким|әкім|akim|governor|mayor|глав\w+ (?:региона|области))")
_LATIN = re.compile("[A-Za-z]")
_NOT_NAME_WORDS = (  # the President, titles, his residence (Ақорда)
    r"токаев|тоқаев|tokayev|kassym|касым|қасым|президент|president|мемлекет|глава|head|"
    r"аким|әкім|akim|governor|акорда|ақорда"
)


@cache
def _not_name() -> re.Pattern[str]:
    """Words no akim's name contains: the President's, titles, his residence, and every
    registered source's name and outlet (an agency's name in a dateline, an outlet credited)."""
    outlets = {word.lower() for s in sources.registry().values() for word in (s.name, s.outlet)}
    words = "|".join(re.escape(word) for word in sorted(outlets))
    return re.compile(f"(?:{_NOT_NAME_WORDS}|{words})", re.I)


def display_name(akim: str | None, language: str) -> str | None:
    """How to show a stored akim to readers of ``language``: the gazetteer's nominative of the
    person it stands for, else the stored (already lemmatised) name unchanged."""
    person = gazetteer().resolve(akim)
    return gazetteer().form(person, language) if person else akim


def akim_in(
    texts: Sequence[tuple[str, str]], region: str, on: dt.date | None, language: str
) -> str | None:
    """The akim of ``region`` named in ``texts`` ((original, folded) sentences, best first): the
    key of a gazetteer person in office on ``on`` (else of one who ever held the region, named in
    the first texts), else a name written next to the region's akim: its gazetteer person, or
    the name in the nominative."""
    gaz = gazetteer()
    for holders, scope in (
        (gaz.holders(region, on), texts),
        (gaz.holders(region, None), texts[:3]),
    ):
        for _, low in scope:
            for _, _, person in gaz.names_in(low):
                if person in holders:
                    return person
    for original, low in texts:
        name = _written_name(original, low, region, on)
        if name:
            return gaz.resolve(name) or nominative(name, language)
    return None


def _written_name(written: str, low: str, region: str, on: dt.date | None) -> str | None:
    """Capitalised words after "akim of <region>" ("<region> әкімі", "аким области") or before
    ", akim of <region>" (", <region> әкімі") in a sentence."""
    original = _aligned(written, low)
    if original is None:
        return None
    regions = gazetteer().regions_in(low, on)
    mentions = [m for m in regions if m.region == region and m.is_form]
    ends = [m.end for m in mentions if _AKIM_NEAR.search(low[max(0, m.start - 40) : m.end + 25])]
    ends += [m.end() for m in _REGION_AKIM.finditer(low)]
    ends += [m.end() for m in _AKIM_TITLE.finditer(low) if _regional_title(low, m, region)]
    for end in sorted(ends):
        end = max([end, *(m.end for m in regions if m.start <= end + 2 and m.end > end)])
        match = _NAME_AFTER.match(original[end:])
        if match and not _not_name().search(match.group(1)):
            return match.group(1)
    for match in _NAME_BEFORE.finditer(original):
        titled = _AKIM_NEAR.search(low[match.end() : match.end() + 60])
        near = any(0 <= m.start - match.end() <= 40 for m in mentions)
        if titled and near and not _not_name().search(match.group(1)):
            return match.group(1)
    return None


def _aligned(original: str, low: str) -> str | None:
    """The original sentence as long as its folded form: itself, or (Kazakh Latin folded to
    Cyrillic) the folded words capitalised as in the original; None when words do not pair."""
    transliterated = bool(_LATIN.search(original)) and not _LATIN.search(low)
    if len(original) == len(low) and not transliterated:
        return original
    words, folded = original.split(" "), low.split(" ")
    if len(words) != len(folded):
        return None
    pairs = zip(words, folded, strict=True)
    return " ".join(f[:1].upper() + f[1:] if w[:1].isupper() else f for w, f in pairs)


def _regional_title(low: str, title: re.Match[str], region: str) -> bool:
    """Whether an akim's title is the regional akim's: not a deputy's, a former or a district
    akim's, nor a city's (unless the region is a city)."""
    before = low[max(0, title.start() - 30) : title.start()]
    if _NOT_THE_AKIM.search(before):
        return False
    city = _CITY_BEFORE.search(before) or _CITY_AFTER.match(low[title.end() :])
    return not city or region in REPUBLICAN_CITIES
