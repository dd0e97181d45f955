"""Texts written for the tests on the real patterns: hard negatives and positive patterns in
Russian, Kazakh and English (patterns.jsonl) and the first cases (cases.jsonl). Each gives exactly
the expected meetings, with the expected akim, regions and date where the case names them, and
evidence that starts with the sentence stating the meeting where the case says so."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from detect import detect
from detect.records import parse_published

HERE = Path(__file__).parent


def _cases(name: str) -> list[dict]:
    lines = (HERE / name).read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


CASES = _cases("patterns.jsonl")
ALL = CASES + _cases("cases.jsonl")


@pytest.mark.parametrize("case", ALL, ids=[c["name"] for c in ALL])
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
        if "akim" in expected:
            assert meeting.akim == expected["akim"]
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
