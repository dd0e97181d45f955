"""Normalisation, segmentation, gazetteer and dates."""

from __future__ import annotations

import datetime as dt

from detect.dates import local_date, meeting_date
from detect.gazetteer import gazetteer
from detect.normalize import detect_language, fold, latin_variant, strip_html
from detect.segment import sentences


def test_fold_kazakh_latin_and_arabic() -> None:
    text = "Toqaev Abaı oblysynyń ákimin qabyldady, Qazaqstan Respýblıkasy"
    assert fold(text, latin_variant(text.lower())).startswith("тоқаев абаи облысының әкімін")
    assert fold("قوستاناي وبلىسى") == "қостанаи облысы"
    assert fold("Ёлка Йошкар") == "елка иошкар"


def test_detect_language() -> None:
    assert detect_language("Токаев принял акима", "") == "ru"
    assert detect_language("Тоқаев әкімді қабылдады", "") == "kk"
    assert detect_language("Tokayev receives akim", "") == "en"
    assert detect_language("Toqaev ákimdi qabyldady", "Memleket basshysy óńir") == "kk"


def test_strip_html_keeps_blocks() -> None:
    assert strip_html("<p>a</p><p>b &amp; c</p>").split() == ["a", "b", "&", "c"]


def test_boilerplate_lines_are_dropped() -> None:
    text = (
        "Меню\nКурс валют: 450\n"
        "Глава государства провел совещание по развитию туризма в стране.\n"
        "Популярное\nТокаев принял акима области\n"
    )
    got = [s.text for s in sentences("Заголовок", text)]
    assert got == ["Заголовок", "Глава государства провел совещание по развитию туризма в стране."]


def test_gazetteer_regions_and_history() -> None:
    gaz = gazetteer()
    assert [m.region for m in gaz.regions_in(fold("в Жезказгане"), dt.date(2021, 1, 1))] == [
        "Karaganda"
    ]
    assert [m.region for m in gaz.regions_in(fold("в Жезказгане"), dt.date(2023, 1, 1))] == [
        "Ulytau"
    ]
    found = gaz.regions_in(fold("акимы ЗКО, Нур-Султана и Южно-Казахстанской области"), None)
    assert [m.region for m in found] == ["West Kazakhstan", "Astana", "Turkistan"]
    assert gaz.region_of("Zhenis Kasymbek", dt.date(2021, 1, 1), frozenset()) == "Karaganda"
    assert gaz.region_of("Zhenis Kasymbek", None, frozenset({"Astana"})) == "Astana"


def test_dates() -> None:
    base = dt.date(2025, 1, 3)
    assert meeting_date(["28 декабря президент принял"], base) == dt.date(2024, 12, 28)
    assert meeting_date(["вчера президент"], base) == dt.date(2025, 1, 2)
    assert meeting_date(["on wednesday the president"], base) == dt.date(2025, 1, 1)
    assert meeting_date(["24 желтоқсан күні"], None) is None
    assert meeting_date(["september 22, 2020"], None) == dt.date(2020, 9, 22)
    assert meeting_date(["no date"], base) == base
    aware = dt.datetime(2024, 3, 1, 20, 0, tzinfo=dt.UTC)
    assert local_date(aware) == dt.date(2024, 3, 2)
    assert local_date(dt.datetime(2024, 3, 1, 23, 0)) == dt.date(2024, 3, 1)
