"""``python -m benchmarks --quick``: the one command runs every benchmark and prints every figure.

The figures' values are not asserted (performance is measured, not tested); what is tested is that
each benchmark runs to its end on this machine and reports the figures the README quotes.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FIGURES = {
    "extraction": {"extraction_pages_per_s", "raw_parse_pages_per_s"},
    "classify": {"articles_per_second"},
    "dedup": {"sqlite_known_urls_ms", "sqlite_save_ms"},
    "dispatch": {"dispatch_entries_per_s", "dispatch_latency_ms_median"},
    "pipeline": {
        "new_article_to_webhook_s_median", "backfill_pages_per_min", "scrapy_bench_pages_per_min",
    },
    "telegram": {"post_to_webhook_s_median", "idle_poll_requests"},
    "daemon": {"daemon_rss_mb_start", "daemon_rss_mb_end", "requests_per_idle_cycle"},
    "polling": {"polling_cpu_s_per_idle_round", "idle_round_warm", "daemon_round_warm",
                "time_to_alert_warm"},
    "truth": {
        "true_dates_percent", "alerts_matching_percent", "meetings_alerted_twice",
        "subjects_not_headline",
    },
    "web": {"meetings_page", "meetings_filtered", "search_filtered", "chart_timeline_week",
            "worst_p95_ms"},
}  # fmt: skip

pytestmark = pytest.mark.slow


@pytest.mark.timeout(900)  # every benchmark, one after another, on a loaded 2-core machine
def test_quick_run_prints_every_figure_with_the_machine() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks", "--quick"], cwd=ROOT, capture_output=True, text=True,
        timeout=900, check=False,
    )  # fmt: skip
    report = json.loads(done.stdout)
    errors = {name: value for name, value in report.items() if isinstance(value, dict)
              and "error" in value}  # fmt: skip
    assert done.returncode == 0 and not errors, errors
    assert report["quick"] is True and report["machine"]["cpus"] >= 1
    for name, figures in FIGURES.items():
        assert figures <= set(report[name]), (name, sorted(report[name]))
    if os.environ.get("AKIMWATCH_TEST_PG_URL"):
        assert {"postgresql_known_urls_ms", "postgresql_save_ms"} <= set(report["dedup"])
