"""Meeting identity rules: the key, the scope, the akim comparison and the late-report tolerance.

A meeting is keyed by its scope (one region, or the set of regions of a collective meeting) and its
Asia/Almaty date. Reports dated the next day are the same meeting only when they were published
within :data:`LATE_REPORT` of the start of the earlier day (a report after midnight or the next
morning); two explicit dates further apart are two meetings. Two clearly different akim names on
the same day and scope are two meetings too.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from detect.detector import Meeting

ALMATY = ZoneInfo("Asia/Almaty")
DATE_TOLERANCE = timedelta(days=1)
LATE_REPORT = timedelta(hours=36)

_CYRILLIC = dict(
    zip(
        "абвгдеёжзийклмнопрстуфхцчшщъыьэюяәғқңөұүһі",
        (
            *("a", "b", "v", "g", "d", "e", "e", "zh", "z", "i", "y", "k", "l", "m", "n", "o"),
            *("p", "r", "s", "t", "u", "f", "kh", "ts", "ch", "sh", "shch", "_", "y", "_", "e"),
            *("yu", "ya", "a", "g", "k", "n", "o", "u", "u", "h", "i"),
        ),
        strict=True,
    )
)
_PATRONYMIC = re.compile(r"(ovich|evich|ovna|evna|uly|kyzy|ulu)$")


def scope(kind: str, region: str | None, regions: tuple[str, ...] | list[str]) -> str:
    """``Region`` for a one-region meeting, ``collective:A+B`` (or ``collective:all``) otherwise."""
    if kind == "collective" or region is None:
        return "collective:" + ("+".join(sorted(regions)) or "all")
    return region


def record_scope(record: Meeting) -> str:
    """The scope of a detected meeting."""
    return scope(record.kind, record.region, record.regions)


def meeting_key(record: Meeting) -> str:
    """``YYYY-MM-DD/Region`` or ``YYYY-MM-DD/collective:RegionA+RegionB``."""
    return f"{record.day.isoformat()}/{record_scope(record)}"


def _latin(word: str) -> str:
    return "".join(_CYRILLIC.get(ch, ch) for ch in word).replace("_", "")


def _skeleton(word: str) -> str:
    """The consonants of a Latin-folded word: transliterations and case endings differ in vowels
    (Бөлекпаевты, Булекпаев, Bulekpayev all give ``blkpv...``)."""
    return re.sub(r"(.)\1+", r"\1", re.sub(r"[aeiouyh]", "", word))


def akim_tokens(name: str | None) -> set[str]:
    """Name parts as the first three consonants of their Latin folding, patronymics left out."""
    words = re.findall(r"\w+", (name or "").lower().replace("ё", "е"))
    latin = (_latin(word) for word in words)
    skeletons = (_skeleton(word) for word in latin if not _PATRONYMIC.search(word))
    return {skeleton[:3] for skeleton in skeletons if len(skeleton) >= 3}


def same_akim(first: str | None, second: str | None) -> bool:
    """False only when both names are known and share no name part (in any script)."""
    one, two = akim_tokens(first), akim_tokens(second)
    return not one or not two or bool(one & two)


def akim_suffix(name: str | None) -> str:
    """A stable key suffix that tells apart two akims received in the same scope on one day."""
    tokens = sorted(akim_tokens(name))
    return "akim:" + ("-".join(tokens) or "unknown")


def late_report(earlier: date, published: datetime | None) -> bool:
    """Whether a report published at ``published`` may still date a meeting one day late."""
    if published is None:
        return True
    start = datetime.combine(earlier, time(), ALMATY)
    return published - start <= LATE_REPORT
