"""Wording: subjects in Russian and English, region genitives, every document type renders."""

from __future__ import annotations

import pytest

from notify.document import envelope, sample
from notify.render import render
from notify.text import meeting_subject, ru_genitive, short_date


def _meeting(**changes: object) -> dict[str, object]:
    return {**sample("k")["meeting"], **changes}


def test_russian_subjects_by_kind() -> None:
    assert meeting_subject(_meeting(), "ru") == (
        "Токаев принял акима Карагандинской области: Karaganda, 21 Mar 2026"
    )
    trip = _meeting(kind="working_trip", region="Almaty Region")
    assert meeting_subject(trip, "ru").startswith("Токаев встретился с акимом Алматинской области")
    collective = _meeting(kind="collective", region=None, regions=["Abai", "Ulytau"])
    assert meeting_subject(collective, "ru") == (
        "Токаев провёл совещание с акимами регионов: Abai, Ulytau, 21 Mar 2026"
    )


@pytest.mark.parametrize(
    ("region", "genitive"),
    [
        ("Almaty", "города Алматы"),
        ("Almaty Region", "Алматинской области"),
        ("East Kazakhstan Region", "Восточно-Казахстанской области"),
        ("Zhetysu", "области Жетісу"),
        ("Atlantis", "региона Atlantis"),
    ],
)
def test_ru_genitive(region: str, genitive: str) -> None:
    assert ru_genitive(region) == genitive


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
