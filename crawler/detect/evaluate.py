"""Evaluate the detector on a labelled JSONL file (the fields of ../shared/corpus/dev.jsonl).

``python -m crawler.detect.evaluate [FILE] [--json]`` prints precision, recall and F1 of
relevance, region and kind accuracy on positives, per language, on the items with
``unsure: false``; the unsure items are reported separately; every error is listed.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from crawler.detect.detector import Meeting, detect
from crawler.detect.records import parse_published

DEFAULT = Path(__file__).resolve().parents[2] / ".." / "shared" / "corpus" / "dev.jsonl"


@dataclass
class Score:
    """Counts for one slice of the evaluation."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0
    region_ok: int = 0
    kind_ok: int = 0
    errors: list[dict[str, object]] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        """Figures of this slice."""
        p = self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0
        r = self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0
        f1 = 2 * p * r / (p + r) if p + r else 0.0
        return {
            "n": self.tp + self.fp + self.fn + self.tn,
            "tp": self.tp, "fp": self.fp, "fn": self.fn, "tn": self.tn,
            "precision": round(p, 4), "recall": round(r, 4), "f1": round(f1, 4),
            "region_accuracy": round(self.region_ok / self.tp, 4) if self.tp else 1.0,
            "kind_accuracy": round(self.kind_ok / self.tp, 4) if self.tp else 1.0,
        }  # fmt: skip


ALIASES = {"Turkestan": "Turkistan"}
"""Spellings used in labels for the canonical names of the issue."""


def _match(item: dict, meetings: list[Meeting]) -> Meeting | None:
    """The predicted meeting that corresponds to the labelled region (None: collective)."""
    want = item.get("region")
    want = ALIASES.get(want, want) if isinstance(want, str) else None
    for m in meetings:
        if m.region == want:
            return m
    return None


def score_item(item: dict, score: Score) -> None:
    """Run the detector on one labelled item and add it to ``score``."""
    meetings = detect(
        item.get("title") or "",
        item.get("text") or "",
        published=parse_published(item.get("published")),
        language=item.get("language"),
    )
    got, want = bool(meetings), bool(item.get("label"))
    error: str | None = None
    if got and want:
        score.tp += 1
        hit = _match(item, meetings)
        score.region_ok += hit is not None
        score.kind_ok += hit is not None and hit.kind == item.get("kind")
        if hit is None:
            error = "region"
        elif hit.kind != item.get("kind"):
            error = "kind"
    elif got:
        score.fp += 1
        error = "false positive"
    elif want:
        score.fn += 1
        error = "false negative"
    else:
        score.tn += 1
    if error:
        score.errors.append(_error(item, error, meetings))


def _error(item: dict, error: str, meetings: list[Meeting]) -> dict[str, object]:
    return {
        "id": item.get("id"),
        "language": item.get("language"),
        "error": error,
        "label": {k: item.get(k) for k in ("label", "kind", "region", "akim")},
        "got": [{k: v for k, v in m.to_dict().items() if k != "regions"} for m in meetings],
    }


def evaluate(items: Iterable[dict]) -> dict[str, dict[str, object]]:
    """Scores overall and per language for sure items, and for unsure items."""
    slices: dict[str, Score] = {}
    for item in items:
        group = "unsure" if item.get("unsure") else "sure"
        for key in (group, f"{group}/{item.get('language')}"):
            score_item(item, slices.setdefault(key, Score()))
    out: dict[str, dict[str, object]] = {}
    for key in sorted(slices):
        out[key] = slices[key].as_dict() | {"errors": slices[key].errors}
    return out


def _print(result: dict[str, dict[str, object]]) -> None:
    for key, figures in result.items():
        shown = {k: v for k, v in figures.items() if k != "errors"}
        print(f"{key:10} " + " ".join(f"{k}={v}" for k, v in shown.items()))
    for key, figures in result.items():
        if "/" in key:
            continue
        errors = figures["errors"]
        assert isinstance(errors, list)
        for e in errors:
            print(f"[{key}] {e['error']}: {e['id']} ({e['language']}) label={e['label']}")
            for m in e["got"]:
                print(f"    got {m}")


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", nargs="?", default=str(DEFAULT))
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    with open(args.file, encoding="utf-8") as fh:
        items = [json.loads(line) for line in fh if line.strip()]
    result = evaluate(items)
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=1))
    else:
        _print(result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
