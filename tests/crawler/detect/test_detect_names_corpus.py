"""The gazetteer and the akim field against the labelled corpus (read from ../shared/corpus).

Every labelled positive's akim must be a gazetteer person who held the labelled region on the
meeting's date; the detector's akim for the labelled region must be that person.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from pathlib import Path

import pytest

import detect.gazetteer as gazetteer_module
from detect import detect
from detect.evaluate import ALIASES
from detect.gazetteer import gazetteer
from detect.records import parse_published

ROOT = Path(__file__).resolve().parents[3]
CORPORA = [ROOT / ".." / "shared" / "corpus", ROOT / ".." / ".." / "shared" / "corpus"]
FILES = ("dev.jsonl", "dev2.jsonl")


def _corpus() -> Path:
    for path in CORPORA:
        if (path / FILES[0]).exists():
            return path
    pytest.skip(f"corpus not available: {CORPORA[0]}")


def _positives() -> list[dict]:
    """Labelled positives naming one akim, from the dev files and the seeds' meetings."""
    corpus = _corpus()
    items = []
    for name in FILES:
        for line in (corpus / name).read_text(encoding="utf-8").splitlines():
            item = json.loads(line) if line.strip() else {}
            if item.get("label") and item.get("akim") and item.get("region"):
                items.append(item)
    for line in (corpus / "seeds.jsonl").read_text(encoding="utf-8").splitlines():
        seed = json.loads(line) if line.strip() else {}
        for m in seed.get("meetings", []):
            if m.get("akim"):
                event = f"{m['date']}/{m['region']}" if m.get("date") else None
                items.append({**seed, **m, "event": event, "unsure": False})
    return items


def _day(item: dict) -> dt.date | None:
    event = item.get("event") or ""
    if event[:4].isdigit():
        return dt.date.fromisoformat(event[:10])
    published = parse_published(item.get("published"))
    return published.date() if published else None


def test_every_labelled_akim_is_the_gazetteer_holder_of_the_region() -> None:
    gaz = gazetteer()
    wrong = []
    for item in _positives():
        region = ALIASES.get(item["region"], item["region"])
        person = gaz.resolve(item["akim"])
        if person is None or person not in gaz.holders(region, _day(item)):
            wrong.append((item["id"], item["akim"], region, _day(item), person))
    assert not wrong


def test_detected_akim_is_the_labelled_person() -> None:
    """Per language: labelled positives, those whose region the detector found, exact persons."""
    gaz = gazetteer()
    counts: Counter[str] = Counter()
    wrong = []
    for item in _positives():
        found = _detected_akim(item)
        group = f"{'unsure' if item.get('unsure') else 'sure'}/{item['language']}"
        counts[f"{group} labelled"] += 1
        if not found:
            continue
        counts[f"{group} found"] += 1
        if found[0] == gaz.resolve(item["akim"]):
            counts[f"{group} exact"] += 1
        elif not item.get("unsure"):
            wrong.append((item["id"], item["akim"], found[0]))
    print(dict(sorted(counts.items())))
    assert not wrong
    for language in ("ru", "kk", "en"):
        assert counts[f"sure/{language} exact"] == counts[f"sure/{language} found"] > 0


def _detected_akim(item: dict) -> list[str | None]:
    region = ALIASES.get(item["region"], item["region"])
    meetings = detect(
        item.get("title") or "",
        item["text"],
        published=parse_published(item.get("published")),
        language=item.get("language"),
    )
    return [m.akim for m in meetings if m.region == region]


def test_an_akim_missing_from_the_gazetteer_is_read_from_the_text(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Each sure positive with its akim taken out of the gazetteer: the akim field must be the
    labelled name as written in the article's language, in the nominative."""
    load = gazetteer_module._load
    counts: Counter[str] = Counter()
    try:
        for item in _positives():
            if item.get("unsure") or item["id"].startswith("seed"):
                continue
            person = gazetteer().resolve(item["akim"])

            def without(name: str, person: str | None = person) -> dict:
                data = load(name)
                people = [p for p in data.get("people", []) if p["key"] != person]
                return {**data, "people": people} if name == "akims.json" else data

            monkeypatch.setattr(gazetteer_module, "_load", without)
            gazetteer.cache_clear()
            found = _detected_akim(item)
            monkeypatch.setattr(gazetteer_module, "_load", load)
            gazetteer.cache_clear()
            if found:
                counts[f"{item['language']} found"] += 1
                counts[f"{item['language']} exact"] += found[0] == item["akim"]
    finally:
        monkeypatch.setattr(gazetteer_module, "_load", load)
        gazetteer.cache_clear()
    print(dict(sorted(counts.items())))
    for language in ("ru", "kk", "en"):
        assert counts[f"{language} exact"] >= 0.85 * counts[f"{language} found"] > 0, counts
