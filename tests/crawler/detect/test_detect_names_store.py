"""The akim stored for a meeting is chosen by a fixed preference, whatever the crawl order: a
gazetteer person before a free name, then the Russian report's lemma, the English, the Kazakh, then
the earliest published report. Reports go through the detector and the real store."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from itertools import permutations

import pytest
from sqlalchemy import Engine, select

from crawler.pipelines import to_record
from detect import Meeting as Detected
from detect import detect
from storage.engine import session_factory
from storage.meetings import name_rank
from storage.models import Article, Meeting
from storage.records import ArticleRecord
from storage.repository import ArticleStore

PUBLISHED = datetime(2026, 11, 20, 5, tzinfo=UTC)
REPORTS = {
    "ru": (
        "https://www.akorda.kz/ru/prezident-prinyal-akima-kostanayskoy-oblasti-7",
        "Президент принял акима Костанайской области",
        "Касым-Жомарт Токаев принял акима Костанайской области Серика Жумабаева. Глава региона "
        "доложил об итогах уборочной кампании.",
    ),
    "kk": (
        "https://www.akorda.kz/kz/prezident-qostanai-oblysynyn-akimin-qabyldady-7",
        "Президент Қостанай облысының әкімін қабылдады",
        "Қасым-Жомарт Тоқаев Қостанай облысының әкімі Серік Жұмабаевты қабылдады. Өңір басшысы "
        "егін жинау науқанының қорытындысы туралы баяндады.",
    ),
    "en": (
        "https://www.akorda.kz/en/president-receives-kostanay-region-governor-7",
        "President receives Kostanay region governor",
        "President Kassym-Jomart Tokayev received Governor of Kostanay region Serik Zhumabayev, "
        "who reported on the results of the harvest.",
    ),
}
LEMMA = {"ru": "Серик Жумабаев", "kk": "Серік Жұмабаев", "en": "Serik Zhumabayev"}
"""The free name each report gives (no such akim is in the gazetteer)."""
MINUTES = {"kk": 0, "en": 15, "ru": 40}
"""The Kazakh report is published first, the Russian last: language outranks publication."""


def _router(*_: object) -> list[str]:
    return []


def _detected(language: str) -> ArticleRecord:
    url, title, text = REPORTS[language]
    published = PUBLISHED + timedelta(minutes=MINUTES[language])
    item = ArticleRecord(url, "akorda", language, title, text, published_at=published)
    return to_record(item, detect(title, text, published=published, language=language))


def _stored(engine: Engine, records: Sequence[ArticleRecord]) -> str | None:
    """Save ``records`` one crawl each, in order; the akim of the one meeting they report."""
    for record in records:
        with session_factory(engine)() as session:
            ArticleStore(session).save([record])
    with session_factory(engine)() as session:
        [meeting] = session.scalars(select(Meeting))
        return meeting.akim


@pytest.mark.parametrize("order", list(permutations(REPORTS)), ids="-".join)
def test_the_russian_lemma_is_kept_in_every_crawl_order(
    order: tuple[str, ...], engine: Engine
) -> None:
    assert _stored(engine, [_detected(language) for language in order]) == LEMMA["ru"]


@pytest.mark.parametrize(
    ("languages", "expected"),
    [(("kk", "en"), "en"), (("en", "kk"), "en"), (("kk",), "kk"), (("ru", "kk"), "ru")],
)
def test_without_a_russian_report_english_then_kazakh(
    languages: tuple[str, ...], expected: str, engine: Engine
) -> None:
    assert _stored(engine, [_detected(language) for language in languages]) == LEMMA[expected]


def _named(url: str, language: str, minutes: int, akim: str, known: bool) -> ArticleRecord:
    meeting = Detected(
        "reception", PUBLISHED.date(), "Abai", akim=akim, evidence=akim, akim_known=known
    )
    published = PUBLISHED + timedelta(minutes=minutes)
    title = f"Reception of the Abai akim {minutes}"
    return ArticleRecord(
        url, "kazinform", language, title, title, published_at=published, meetings=[meeting]
    )


GAZETTEER = _named("https://en.inform.kz/abai-1", "kk", 30, "Nurlan Urankhayev", known=True)
FREE_RU = _named("https://www.inform.kz/ru/abai-2", "ru", 0, "Нурлан Уранхай", known=False)
EARLY = _named("https://www.inform.kz/ru/abai-3", "ru", 5, "Нурлан Ураханов", known=False)
LATE = _named("https://www.inform.kz/ru/abai-4", "ru", 50, "Нурлан Урханов", known=False)


@pytest.mark.parametrize(
    ("records", "expected"),
    [
        ([FREE_RU, GAZETTEER], "Nurlan Urankhayev"),
        ([GAZETTEER, FREE_RU], "Nurlan Urankhayev"),
        ([LATE, EARLY], "Нурлан Ураханов"),
        ([EARLY, LATE], "Нурлан Ураханов"),
    ],
    ids=["free-first", "gazetteer-first", "late-first", "early-first"],
)
def test_a_gazetteer_person_then_the_earliest_report_wins(
    records: list[ArticleRecord], expected: str, engine: Engine
) -> None:
    assert _stored(engine, records) == expected


def test_a_corrected_report_still_ranks_by_language(engine: Engine) -> None:
    """The Kazakh report corrects its name later: the Russian lemma stays the stored name."""
    kk = _detected("kk")
    corrected = ArticleRecord(
        kk.url, kk.source, "kk", kk.title, kk.body + " Түзету.", published_at=kk.published_at,
        meetings=[Detected("reception", PUBLISHED.date(), "Kostanay", akim="Серік Жұмабай")],
    )  # fmt: skip
    assert _stored(engine, [kk, _detected("ru"), corrected]) == LEMMA["ru"]


def _rank(
    known: bool, language: str, minutes: int | None, naive: bool = False
) -> tuple[int, bool, datetime, str]:
    published = None if minutes is None else PUBLISHED + timedelta(minutes=minutes)
    if published and naive:
        published = published.replace(tzinfo=None)
    return name_rank(known, Article(language=language, published_at=published, canonical_url="u"))


@pytest.mark.parametrize(
    ("better", "worse"),
    [
        ((True, "kk", 50), (False, "ru", 0)),
        ((False, "ru", 50), (False, "en", 0)),
        ((False, "en", 50), (False, "kk", 0)),
        ((False, "kk", 50), (False, "uz", 0)),
        ((False, "ru", 0), (False, "ru", None)),
        ((False, "ru", 10, True), (False, "ru", 20)),
        ((False, "ru", 10), (False, "ru", 20, True)),
    ],
)
def test_name_rank_order(better: tuple, worse: tuple) -> None:
    """Lower ranks name the akim better; a time stored without a zone counts as UTC."""
    assert _rank(*better) < _rank(*worse)
