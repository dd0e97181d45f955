"""Dates: machine-readable and printed forms of every source, the 1 March 2024 offset change."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from crawler.extract.dates import local_to_utc, parse_iso, parse_text_date


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2025-11-23T15:00:00+05:00", datetime(2025, 11, 23, 10, 0, tzinfo=UTC)),
        ("2025-02-14T10:23:11.000+0000", datetime(2025, 2, 14, 10, 23, 11, tzinfo=UTC)),
        ("2026-03-21T09:05:00Z", datetime(2026, 3, 21, 9, 5, tzinfo=UTC)),
        ("2023-12-15T10:20:00", datetime(2023, 12, 15, 4, 20, tzinfo=UTC)),  # naive: UTC+6
        ("not a date", None),
        ("", None),
    ],
)
def test_parse_iso(text: str, expected: datetime | None) -> None:
    assert parse_iso(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("15:00, 23 Ноябрь 2025", datetime(2025, 11, 23, 10, 0, tzinfo=UTC)),
        ("21:38, 18 Августа 2026", datetime(2026, 8, 18, 16, 38, tzinfo=UTC)),
        ("10:15, 5 Наурыз 2025", datetime(2025, 3, 5, 5, 15, tzinfo=UTC)),
        ("12:16, 18 August 2025", datetime(2025, 8, 18, 7, 16, tzinfo=UTC)),
        ("22 September 2020, 16:00", datetime(2020, 9, 22, 10, 0, tzinfo=UTC)),
        ("18:39, 22 June 2022 | GMT +6", datetime(2022, 6, 22, 12, 39, tzinfo=UTC)),
        ("22 сентября 2020, 16:00", datetime(2020, 9, 22, 10, 0, tzinfo=UTC)),
        ("21 марта 2026 года", datetime(2026, 3, 20, 19, 0, tzinfo=UTC)),
        ("21.03.2026", datetime(2026, 3, 20, 19, 0, tzinfo=UTC)),
        ("15.12.2023 10:20", datetime(2023, 12, 15, 4, 20, tzinfo=UTC)),
        ("2026 жылғы 21 наурыз", datetime(2026, 3, 20, 19, 0, tzinfo=UTC)),
        ("", None),
    ],
)
def test_parse_text_date(text: str, expected: datetime | None) -> None:
    assert parse_text_date(text) == expected


def test_offset_changes_on_1_march_2024() -> None:
    before = local_to_utc(datetime(2024, 2, 29, 23, 30))
    after = local_to_utc(datetime(2024, 3, 1, 0, 30))
    assert before == datetime(2024, 2, 29, 17, 30, tzinfo=UTC)  # UTC+6
    assert after == datetime(2024, 2, 29, 19, 30, tzinfo=UTC)  # UTC+5
    assert after.tzinfo is UTC and (after - before).total_seconds() == 2 * 3600
