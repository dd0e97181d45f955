"""Wording: subjects quote the first report's headline after region and kind; the body shows the
evidence sentence; every document type renders."""

from __future__ import annotations

from typing import Any

import pytest

from notify.document import envelope, sample
from notify.render import render
from notify.text import meeting_subject, region_name, short_date


def _article(title: str, evidence: str = "", language: str = "ru") -> dict[str, Any]:
    return {
        "url": f"https://example.kz/{abs(hash(title))}",
        "outlet": "Kazinform",
        "language": language,
        "title": title,
        "published_at": None,
        "evidence": evidence,
    }


def _meeting(*articles: dict[str, Any], **changes: Any) -> dict[str, Any]:
    return {**sample("k")["meeting"], "articles": list(articles), **changes}


# The first report is the akim's own meeting, written in Kazakh: the subject must quote it, not
# turn it into a claim that the President received the akim.
OWN_HEADLINE = "Облыс әкімі аудандағы ахуалды тексерді"


@pytest.mark.parametrize(
    ("meeting", "language", "expected"),
    [
        (
            _meeting(_article("Глава государства принял руководителя региона"), region="Pavlodar"),
            "ru",
            "Павлодарская область, приём: «Глава государства принял руководителя региона»",
        ),
        (
            _meeting(_article(OWN_HEADLINE, language="kk"), region="Jambyl"),
            "ru",
            f"Жамбылская область, приём: «{OWN_HEADLINE}»",
        ),
        (
            _meeting(_article("President hears the mayor"), region="Astana", kind="working_trip"),
            "en",
            "Astana, working trip: \u201cPresident hears the mayor\u201d",
        ),
        (
            _meeting(_article("Совещание  по\nитогам года"), region=None,
                     regions=["Abai", "Ulytau"], kind="collective"),
            "ru",
            "область Абай, область Улытау, совещание: «Совещание по итогам года»",
        ),
        (_meeting(region="Kostanay", title=""), "en", "Kostanay, reception, 21 Mar 2026"),
    ],
)  # fmt: skip
def test_subject_is_region_kind_and_the_quoted_first_headline(
    meeting: dict[str, Any], language: str, expected: str
) -> None:
    assert meeting_subject(meeting, language) == expected


def test_subject_quotes_the_first_report_not_a_later_one() -> None:
    meeting = _meeting(_article("Первое сообщение"), _article("Второе сообщение"))
    assert meeting_subject(meeting, "ru").endswith("«Первое сообщение»")
    for word in ("Токаев", "Tokayev", "принял акима", "received the akim"):
        assert word not in meeting_subject(meeting, "ru") + meeting_subject(meeting, "en")


def test_body_shows_the_deciding_evidence_sentence() -> None:
    deciding = "Президент заслушал доклад руководителя области о ходе посевной."
    document = {**sample("d"), "meeting": _meeting(_article("Заголовок", deciding))}
    subject, plain, html = render(document, "ru")
    assert subject == "Карагандинская область, приём: «Заголовок»"
    assert f'Из сообщения: "{deciding}"' in plain
    assert f"<blockquote>{deciding}</blockquote>" in html


def test_update_lists_the_reports_added_since_the_last_alert() -> None:
    first, later = _article("Первое", "Первое основание."), _article("Позже", "Новое основание.")
    document = envelope("meeting.updated", "u", meeting=_meeting(first, later), added=[later])
    subject, plain, _ = render(document, "ru")
    assert subject == "Обновление (+1): Карагандинская область, приём: «Первое»"
    added = plain.split("Новые сообщения:")[1].split("Источники:")[0]
    assert "Позже" in added and '"Новое основание."' in added and "Первое" not in added


@pytest.mark.parametrize(
    ("region", "language", "name"),
    [
        ("Almaty", "ru", "Алматы"),
        ("Almaty Region", "ru", "Алматинская область"),
        ("East Kazakhstan Region", "ru", "Восточно-Казахстанская область"),
        ("Zhetysu", "ru", "область Жетісу"),
        ("Atlantis", "ru", "Atlantis"),
        ("Almaty Region", "en", "Almaty Region"),
    ],
)
def test_region_names(region: str, language: str, name: str) -> None:
    assert region_name(region, language) == name


def test_short_date_is_locale_free() -> None:
    assert short_date("2026-12-01") == "1 Dec 2026"


@pytest.mark.parametrize("language", ["ru", "en"])
def test_every_document_type_renders(language: str) -> None:
    documents = [
        sample("a"),
        {**sample("b"), "type": "meeting.updated"},
        envelope("digest", "c", meetings=[_meeting(), _meeting(region="Pavlodar")]),
        envelope("health", "d", health={"subject": "source akorda failing", "text": "<b>x</b>"}),
        envelope(
            "article.changed",
            "e",
            article={**sample("e")["meeting"]["articles"][0], "version": 2, "diff": "-a\n+b"},
        ),
    ]
    for document in documents:
        subject, plain, html = render(document, language)
        assert subject and "\n" not in subject
        assert document["delivery_id"] in plain and document["delivery_id"] in html
    assert "&lt;b&gt;x&lt;/b&gt;" in render(documents[3], language)[2]


CANONICAL = (
    "Abai", "Akmola", "Aktobe", "Almaty Region", "Atyrau", "East Kazakhstan", "Zhambyl",
    "Zhetysu", "West Kazakhstan", "Karaganda", "Kostanay", "Kyzylorda", "Mangystau", "Pavlodar",
    "North Kazakhstan", "Turkistan", "Ulytau", "Astana", "Almaty", "Shymkent",
)  # fmt: skip


@pytest.mark.parametrize("region", CANONICAL)
def test_every_region_has_a_russian_name(region: str) -> None:
    assert region_name(region, "ru") not in (region, *CANONICAL)
