"""Hard negatives and positive patterns in Russian, Kazakh and English (patterns.jsonl, texts
written for the tests): each gives exactly the expected meetings, with evidence that starts with
the sentence stating the meeting where the case says so."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from crawler.detect import detect
from crawler.detect.records import parse_published

CASES = [
    json.loads(line)
    for line in (Path(__file__).parent / "patterns.jsonl").read_text("utf-8").splitlines()
    if line.strip()
]


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_pattern(case: dict) -> None:
    meetings = detect(
        case["title"],
        case["text"],
        published=parse_published(case["published"]),
        language=case["language"],
    )
    got = [(m.region, m.kind) for m in meetings]
    assert got == [(e["region"], e["kind"]) for e in case["expect"]], meetings
    for meeting, expected in zip(meetings, case["expect"], strict=True):
        assert meeting.evidence
        if "regions" in expected:
            assert list(meeting.regions) == expected["regions"]
        if "date" in expected:
            assert meeting.date is not None and meeting.date.isoformat() == expected["date"]
    if "evidence_first" in case:
        assert meetings[0].evidence.startswith(case["evidence_first"]), meetings[0].evidence


def test_every_language_has_negatives_and_positives() -> None:
    for language in ("ru", "kk", "en"):
        named = [c for c in CASES if c["name"].startswith(f"{language}-")]
        assert any(c["expect"] for c in named) and any(not c["expect"] for c in named)
