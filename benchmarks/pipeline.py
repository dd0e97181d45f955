"""Pipeline figures through the production entry points, against the corpus replica on 127.0.0.1
(``testkit.corpus``: one source's replica, that source found in the registry).

``python -m benchmarks.pipeline [--quick]`` prints JSON:
- ``new_article_to_webhook_s_median`` (and ``_min``, ``_max``): from a new meeting article
  appearing on the replica to its webhook arriving at a local HTTP receiver, when
  ``akimwatch run-once SOURCE`` (crawl child + dispatcher) starts right away. A schedule adds
  up to one interval (``every_minutes``) of waiting on top;
- ``backfill_pages_per_min``: ``scrapy crawl SOURCE -a since=...`` over a synthetic corpus with
  politeness off (no AutoThrottle, no delay, 32 concurrent requests), every page extracted,
  detected and stored; Scrapy's ``elapsed_time_seconds`` is the clock;
- ``scrapy_bench_pages_per_min``: ``scrapy bench`` (link following, no processing) run in the same
  session as the reference, from its "Crawled N pages" log lines.
"""

from __future__ import annotations

import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

import sources
from benchmarks.receiver import WebhookReceiver
from crawler.extract.dates import ALMATY
from replicas import ReplicaServer
from storage.engine import make_engine, session_factory
from storage.migrate import upgrade
from storage.models import Article, CrawlRun
from testkit.corpus import CorpusSite, meeting_article, synthetic_articles

ROOT = Path(__file__).resolve().parents[1]
FAST = (
    "DOWNLOAD_DELAY=0",
    "AUTOTHROTTLE_ENABLED=False",
    "CONCURRENT_REQUESTS=32",
    "CONCURRENT_REQUESTS_PER_DOMAIN=32",
    "LOG_LEVEL=WARNING",
)
BENCH_LINE = re.compile(r"Crawled (\d+) pages \(at (\d+) pages/min\)")
SOURCE = next(
    s.name for s in sources.registry().values() if issubclass(CorpusSite, s.replica_class())
)


def _config(tmp: Path, hook_url: str | None = None) -> tuple[Path, str]:
    """A config for the corpus source's Russian feed only; returns (path, database URL)."""
    db_url = f"sqlite:///{tmp / 'akimwatch.db'}"
    text = (
        f'data_dir = "{tmp}"\n[database]\nurl = "{db_url}"\n'
        "[crawl]\ndownload_delay = 0\nautothrottle = false\ntimeout_seconds = 600\n"
        f'[sources.{SOURCE}]\nlanguages = ["ru"]\n'
    )
    text += "".join(
        f"[sources.{name}]\nenabled = false\n" for name in sources.names() if name != SOURCE
    )
    if hook_url:
        text += f'[[channels]]\nname = "hook"\nkind = "webhook"\nurl = "{hook_url}"\n'
    (tmp / "akimwatch.toml").write_text(text, encoding="utf-8")
    engine = make_engine(db_url)
    upgrade(engine)
    engine.dispose()
    return tmp / "akimwatch.toml", db_url


def _env(config: Path, server: ReplicaServer) -> dict[str, str]:
    return {
        **os.environ,
        "AKIMWATCH_CONFIG": str(config),
        "AKIMWATCH_HOST_OVERRIDES": server.overrides_env(),
        "SCRAPY_SETTINGS_MODULE": "crawler.settings",
    }


def _run(command: list[str], env: dict[str, str], cwd: Path = ROOT) -> tuple[str, str]:
    """Run a child to its end; its stdout and stderr, or an error with their tail."""
    result = subprocess.run(
        command, env=env, cwd=cwd, capture_output=True, text=True, timeout=900, check=False
    )
    if result.returncode != 0:
        tail = (result.stdout + result.stderr)[-800:]
        raise RuntimeError(f"{command[1:4]} exited {result.returncode}: {tail}")
    return result.stdout, result.stderr


def _run_once(env: dict[str, str]) -> float:
    """``akimwatch run-once SOURCE``; the crawl child's seconds from its summary line."""
    code = "import sys; from akimwatch.cli import main; sys.exit(main())"
    out, _ = _run([sys.executable, "-c", code, "run-once", SOURCE], env)
    return float(re.findall(rf"^{SOURCE} .* ([\d.]+)s$", out, re.M)[-1])


def latency(trials: int) -> dict[str, Any]:
    """Seconds from a new meeting on the replica to its webhook, over ``trials`` runs."""
    site = CorpusSite(synthetic_articles(48))
    receiver = WebhookReceiver()
    threading.Thread(target=receiver.serve_forever, daemon=True).start()
    samples, crawls = [], []
    with tempfile.TemporaryDirectory() as tmp, ReplicaServer([site]) as server:
        config, _ = _config(Path(tmp), f"http://127.0.0.1:{receiver.server_address[1]}/hook")
        env = _env(config, server)
        _run_once(env)  # the seed: 48 known articles, no meeting
        for number in range(trials):
            seen = set(receiver.arrivals)
            appeared = time.perf_counter()
            site.add(meeting_article(number))
            crawls.append(_run_once(env))
            new = [t for k, t in receiver.arrivals.items() if k not in seen]
            if len(new) != 1:
                raise RuntimeError(f"trial {number}: {len(new)} webhooks instead of 1")
            samples.append(new[0] - appeared)
    receiver.shutdown()
    receiver.server_close()
    return {
        "new_article_to_webhook_s_median": round(statistics.median(samples), 2),
        "new_article_to_webhook_s_min": round(min(samples), 2),
        "new_article_to_webhook_s_max": round(max(samples), 2),
        "latency_crawl_child_s_median": round(statistics.median(crawls), 2),
        "latency_trials": trials,
    }


def backfill(articles: int) -> dict[str, Any]:
    """Pages per minute of a politeness-off backfill of ``articles`` synthetic articles."""
    site = CorpusSite(synthetic_articles(articles))
    since = min(a.published for a in site.articles).astimezone(ALMATY).date()
    with tempfile.TemporaryDirectory() as tmp, ReplicaServer([site]) as server:
        config, db_url = _config(Path(tmp))
        command = [
            sys.executable,
            "-m",
            "scrapy",
            "crawl",
            SOURCE,
            "-a",
            "languages=ru",
            "-a",
            f"since={since - timedelta(days=1):%Y-%m-%d}",
        ]
        for setting in FAST:
            command += ["-s", setting]
        _run(command, _env(config, server))
        engine = make_engine(db_url)
        with session_factory(engine)() as session:
            run = session.scalars(select(CrawlRun).order_by(CrawlRun.id.desc())).first()
            stored = session.scalar(select(func.count()).select_from(Article)) or 0
            assert run is not None
            pages, seconds = run.pages, float(run.stats["elapsed_time_seconds"])
        engine.dispose()
    if stored != articles:
        raise RuntimeError(f"backfill stored {stored} of {articles} articles")
    return {
        "backfill_articles": articles,
        "backfill_pages": pages,
        "backfill_seconds": round(seconds, 1),
        "backfill_pages_per_min": round(pages / seconds * 60),
    }


def scrapy_bench(seconds: int) -> dict[str, Any]:
    """``scrapy bench`` for ``seconds``, outside the project (Scrapy's defaults)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SCRAPY_")}
    with tempfile.TemporaryDirectory() as tmp:
        _, log = _run(
            [sys.executable, "-m", "scrapy", "bench", "-s", f"CLOSESPIDER_TIMEOUT={seconds}"],
            env,
            cwd=Path(tmp),
        )
    lines = [(int(n), int(rate)) for n, rate in BENCH_LINE.findall(log)]
    elapsed = float(re.findall(r"'elapsed_time_seconds': ([\d.]+)", log)[-1])
    return {
        "scrapy_bench_pages_per_min": round(lines[-1][0] / elapsed * 60),
        "scrapy_bench_pages_per_min_median_interval": statistics.median(r for _, r in lines[1:]),
        "scrapy_bench_seconds": round(elapsed, 1),
    }


def run(quick: bool = False) -> dict[str, Any]:
    """Every pipeline figure; ``quick`` uses fewer trials and a smaller corpus."""
    figures = latency(3 if quick else 7)
    figures.update(backfill(480 if quick else 4800))
    figures.update(scrapy_bench(5 if quick else 20))
    figures["backfill_vs_scrapy_bench"] = round(
        figures["backfill_pages_per_min"] / figures["scrapy_bench_pages_per_min"], 2
    )
    return figures


if __name__ == "__main__":
    print(json.dumps(run(quick="--quick" in sys.argv[1:]), indent=2))
