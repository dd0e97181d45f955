"""Meeting dates: the local publication date unless the text names the day, never after it."""

from __future__ import annotations

import datetime as dt

import pytest

from detect import detect
from detect.records import parse_published

RU = "Глава государства {when} принял акима Павлодарской области."
KK = "Мемлекет басшысы {when} Павлодар облысының әкімін қабылдады."
EN = "President Tokayev received the governor of Pavlodar region {when}."

# (template, words naming the day, publication, expected meeting date)
CASES = [
    (RU, "", "2024-05-08T10:00:00", "2024-05-08"),
    (RU, "сегодня", "2024-05-08T10:00:00", "2024-05-08"),
    (RU, "вчера", "2024-05-08T10:00:00", "2024-05-07"),
    (RU, "позавчера", "2024-05-08T10:00:00", "2024-05-06"),
    (RU, "15 марта", "2024-03-20T10:00:00", "2024-03-15"),
    (RU, "15 марта", "2024-03-10T10:00:00", "2023-03-15"),
    (RU, "в понедельник", "2024-05-08T10:00:00", "2024-05-06"),
    (RU, "в среду", "2024-05-08T10:00:00", "2024-05-08"),
    (RU, "3 мая 2030 года", "2024-05-08T10:00:00", "2024-05-08"),
    (RU, "в минувшую пятницу", "2024-05-08T10:00:00", "2024-05-03"),
    (KK, "кеше", "2024-05-08T10:00:00", "2024-05-07"),
    (KK, "15 наурызда", "2024-03-20T10:00:00", "2024-03-15"),
    (KK, "15-наурызда", "2024-03-20T10:00:00", "2024-03-15"),
    (KK, "дүйсенбі күні", "2024-05-08T10:00:00", "2024-05-06"),
    (KK, "бүгін", "2024-05-08T10:00:00", "2024-05-08"),
    (KK, "жұмада", "2024-05-08T10:00:00", "2024-05-03"),
    (KK, "наурыздың 15-і күні", "2024-03-20T10:00:00", "2024-03-15"),
    (EN, "yesterday", "2024-05-08T10:00:00", "2024-05-07"),
    (EN, "on Monday", "2024-05-08T10:00:00", "2024-05-06"),
    (EN, "last Friday", "2024-05-08T10:00:00", "2024-05-03"),
    (EN, "on March 15", "2024-03-20T10:00:00", "2024-03-15"),
    (EN, "on 15 March 2023", "2024-03-20T10:00:00", "2023-03-15"),
    (EN, "on Oct. 10", "2023-10-11T10:00:00", "2023-10-10"),
    (EN, "", "2024-05-05T21:30:00+00:00", "2024-05-06"),
    (EN, "", "2024-05-05T23:30:00", "2024-05-05"),
    (EN, "yesterday", "2024-05-05T21:30:00+00:00", "2024-05-05"),
    (EN, "", None, None),
    (EN, "on 15 March 2023", None, "2023-03-15"),
]


@pytest.mark.parametrize(("template", "when", "published", "expected"), CASES)
def test_meeting_date(
    template: str, when: str, published: str | None, expected: str | None
) -> None:
    text = " ".join(template.format(when=when).split())
    (meeting,) = detect("", text, published=parse_published(published))
    assert meeting.region == "Pavlodar"
    assert meeting.date == (dt.date.fromisoformat(expected) if expected else None)
    if meeting.date is not None and published is not None:
        assert meeting.date <= dt.date.fromisoformat(published[:10]) + dt.timedelta(days=1)
