"""The month names the sources print and write, in Russian, Kazakh and English: the one table
for dates on pages (:mod:`crawler.extract.dates`) and dates named in text (:mod:`detect.dates`).

Each month has stems (every inflected form starts with one: "январ" for "январь", "января",
"январе"; "қаңтар" for "қаңтардың", "қаңтарда") and abbreviations, which are whole words only
("янв", "jan", "сент").
"""

from __future__ import annotations

import re

STEMS: dict[int, tuple[str, ...]] = {
    1: ("январ", "қаңтар", "january"),
    2: ("феврал", "ақпан", "february"),
    3: ("март", "наурыз", "march"),
    4: ("апрел", "сәуір", "april"),
    5: ("май", "мая", "мае", "мамыр", "may"),
    6: ("июн", "маусым", "june"),
    7: ("июл", "шілде", "july"),
    8: ("август", "тамыз", "august"),
    9: ("сентябр", "қыркүйек", "september"),
    10: ("октябр", "қазан", "october"),
    11: ("ноябр", "қараша", "november"),
    12: ("декабр", "желтоқсан", "december"),
}
ABBREVIATIONS: dict[int, tuple[str, ...]] = {
    1: ("янв", "jan"),
    2: ("фев", "feb"),
    3: ("мар", "mar"),
    4: ("апр", "apr"),
    6: ("jun",),
    7: ("jul",),
    8: ("авг", "aug"),
    9: ("сен", "сент", "sep", "sept"),
    10: ("окт", "oct"),
    11: ("ноя", "нояб", "nov"),
    12: ("дек", "dec"),
}


def pattern(stems: dict[int, tuple[str, ...]], letters: str = r"\w") -> str:
    """A regular expression naming each month in group ``m<number>``: a stem and its ending
    (``letters``), or an abbreviation as a whole word."""
    alternatives = []
    for number, names in stems.items():
        short = "|".join(ABBREVIATIONS.get(number, ()))
        whole = f"|(?:{short})(?!{letters})" if short else ""
        alternatives.append(f"(?P<m{number}>(?:{'|'.join(names)}){letters}*{whole})")
    return "|".join(alternatives)


_WORD = re.compile(pattern(STEMS))


def month_number(word: str) -> int | None:
    """The month a lowercase word names (an inflected form or an abbreviation), else None."""
    match = _WORD.fullmatch(word)
    return None if match is None else number_of(match)


def number_of(match: re.Match[str]) -> int:
    """The month a match of :func:`pattern` named."""
    return next(n for n in STEMS if match.group(f"m{n}"))
