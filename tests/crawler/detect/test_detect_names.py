"""Akim names in the nominative: lemmatisation rules, the detector's akim field, display forms."""

from __future__ import annotations

import datetime as dt

import pytest

from detect import detect
from detect.gazetteer import gazetteer
from detect.names import display_name
from detect.nominative import kazakh_nominative, nominative
from replicas.articles import load_articles

NOMINATIVES = [
    # Russian: genitive/accusative, dative, instrumental, prepositional; men and women
    ("ru", "Жениса Касымбека", "Женис Касымбек"),
    ("ru", "Асаина Байханова", "Асаин Байханов"),
    ("ru", "Тимуру Жумабекову", "Тимур Жумабеков"),
    ("ru", "Нурланом Ногаевым", "Нурлан Ногаев"),
    ("ru", "Архимеде Мухамбетове", "Архимед Мухамбетов"),
    ("ru", "Ерлан Кошанов", "Ерлан Кошанов"),
    ("ru", "Берика Абдыгали", "Берик Абдыгали"),
    ("ru", "Дарханом Сатыбалды", "Дархан Сатыбалды"),
    ("ru", "Дархана Сатыбалды", "Дархан Сатыбалды"),
    ("ru", "Сергея Голованова", "Сергей Голованов"),
    ("ru", "Игорем Лапиным", "Игорь Лапин"),
    ("ru", "Гульшарой Абдыкаликовой", "Гульшара Абдыкаликова"),
    ("ru", "Гульнару Сейтказиеву", "Гульнара Сейтказиева"),
    ("ru", "Ногаеву", "Ногаев"),
    # Kazakh (Cyrillic): accusative, genitive, dative, instrumental, ablative, locative
    ("kk", "Ермағанбет Бөлекпаевты", "Ермағанбет Бөлекпаев"),
    ("kk", "Марат Ахметжановтың", "Марат Ахметжанов"),
    ("kk", "Жеңіс Қасымбекке", "Жеңіс Қасымбек"),
    ("kk", "Бейбіт Исабаевқа", "Бейбіт Исабаев"),
    ("kk", "Нұрлан Ноғаевпен", "Нұрлан Ноғаев"),
    ("kk", "Ерлан Айтахановтан", "Ерлан Айтаханов"),
    ("kk", "Асқар Мырзахметовте", "Асқар Мырзахметов"),
    ("kk", "Берік Әбдіғалиұлымен", "Берік Әбдіғалиұлы"),
    ("kk", "Тимур Жұмабековке", "Тимур Жұмабеков"),
    ("kk", "Айгүл Серікқызын", "Айгүл Серікқызы"),
    ("kk", "Берік Әбдіғалиұлына", "Берік Әбдіғалиұлы"),
    ("kk", "Дархан Сатыбалды", "Дархан Сатыбалды"),
    ("kk", "Ералы Тоғжанов", "Ералы Тоғжанов"),
    ("kk", "Серік Уәлиді", "Серік Уәли"),
    ("kk", "Серік Уәлиге", "Серік Уәли"),
    ("kk", "Айдар Әлиев", "Айдар Әлиев"),
    # Kazakh (Latin, 2018 and 2021 alphabets)
    ("kk", "Ermaǵanbet Bólekpaevty", "Ermaǵanbet Bólekpaev"),
    ("kk", "Serik Şapkenovqa", "Serik Şapkenov"),
    ("kk", "Jeńis Qasymbekpen", "Jeńis Qasymbek"),
    ("kk", "Timur Jumabekovtyń", "Timur Jumabekov"),
    # English
    ("en", "Yerlan Koshanov's", "Yerlan Koshanov"),
    ("en", "Timur Zhumabekov", "Timur Zhumabekov"),
]


@pytest.mark.parametrize(("language", "written", "expected"), NOMINATIVES)
def test_names_are_put_in_the_nominative(language: str, written: str, expected: str) -> None:
    assert nominative(written, language) == expected


@pytest.mark.parametrize("word", ["Сатыбалды", "Жанберді", "Ахметов", "Ерлан", "Қасымбек"])
def test_kazakh_nominatives_that_look_inflected_are_kept(word: str) -> None:
    assert kazakh_nominative(word) == word


KARAGANDA_2024 = "2024-10-02"
PAVLODAR_2031 = "2031-03-02"
ARTICLES = [
    (
        "ru-genitive",
        "Глава государства принял акима Карагандинской области",
        "Касым-Жомарт Токаев принял акима Карагандинской области Ермаганбета Булекпаева. "
        "Аким доложил о подготовке региона к зиме.",
        KARAGANDA_2024,
        "ru",
        "Yermaganbet Bulekpayev",
    ),
    (
        "kk-accusative",
        "Мемлекет басшысы Қарағанды облысының әкімін қабылдады",
        "Қасым-Жомарт Тоқаев Қарағанды облысының әкімі Ермағанбет Бөлекпаевты қабылдады. "
        "Әкім өңірдің дамуы туралы баяндады.",
        KARAGANDA_2024,
        "kk",
        "Yermaganbet Bulekpayev",
    ),
    (
        "kk-latin",
        "Memleket basshysy Qaraǵandy oblysynyń ákimin qabyldady",
        "Qasym-Jomart Toqaev Qaraǵandy oblysynyń ákimi Ermaǵanbet Bólekpaevty qabyldady. "
        "Ákim óńirdiń damýy týraly baıandady.",
        KARAGANDA_2024,
        "kk",
        "Yermaganbet Bulekpayev",
    ),
    (
        "en",
        "Tokayev receives Karaganda region governor",
        "President Kassym-Jomart Tokayev received Governor of Karaganda region Yermaganbet "
        "Bulekpayev, who briefed him on the heating season.",
        KARAGANDA_2024,
        "en",
        "Yermaganbet Bulekpayev",
    ),
    (
        "ru-headline-only",
        "Токаев принял Ермаганбета Булекпаева",
        "Глава государства принял акима Карагандинской области. Аким доложил о ходе "
        "отопительного сезона в регионе.",
        KARAGANDA_2024,
        "ru",
        "Yermaganbet Bulekpayev",
    ),
    (
        "kk-headline-only",
        "Тоқаев Ермағанбет Бөлекпаевты қабылдады",
        "Мемлекет басшысы Қарағанды облысының әкімін қабылдады. Әкім жылу маусымы туралы баяндады.",
        KARAGANDA_2024,
        "kk",
        "Yermaganbet Bulekpayev",
    ),
    (
        "en-headline-only",
        "Tokayev receives Yermaganbet Bulekpayev",
        "The Head of State received the akim of Karaganda region. The governor reported on the "
        "heating season.",
        KARAGANDA_2024,
        "en",
        "Yermaganbet Bulekpayev",
    ),
    (
        "ru-unknown-person",
        "Глава государства принял акима Павлодарской области",
        "Касым-Жомарт Токаев принял акима Павлодарской области Тимура Жумабекова. Аким доложил "
        "о ходе отопительного сезона.",
        PAVLODAR_2031,
        "ru",
        "Тимур Жумабеков",
    ),
    (
        "kk-unknown-person",
        "Мемлекет басшысы Павлодар облысының әкімін қабылдады",
        "Қасым-Жомарт Тоқаев Павлодар облысының әкімі Тимур Жұмабековты қабылдады. Әкім жылу "
        "маусымы туралы баяндады.",
        PAVLODAR_2031,
        "kk",
        "Тимур Жұмабеков",
    ),
    (
        "en-unknown-person",
        "Tokayev receives Pavlodar governor",
        "President Kassym-Jomart Tokayev received Pavlodar region akim Timur Zhumabekov, who "
        "reported on the heating season.",
        PAVLODAR_2031,
        "en",
        "Timur Zhumabekov",
    ),
    (
        "en-unknown-capitalised-region",
        "Tokayev receives Pavlodar governor",
        "President Tokayev received Akim of Pavlodar Region Timur Zhumabekov at the Akorda.",
        PAVLODAR_2031,
        "en",
        "Timur Zhumabekov",
    ),
    (
        "ru-unknown-akim-of-the-region",
        "Глава государства принял акима Павлодарской области",
        "Президенту доложили о ходе отопительного сезона. Аким области Тимур Жумабеков "
        "рассказал о ремонте тепловых сетей.",
        PAVLODAR_2031,
        "ru",
        "Тимур Жумабеков",
    ),
    (
        "ru-unknown-name-before-title",
        "Глава государства принял акима Павлодарской области",
        "Тимур Жумабеков, аким Павлодарской области, доложил Президенту о ходе отопительного "
        "сезона.",
        PAVLODAR_2031,
        "ru",
        "Тимур Жумабеков",
    ),
    (
        "kk-unknown-name-before-title",
        "Мемлекет басшысы Павлодар облысының әкімін қабылдады",
        "Тимур Жұмабеков, Павлодар облысының әкімі, Президентке жылу маусымы туралы баяндады.",
        PAVLODAR_2031,
        "kk",
        "Тимур Жұмабеков",
    ),
    (
        "en-unknown-name-before-title",
        "Tokayev receives Pavlodar region governor",
        "Timur Zhumabekov, Governor of Pavlodar region, reported to the President on the "
        "heating season.",
        PAVLODAR_2031,
        "en",
        "Timur Zhumabekov",
    ),
    (
        "ru-unknown-after-title",
        "Токаев посетил Павлодарскую область",
        "Президент прибыл в Павлодарскую область с рабочей поездкой. Судя по докладу акима "
        "Тимура Жумабекова, регион готов к зиме.",
        PAVLODAR_2031,
        "ru",
        "Тимур Жумабеков",
    ),
    (
        "ru-unknown-city-akim-is-not-the-regional-one",
        "Токаев посетил Павлодарскую область",
        "Президент прибыл в Павлодарскую область с рабочей поездкой. В аэропорту его встретили "
        "аким города Асхат Ерланов и аким области Тимур Жумабеков.",
        PAVLODAR_2031,
        "ru",
        "Тимур Жумабеков",
    ),
    (
        "en-unknown-title-in-brackets",
        "Tokayev visits Pavlodar region",
        "President Tokayev arrived in Pavlodar region on a working trip. Based on the report by "
        "the region's Akim (Governor) Timur Zhumabekov, the region is ready for winter.",
        PAVLODAR_2031,
        "en",
        "Timur Zhumabekov",
    ),
    (
        "kk-latin-unknown-person",
        "Memleket basshysy Shyǵys Qazaqstan oblysynyń ákimin qabyldady",
        "Qasym-Jomart Toqaev Shyǵys Qazaqstan oblysynyń ákimi Serik Jumabekovty qabyldady. "
        "Ákim óńirdiń damýy týraly baıandady.",
        PAVLODAR_2031,
        "kk",
        "Серік Жұмабеков",
    ),
    (
        "kk-unknown-region-head",
        "Мемлекет басшысы Павлодар облысының әкімін қабылдады",
        "Облыс әкімі Тимур Жұмабековке бірқатар тапсырма берілді.",
        PAVLODAR_2031,
        "kk",
        "Тимур Жұмабеков",
    ),
    (
        "ru-unknown-woman",
        "Глава государства принял акима Кызылординской области",
        "Президент принял акима Кызылординской области Гульнару Сейтказиеву. Аким доложила о "
        "подготовке к паводкам.",
        PAVLODAR_2031,
        "ru",
        "Гульнара Сейтказиева",
    ),
]


@pytest.mark.parametrize(
    ("title", "text", "published", "language", "akim"),
    [case[1:] for case in ARTICLES],
    ids=[case[0] for case in ARTICLES],
)
def test_detected_akim_is_the_person_or_the_nominative(
    title: str, text: str, published: str, language: str, akim: str
) -> None:
    meetings = detect(
        title, text, published=dt.datetime.fromisoformat(published), language=language
    )
    assert [m.akim for m in meetings] == [akim], [m.to_dict() for m in meetings]


def test_the_same_text_gives_the_same_name_every_run() -> None:
    _, title, text, published, language, _ = ARTICLES[0]
    on = dt.datetime.fromisoformat(published)
    names = {detect(title, text, published=on, language=language)[0].akim for _ in range(3)}
    assert names == {"Yermaganbet Bulekpayev"}


@pytest.mark.parametrize(
    ("stored", "language", "shown"),
    [
        ("Yermaganbet Bulekpayev", "ru", "Ермаганбет Булекпаев"),
        ("Yermaganbet Bulekpayev", "kk", "Ермағанбет Бөлекпаев"),
        ("Yermaganbet Bulekpayev", "en", "Yermaganbet Bulekpayev"),
        ("Ермағанбет Бөлекпаев", "en", "Yermaganbet Bulekpayev"),
        ("Bulekpayev", "ru", "Ермаганбет Булекпаев"),
        ("Ermaǵanbet Bólekpaev", "ru", "Ермаганбет Булекпаев"),
        ("Jeñis Qasımbek", "en", "Zhenis Kasymbek"),
        ("Berik Abdygaliuly", "ru", "Берик Абдыгали"),
        ("Nurlan Urankhayev", "kk", "Нұрлан Ұранхаев"),
        ("Нұрлан Уранхаев", "ru", "Нурлан Уранхаев"),
        ("Тимур Жумабеков", "en", "Тимур Жумабеков"),
        (None, "ru", None),
    ],
)
def test_display_name_per_language(stored: str | None, language: str, shown: str | None) -> None:
    assert display_name(stored, language) == shown


def test_every_person_has_a_form_per_language_and_sane_terms() -> None:
    gaz = gazetteer()
    for key, person in gaz.people.items():
        assert set(person.forms) == {"ru", "kk", "en"} and all(person.forms.values()), key
        assert gaz.resolve(key) == key
        for form in person.forms.values():
            assert gaz.resolve(form) == key, (key, form)
        for term in person.terms:
            assert term.end is None or term.start < term.end, (key, term)


FORMER_AKIMS = [
    ("Государственного секретаря Крымбека Кушербаева", "2020-05-01", "Krymbek Kusherbayev"),
    ("вице-премьера Каната Бозумбаева", "2024-05-10", "Kanat Bozumbayev"),
    ("министра энергетики Нурлана Ногаева", "2019-09-10", "Nurlan Nogayev"),
]


@pytest.mark.parametrize(("who", "published", "person"), FORMER_AKIMS)
def test_a_former_akim_in_another_post_is_no_akim(who: str, published: str, person: str) -> None:
    on = dt.datetime.fromisoformat(published)
    text = f"Касым-Жомарт Токаев принял {who}. Обсуждались вопросы работы отрасли."
    assert detect("Глава государства принял", text, published=on, language="ru") == []
    assert gazetteer().resolve(who) == person
    assert gazetteer().region_of(person, on.date(), frozenset()) is None


@pytest.mark.parametrize("on", ["2022-06-20", "2024-03-01", "2026-11-20"])
def test_the_abai_akim_since_2022_is_nurlan_urankhayev(on: str) -> None:
    assert gazetteer().holders("Abai", dt.date.fromisoformat(on)) == ["Nurlan Urankhayev"]


def test_every_replica_report_of_the_abai_akim_names_nurlan_urankhayev() -> None:
    """The replicas name the real Abai akim (not the President's press secretary) in every
    site and language, and the detector resolves each spelling to the gazetteer person."""
    found: dict[str, set[str | None]] = {}
    for site in ("akorda", "bestnews", "govkz", "kazinform"):
        for article in load_articles(site):
            text = "\n".join([article.lead, *article.paragraphs])
            meetings = detect(
                article.title, text, published=article.published, language=article.language
            )
            akims = {m.akim for m in meetings if m.region == "Abai"}
            if akims:
                found[f"{site}/{article.id}/{article.language}"] = akims
    assert {"ru", "kk", "en"} <= {key.rsplit("/", 1)[1] for key in found}, found
    assert len(found) >= 4 and all(a == {"Nurlan Urankhayev"} for a in found.values()), found
