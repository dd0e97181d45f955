"""The detector on the whole labelled corpus (dev, dev2, seeds): the targets per language."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from detect.evaluate import CORPUS, detect_item, evaluate, files_of, judge, load, main

TARGETS = {"precision": 0.98, "recall": 0.97, "region_accuracy": 0.98, "kind_accuracy": 0.95}
LANGUAGES = ("ru", "kk", "en")


@pytest.fixture(scope="module")
def result() -> dict[str, dict[str, object]]:
    if not CORPUS.is_dir():
        pytest.skip(f"corpus not available: {CORPUS}")
    names = {p.name for p in files_of([CORPUS])}
    assert {"dev.jsonl", "dev2.jsonl", "seeds.jsonl"} <= names, names
    return evaluate(load([CORPUS]))


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("figure", sorted(TARGETS))
def test_sure_items_meet_the_target(
    result: dict[str, dict[str, object]], language: str, figure: str
) -> None:
    figures = result[f"sure/{language}"]
    value = figures[figure]
    assert isinstance(value, float | int)
    assert value >= TARGETS[figure], (language, figure, figures["errors"])


def test_unsure_items_are_reported_apart(result: dict[str, dict[str, object]]) -> None:
    assert "unsure" in result and "sure" in result
    sure, unsure = result["sure"]["n"], result["unsure"]["n"]
    assert isinstance(sure, int) and isinstance(unsure, int)
    assert sure + unsure == len(load([CORPUS]))


def test_command_line_reads_files_and_directories(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    item = {
        "id": "x",
        "language": "ru",
        "title": "Глава государства принял акима Павлодарской области",
        "text": "Касым-Жомарт Токаев принял акима Павлодарской области.",
        "published": "2024-05-05",
        "label": True,
        "kind": "reception",
        "region": "Pavlodar",
        "event": "2024-05-05/Pavlodar",
        "unsure": False,
    }
    (tmp_path / "a.jsonl").write_text(json.dumps(item, ensure_ascii=False) + "\n", "utf-8")
    assert main([str(tmp_path), "--json"]) == 0
    figures = json.loads(capsys.readouterr().out)
    assert figures["sure/ru"]["tp"] == 1 and figures["sure/ru"]["date_accuracy"] == 1.0
    assert main([str(tmp_path / "missing.jsonl")]) == 2
    assert "no such file" in capsys.readouterr().err


def test_seeds_give_their_meetings_whole() -> None:
    path = CORPUS / "seeds.jsonl"
    if not path.exists():
        pytest.skip(f"corpus not available: {path}")
    for seed in load([path]):
        verdict = judge(seed, detect_item(seed))
        assert verdict.region_ok and verdict.kind_ok and verdict.date_ok is not False, seed["id"]
