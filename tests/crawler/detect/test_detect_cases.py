"""The detector's output type and how it treats a name the gazetteer doubts."""

from __future__ import annotations

import json

import pytest

from detect import detect
from detect.records import parse_published


def test_to_dict_is_json_ready() -> None:
    (meeting,) = detect(
        "Глава государства принял акима Павлодарской области",
        "Касым-Жомарт Токаев принял акима Павлодарской области.",
        published=parse_published("2024-05-05"),
    )
    data = meeting.to_dict()
    assert set(data) == {"region", "regions", "akim", "kind", "date", "evidence"}
    assert data["date"] == "2024-05-05"
    json.dumps(data)


def test_name_contradicting_the_date_is_noted_not_dropped(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The doubt is logged; the evidence stays the source's own sentences."""
    text = "Глава государства принял акима Карагандинской области Ермаганбета Булекпаева."
    with caplog.at_level("INFO", logger="detect.detector"):
        (meeting,) = detect(
            "Президент принял акима Карагандинской области",
            text,
            published=parse_published("2020-03-01"),
        )
    assert meeting.region == "Karaganda"
    assert meeting.evidence.endswith(text) and "note:" not in meeting.evidence
    assert "was not akim of Karaganda on 2020-03-01" in caplog.text
