"""The one month table: every printed form the sources use maps to its month, inflected forms
too; abbreviations only as whole words; detection reads the same table from folded text."""

from __future__ import annotations

import datetime as dt

import pytest

from detect.dates import meeting_date
from detect.months import month_number
from detect.normalize import fold, strip_html

PRINTED = {
    1: "январь января янв қаңтар қаңтардың january jan",
    2: "февраль февраля фев ақпан ақпанның february feb",
    3: "март марта мар наурыз наурыздың march mar",
    4: "апрель апреля апр сәуір сәуірдің april apr",
    5: "май мая мамыр мамырдың may",
    6: "июнь июня июн маусым маусымның june jun",
    7: "июль июля июл шілде шілденің july jul",
    8: "август августа авг тамыз тамыздың august aug",
    9: "сентябрь сентября сен сент қыркүйек қыркүйектің september sep sept",
    10: "октябрь октября окт қазан қазанның october oct",
    11: "ноябрь ноября ноя нояб қараша қарашаның november nov",
    12: "декабрь декабря дек желтоқсан желтоқсанның december dec",
}


@pytest.mark.parametrize("month", PRINTED)
def test_every_printed_form_names_its_month(month: int) -> None:
    assert {word: month_number(word) for word in PRINTED[month].split()} == dict.fromkeys(
        PRINTED[month].split(), month
    )


@pytest.mark.parametrize("word", ["марке", "сенат", "janet", "декан", "x", ""])
def test_abbreviations_are_whole_words(word: str) -> None:
    assert month_number(word) is None


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("встреча 21 марте", dt.date(2026, 3, 21)),
        ("15-наурызда өтті", dt.date(2026, 3, 15)),
        ("on 2 May", dt.date(2026, 5, 2)),
        ("в 5 майских", dt.date(2026, 5, 5)),
        ("12 сенаторов", dt.date(2026, 6, 1)),
        ("3 qyrkúiek", dt.date(2026, 6, 1)),
    ],
)
def test_detection_reads_the_same_table(text: str, day: dt.date) -> None:
    assert meeting_date([fold(text)], dt.date(2026, 6, 1)) == day


def test_html_to_text_drops_figures_and_keeps_blocks() -> None:
    html = '<h2>Заголовок</h2>Текст<figure><img src="x"><figcaption>Фото: пресс-служба'
    html += "</figcaption></figure><ul><li>один</li><li>два &amp; три</li></ul>"
    lines = [line.strip() for line in strip_html(html).splitlines() if line.strip()]
    assert lines == ["Заголовок", "Текст", "один", "два & три"]
