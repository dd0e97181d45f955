"""A meeting's evidence is what the source wrote: sentences of the article, nothing added."""

from __future__ import annotations

import re

import pytest

from detect.evaluate import CORPUS, detect_item, load

_SPACE = re.compile(r"\s+")


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
