"""The meeting date: the local (Asia/Almaty) publication date unless the text names the day.

Explicit dates ("21 марта", "22 September 2020", "24 желтоқсан", "15-наурызда", "Oct. 10"),
"yesterday" ("вчера", "кеше"), "the day before yesterday" and weekdays ("on Wednesday", "в среду",
"сәрсенбі күні") are read with the month table of :mod:`detect.months`, not a general date
parser, and resolved against the publication date: a meeting is never after its publication (a
day-month later in the year than publication is of the year before; a weekday is the last one on
or before it).
"""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

from detect import months
from detect.context_words import RECAP
from detect.normalize import fold

ALMATY = ZoneInfo("Asia/Almaty")


def is_local_midnight(value: dt.datetime) -> bool:
    """Whether a time is 00:00 in Asia/Almaty (what a date printed without a time gives)."""
    local = value.astimezone(ALMATY)
    return local.hour == 0 and local.minute == 0 and local.second == 0


_FOLDED = {n: tuple(fold(stem) for stem in stems) for n, stems in months.STEMS.items()}

_MONTH = rf"(?:{months.pattern(_FOLDED, '[a-zа-яәғқңөұүһі]')})\.?"
_YEAR = r"(?:,?\s*(?P<year>(?:19|20)\d\d))?"
_DAY_FIRST = re.compile(
    rf"(?<!\d)(?P<day>[0-3]?\d)(?:-?(?:го|ші|шы|ое))?(?:\s+|-){_MONTH}{_YEAR}(?!\d)"
)
_MONTH_FIRST = re.compile(rf"(?<![\w]){_MONTH}\s+(?P<day>[0-3]?\d)(?:st|nd|rd|th)?{_YEAR}(?!\d)")
_NUMERIC = re.compile(r"(?<![\d.])(?P<day>[0-3]\d)\.(?P<mon>[01]\d)\.(?P<year>20\d\d)(?![\d])")
_TODAY = re.compile(r"(?<![\w])(?:сегодня|бүгін|today)(?![\w])")
_YESTERDAY = re.compile(r"(?<![\w])(?:вчера|кеше|yesterday)(?![\w])")
_BEFORE_YESTERDAY = re.compile(
    r"(?<![\w])(?:позавчера|бұрнағы күні|the day before yesterday)(?![\w])"
)
_WEEKDAYS = (
    ("понедельник", "дүисенбі", "monday"),
    ("вторник", "сеисенбі", "tuesday"),
    ("среду", "сәрсенбі", "wednesday"),
    ("четверг", "беисенбі", "thursday"),
    ("пятниц[уае]", "жұма", "friday"),
    ("суббот[уае]", "сенбі", "saturday"),
    ("воскресень[ея]", "жексенбі", "sunday"),
)
_WEEKDAY = re.compile(
    r"(?<![\w])(?:в |во |on |last |(?:в )?(?:минувш|прошл)\w+ )?(?:"
    + "|".join(f"(?P<w{i}>{'|'.join(names)})" for i, names in enumerate(_WEEKDAYS))
    + r")(?:де|да|те|та)?(?![\w])"
)
"""A weekday, optionally "last"; resolved to the latest such day on or before publication."""


def local_date(published: dt.datetime | None) -> dt.date | None:
    """The Asia/Almaty calendar date of a publication time (naive times are local)."""
    if published is None:
        return None
    if published.tzinfo is not None:
        published = published.astimezone(ALMATY)
    return published.date()


def _explicit(text: str, base: dt.date | None) -> dt.date | None:
    for pattern in (_NUMERIC, _DAY_FIRST, _MONTH_FIRST):
        for m in pattern.finditer(text):
            day = _build(m, base)
            if day is not None:
                return day
    return None


def _build(m: re.Match[str], base: dt.date | None) -> dt.date | None:
    month = int(m.group("mon")) if "mon" in m.re.groupindex else months.number_of(m)
    year = int(m.group("year")) if m.group("year") else (base.year if base else None)
    if year is None:
        return None
    try:
        day = dt.date(year, month, int(m.group("day")))
    except ValueError:
        return None
    if base is not None and day > base:
        if m.group("year") or (month == 2 and day.day == 29):
            return None
        return day.replace(year=year - 1)
    return day


def _weekday(text: str, base: dt.date) -> dt.date | None:
    m = _WEEKDAY.search(text)
    if not m:
        return None
    wanted = next(i for i in range(7) if m.group(f"w{i}"))
    return base - dt.timedelta(days=(base.weekday() - wanted) % 7)


def meeting_date(texts: list[str], published: dt.date | None) -> dt.date | None:
    """The date of a meeting reported by the folded ``texts`` (evidence first, then lead); a
    sentence recalling earlier news gives no date unless it is the first."""
    for index, text in enumerate(texts):
        if index and RECAP.search(text):
            continue
        if published is not None and _TODAY.search(text):
            return published
        day = _explicit(text, published)
        if day is not None:
            return day
        if published is not None:
            if _BEFORE_YESTERDAY.search(text):
                return published - dt.timedelta(days=2)
            if _YESTERDAY.search(text):
                return published - dt.timedelta(days=1)
            weekday = _weekday(text, published)
            if weekday is not None:
                return weekday
    return published
