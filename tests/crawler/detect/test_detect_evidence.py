"""A meeting's evidence is what the source wrote: sentences of the article, nothing added."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from crawler.detect.detector import detect
from crawler.detect.evaluate import CORPUS, detect_item, load

_SPACE = re.compile(r"\s+")
STALE_NAME = (
    "Глава государства принял акима Туркестанской области",
    "Касым-Жомарт Токаев принял акима Туркестанской области Умирзака Шукеева.",
)  # Shukeyev left Turkistan long before the publication date below


def _plain(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


def test_every_evidence_sentence_stands_in_its_article() -> None:
    if not CORPUS.is_dir():
        pytest.skip(f"corpus not available: {CORPUS}")
    checked = 0
    for item in load([CORPUS]):
        source = _plain(f"{item.get('title') or ''} {item.get('text') or ''}")
        for meeting in detect_item(item):
            for part in meeting.evidence.split(" … "):
                assert _plain(part) in source, (item["id"], part)
                checked += 1
    assert checked > 50


def test_a_name_the_gazetteer_doubts_is_logged_not_quoted(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level("INFO", logger="crawler.detect.detector"):
        [meeting] = detect(*STALE_NAME, published=dt.datetime(2025, 6, 2, 9, tzinfo=dt.UTC))
    assert "note" not in meeting.evidence and "[" not in meeting.evidence
    assert meeting.evidence.endswith(STALE_NAME[1])
    assert "was not akim of Turkistan" in caplog.text
