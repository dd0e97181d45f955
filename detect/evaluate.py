"""Evaluate the detector on labelled JSONL files (the fields of ../shared/corpus/*.jsonl).

``python -m detect.evaluate [PATH ...] [--json] [--quiet]`` reads the given files, or
every ``*.jsonl`` of a given directory (by default the corpus directory beside the repository:
dev, dev2 and seeds), and prints precision, recall and F1 of relevance, region, kind and date
accuracy on true positives, overall and per language, for the items with ``unsure: false``;
the unsure items are reported separately. Seeds carry a ``meetings`` list, which is compared
whole (regions and kinds).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from detect.detector import Meeting, detect
from detect.records import parse_published

_ROOT = Path(__file__).resolve().parents[1]


def find_corpus(root: Path = _ROOT) -> Path:
    """The labelled corpus: ``shared/corpus`` beside the repository (as in CI, where ``../shared``
    is checked out) or beside one of its parent directories (a worktree); the first one found."""
    for parent in root.parents:
        candidate = parent / "shared" / "corpus"
        if candidate.is_dir():
            return candidate
    return root.parent / "shared" / "corpus"


CORPUS = find_corpus()


@dataclass
class Score:
    """Counts for one slice of the evaluation."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0
    region_ok: int = 0
    kind_ok: int = 0
    dated: int = 0
    date_ok: int = 0
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
            "date_accuracy": round(self.date_ok / self.dated, 4) if self.dated else 1.0,
        }  # fmt: skip


ALIASES = {"Turkestan": "Turkistan"}
"""Spellings used in labels for the canonical names of the issue."""


def _canon(region: object) -> str | None:
    return ALIASES.get(region, region) if isinstance(region, str) else None


@dataclass(frozen=True)
class Verdict:
    """How the predicted meetings of a positive item compare with its label."""

    region_ok: bool
    kind_ok: bool
    date_ok: bool | None


def _expected_date(item: dict) -> str | None:
    """The labelled meeting date, where the article's publication time is known."""
    if not item.get("published"):
        return None
    event = item.get("event")
    return event.split("/")[0] if isinstance(event, str) and event[:4].isdigit() else None


def judge(item: dict, meetings: list[Meeting]) -> Verdict:
    """Region, kind and date agreement of the meetings found for a positive item."""
    if isinstance(item.get("meetings"), list):
        return _judge_list(item["meetings"], meetings)
    kind, want = item.get("kind"), _canon(item.get("region"))
    if want is None and kind == "collective":
        hit = next((m for m in meetings if m.kind == "collective"), None)
        return Verdict(hit is not None, hit is not None, _date_ok(item, hit))
    if want is None:
        allowed = {_canon(r) for r in item.get("regions") or []}
        got = {m.region for m in meetings if m.kind == kind}
        region_ok = bool(got - {None}) and allowed <= got
        hit = meetings[0] if meetings else None
        return Verdict(region_ok, all(m.kind == kind for m in meetings), _date_ok(item, hit))
    hit = next((m for m in meetings if m.region == want), None)
    ok = hit is not None and hit.kind == kind
    return Verdict(hit is not None, ok, _date_ok(item, hit))


def _date_ok(item: dict, hit: Meeting | None) -> bool | None:
    want = _expected_date(item)
    if want is None or hit is None:
        return None
    return hit.date is not None and hit.date.isoformat() == want


def _judge_list(expected: list[dict], meetings: list[Meeting]) -> Verdict:
    want = {_canon(e.get("region")): e for e in expected}
    got = {m.region: m for m in meetings}
    region_ok = set(want) == set(got)
    kind_ok = region_ok and all(got[r].kind == e.get("kind") for r, e in want.items())
    dated = [(got[r].date, e["date"]) for r, e in want.items() if e.get("date") and r in got]
    date_ok = all(day is not None and day.isoformat() == d for day, d in dated) if dated else None
    return Verdict(region_ok, kind_ok, date_ok)


def score_item(item: dict, meetings: list[Meeting], score: Score) -> None:
    """Add one labelled item and the meetings found for it to ``score``."""
    got, want = bool(meetings), bool(item.get("label"))
    error: str | None = None
    if got and want:
        score.tp += 1
        verdict = judge(item, meetings)
        score.region_ok += verdict.region_ok
        score.kind_ok += verdict.kind_ok
        if verdict.date_ok is not None:
            score.dated += 1
            score.date_ok += verdict.date_ok
        if not verdict.region_ok:
            error = "region"
        elif not verdict.kind_ok:
            error = "kind"
        elif verdict.date_ok is False:
            error = "date"
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
    label = {k: item.get(k) for k in ("label", "kind", "region", "akim", "event")}
    return {
        "id": item.get("id"),
        "language": item.get("language"),
        "error": error,
        "label": label,
        "got": [{k: v for k, v in m.to_dict().items() if k != "regions"} for m in meetings],
    }


def detect_item(item: dict) -> list[Meeting]:
    """The detector's meetings for a labelled item."""
    return detect(
        item.get("title") or "",
        item.get("text") or "",
        published=parse_published(item.get("published")),
        language=item.get("language"),
    )


def evaluate(items: Iterable[dict]) -> dict[str, dict[str, object]]:
    """Scores overall and per language for sure items, and for unsure items."""
    slices: dict[str, Score] = {}
    for item in items:
        meetings = detect_item(item)
        group = "unsure" if item.get("unsure") else "sure"
        for key in (group, f"{group}/{item.get('language')}"):
            score_item(item, meetings, slices.setdefault(key, Score()))
    out: dict[str, dict[str, object]] = {}
    for key in sorted(slices):
        out[key] = slices[key].as_dict() | {"errors": slices[key].errors}
    return out


def files_of(paths: Iterable[str | Path]) -> list[Path]:
    """The JSONL files named, a directory standing for all its ``*.jsonl`` files."""
    out: list[Path] = []
    for raw in paths:
        path = Path(raw)
        out += sorted(path.glob("*.jsonl")) if path.is_dir() else [path]
    return out


def load(paths: Iterable[str | Path]) -> list[dict]:
    """The labelled items of the given files and directories."""
    items: list[dict] = []
    for path in files_of(paths):
        with path.open(encoding="utf-8") as fh:
            items += [json.loads(line) for line in fh if line.strip()]
    return items


def _print(result: dict[str, dict[str, object]], errors: bool) -> None:
    for key, figures in result.items():
        shown = {k: v for k, v in figures.items() if k != "errors"}
        print(f"{key:10} " + " ".join(f"{k}={v}" for k, v in shown.items()))
    if not errors:
        return
    for key, figures in result.items():
        if "/" in key:
            continue
        listed = figures["errors"]
        assert isinstance(listed, list)
        for e in listed:
            print(f"[{key}] {e['error']}: {e['id']} ({e['language']}) label={e['label']}")
            for m in e["got"]:
                print(f"    got {m}")


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", default=[str(CORPUS)], help="JSONL files or dirs")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--quiet", action="store_true", help="figures only, no error list")
    args = parser.parse_args(argv)
    missing = [p for p in args.paths if not Path(p).exists()]
    if missing:
        print(f"evaluate: no such file or directory: {missing[0]}", file=sys.stderr)
        return 2
    result = evaluate(load(args.paths))
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=1))
    else:
        _print(result, errors=not args.quiet)
    return 0


if __name__ == "__main__":
    sys.exit(main())
