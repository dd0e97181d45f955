"""Throughput of the detector: articles classified per second on one core.

``python -m benchmarks.classify`` prints JSON; ``run(quick=True)`` does a shorter run.
"""

from __future__ import annotations

import json
import time

from detect import classify_lines
from detect.evaluate import CORPUS

_FALLBACK = [
    {"id": "a", "title": "Токаев принял акима Карагандинской области",
     "text": "Глава государства принял акима Карагандинской области. Аким доложил о работе."},
    {"id": "b", "title": "Премьер-министр посетил Атырау",
     "text": "Премьер-министр провел совещание с акимом области по паводкам."},
]  # fmt: skip


def _lines() -> list[str]:
    records: list[dict] = []
    for name in ("dev.jsonl", "dev2.jsonl", "seeds.jsonl"):
        path = CORPUS / name
        if path.exists():
            records += [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x]
    records = records or _FALLBACK
    keep = ("id", "title", "text", "published", "language")
    return [json.dumps({k: r.get(k) for k in keep}, ensure_ascii=False) for r in records]


def run(quick: bool = False) -> dict[str, float]:
    """Classify the corpus texts repeatedly for >= 2 s of CPU (0.3 s if quick); return the rate.

    The rate is per CPU second of this process (one core), so that other work on the
    machine does not distort it; the wall-clock rate is reported too.
    """
    lines = _lines()
    budget = 0.3 if quick else 2.0
    count, cpu0, wall0 = 0, time.process_time(), time.perf_counter()
    cpu = 0.0
    while cpu < budget:
        for _ in classify_lines(lines):
            count += 1
        cpu = time.process_time() - cpu0
    wall = time.perf_counter() - wall0
    return {
        "articles": float(count),
        "cpu_seconds": round(cpu, 3),
        "articles_per_second": round(count / cpu, 1),
        "wall_articles_per_second": round(count / wall, 1),
    }


if __name__ == "__main__":
    print(json.dumps(run()))
