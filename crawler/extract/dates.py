"""Dates: machine-readable first, then the sites' known text formats, then dateparser.

Local times are converted with ``Asia/Almaty``, which knows that Kazakhstan moved from UTC+6 to
UTC+5 on 1 March 2024. Every result is an aware UTC datetime.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, time, timedelta
from functools import lru_cache

import dateparser

from detect.dates import ALMATY
from detect.months import month_number

_TIME = r"(?P<h>\d{1,2}):(?P<mi>\d{2})"
_PATTERNS = [
    # "15:00, 23 Ноябрь 2025", "18:39, 22 June 2022 | GMT +6"
    re.compile(_TIME + r",?\s+(?P<d>\d{1,2})\s+(?P<mon>[^\W\d_]+)\.?\s+(?P<y>\d{4})"),
    # "22 September 2020, 16:00", "21 марта 2026 года", "1 September 2022 20:48"
    re.compile(
        r"(?P<d>\d{1,2})\s+(?P<mon>[^\W\d_]+)\.?,?\s+(?P<y>\d{4})(?:\s*(?:года|г\.|ж\.)?,?\s+"
        + _TIME
        + r")?"
    ),
    # "September 22, 2020", "March 21, 2026 16:00"
    re.compile(r"(?P<mon>[^\W\d_]+)\.?\s+(?P<d>\d{1,2}),\s*(?P<y>\d{4})(?:,?\s+" + _TIME + r")?"),
    # "2026 жылғы 21 наурыз"
    re.compile(
        r"(?P<y>\d{4})\s+жыл\w*\s+(?P<d>\d{1,2})\s+(?P<mon>[^\W\d_]+)(?:,?\s+" + _TIME + r")?"
    ),
    # "16:00 21.03.2026"
    re.compile(_TIME + r",?\s+(?P<d>\d{1,2})\.(?P<m>\d{1,2})\.(?P<y>\d{4})"),
    # "21.03.2026", "21.03.2026 16:00", "21.03.2026, 16:00", "21.03.2026 в 16:00"
    re.compile(
        r"(?P<d>\d{1,2})\.(?P<m>\d{1,2})\.(?P<y>\d{4})(?:,?\s+(?:в\s+|at\s+)?" + _TIME + r")?"
    ),
    # "2026-03-21 16:00" (ISO date printed as text)
    re.compile(r"(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})(?:[ T]" + _TIME + r")?"),
]
# "Сегодня, 14:30", "Бүгін 09:05", "Today, 14:30"; "Вчера, 23:10", "Кеше", "Yesterday".
_RELATIVE = re.compile(
    r"(?P<word>сегодня|бүгін|today|вчера|кеше|yesterday)\s*,?\s*(?:в\s+|at\s+)?" + _TIME
)
_DAYS_BACK = {"сегодня": 0, "бүгін": 0, "today": 0, "вчера": 1, "кеше": 1, "yesterday": 1}
_HAS_DATE = re.compile(r"\d{4}|сегодня|бүгін|today|вчера|кеше|yesterday", re.I)


def local_to_utc(value: datetime) -> datetime:
    """Attach Asia/Almaty to a naive local time (aware values are kept) and convert to UTC."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=ALMATY)
    return value.astimezone(UTC)


def parse_iso(text: str | None) -> datetime | None:
    """An ISO 8601 timestamp (``Z``, offsets such as ``+0000``, fractions) as aware UTC."""
    if not text:
        return None
    value = text.strip().replace("Z", "+00:00")
    value = re.sub(r"([+-]\d{2})(\d{2})$", r"\1:\2", value)
    try:
        return local_to_utc(datetime.fromisoformat(value))
    except ValueError:
        return None


def parse_text_date(
    text: str | None, languages: tuple[str, ...] = ("ru", "kk", "en")
) -> datetime | None:
    """A human date as printed by the sources, read as Asia/Almaty local time, in UTC."""
    if not text:
        return None
    return find_text_date(text) or _dateparser(" ".join(text.split()).lower(), languages)


def find_text_date(text: str | None, now: datetime | None = None) -> datetime | None:
    """A date printed in one of the sources' known forms (no guessing: text that merely
    mentions a year is not a date). Relative forms ("Сегодня, 14:30") need ``now``."""
    if not text or not _HAS_DATE.search(text):
        return None
    folded = " ".join(text.split()).lower()
    for pattern in _PATTERNS:
        for match in pattern.finditer(folded):
            result = _from_match(match.groupdict())
            if result is not None:
                return result
    return _relative(folded, now)


def _relative(folded: str, now: datetime | None) -> datetime | None:
    match = _RELATIVE.search(folded)
    if match is None or now is None:
        return None
    day = now.astimezone(ALMATY).date() - timedelta(days=_DAYS_BACK[match["word"]])
    try:
        clock = time(int(match["h"]), int(match["mi"]))
    except ValueError:
        return None
    return local_to_utc(datetime.combine(day, clock))


def is_date_text(text: str) -> bool:
    """Whether a short text is a printed date (a dateline, an "updated" stamp)."""
    if len(text) >= 80:
        return False
    return find_text_date(text) is not None or bool(_RELATIVE.search(text.lower()))


def _from_match(groups: dict[str, str | None]) -> datetime | None:
    number, name = groups.get("m"), (groups.get("mon") or "").strip(".")
    month = int(number) if number else month_number(name)
    if month is None:
        return None
    try:
        value = datetime(
            int(groups["y"] or 0),
            month,
            int(groups["d"] or 0),
            int(groups.get("h") or 0),
            int(groups.get("mi") or 0),
        )
    except ValueError:
        return None
    return local_to_utc(value)


@lru_cache(maxsize=2048)
def _dateparser(text: str, languages: tuple[str, ...]) -> datetime | None:
    parsed = dateparser.parse(
        text[:100],
        languages=list(languages),
        settings={
            "DATE_ORDER": "DMY",
            "PREFER_DATES_FROM": "past",
            "TIMEZONE": "Asia/Almaty",
            "RETURN_AS_TIMEZONE_AWARE": False,
        },
    )
    return local_to_utc(parsed) if parsed else None
