"""The detector on the labelled corpus: the dev targets per language, and the seeds."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from crawler.detect import detect
from crawler.detect.evaluate import ALIASES, evaluate
from crawler.detect.records import parse_published

CORPUS = Path(__file__).resolve().parents[3] / ".." / "shared" / "corpus"


def _load(name: str) -> list[dict]:
    path = CORPUS / name
    if not path.exists():
        pytest.skip(f"corpus not available: {path}")
    return [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]


def test_dev_targets_per_language() -> None:
    result = evaluate(_load("dev.jsonl"))
    for key in ("sure/ru", "sure/kk", "sure/en"):
        figures = result[key]
        assert _num(figures["precision"]) >= 0.98, (key, figures)
        assert _num(figures["recall"]) >= 0.97, (key, figures)
    assert _num(result["sure"]["region_accuracy"]) >= 0.98, result["sure"]


def _num(value: object) -> float:
    assert isinstance(value, float | int)
    return float(value)


@pytest.mark.parametrize("index", range(5))
def test_seed(index: int) -> None:
    seeds = _load("seeds.jsonl")
    if index >= len(seeds):
        pytest.skip("fewer seeds")
    seed = seeds[index]
    meetings = detect(
        seed.get("title") or "",
        seed["text"],
        published=parse_published(seed.get("published")),
        language=seed.get("language"),
    )
    want = [(ALIASES.get(m["region"], m["region"]), m["kind"], m["date"]) for m in seed["meetings"]]
    got = [(m.region, m.kind, m.date.isoformat() if m.date else None) for m in meetings]
    assert got == want, [m.to_dict() for m in meetings]
