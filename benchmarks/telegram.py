"""Telegram figures through the production entry points, against the channel-preview replica.

``python -m benchmarks.telegram [--quick]`` prints JSON:
- ``post_to_webhook_s_median`` (and ``_min``, ``_max``): from a new post about a meeting appearing
  in the channel to its webhook arriving at a local HTTP receiver, when ``akimwatch run-once
  telegram`` (crawl child + dispatcher) starts right away; a schedule adds up to one interval
  (``sources.telegram.every_minutes``, 5 by default) on top;
- ``idle_poll_requests``: what a poll with nothing new asks the channel for (robots.txt aside).
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sources
from benchmarks.receiver import WebhookReceiver
from replicas import ReplicaServer
from replicas.articles import ReplicaArticle
from sources.telegram.replica import TelegramSite
from storage.engine import make_engine
from storage.migrate import upgrade

ROOT = Path(__file__).resolve().parents[1]
MAIN = "import sys; from akimwatch.cli import main; sys.exit(main())"
REGIONS = (
    "Жамбыл облысының әкімі Ербол Қарашөкеевті",
    "Түркістан облысының әкімі Нұралы Сәтовты",
    "Ақмола облысының әкімі Марат Ахметжановты",
    "Ұлытау облысының әкімі Дастан Рыспековты",
    "Жетісу облысының әкімі Бейбіт Исабаевты",
)


def _config(tmp: Path, hook: str) -> Path:
    others = [name for name in sources.names() if name != "telegram"]
    text = (
        f'data_dir = "{tmp}"\n[database]\nurl = "sqlite:///{tmp / "akimwatch.db"}"\n'
        "[crawl]\ndownload_delay = 0\nautothrottle = false\n"
        + "".join(f"[sources.{name}]\nenabled = false\n" for name in others)
        + f'[[channels]]\nname = "hook"\nkind = "webhook"\nurl = "{hook}"\n'
    )
    path = tmp / "akimwatch.toml"
    path.write_text(text, encoding="utf-8")
    engine = make_engine(f"sqlite:///{tmp / 'akimwatch.db'}")
    upgrade(engine)
    engine.dispose()
    return path


def _run_once(config: Path, server: ReplicaServer) -> None:
    env = {**os.environ, "AKIMWATCH_CONFIG": str(config),
           "AKIMWATCH_HOST_OVERRIDES": server.overrides_env()}  # fmt: skip
    command = [sys.executable, "-c", MAIN, "run-once", "telegram"]
    done = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True,
                          timeout=600, check=False)  # fmt: skip
    if done.returncode != 0:
        raise RuntimeError(f"run-once exited {done.returncode}: {done.stdout[-800:]}")


def _post(number: int) -> ReplicaArticle:
    """A new post about a reception (a different akim each trial, so each is a new meeting)."""
    who = REGIONS[number % len(REGIONS)]
    return ReplicaArticle(
        id=str(9500 + number),
        language="kk",
        slug=f"p{9500 + number}",
        title=f"Мемлекет басшысы {who} қабылдады.",
        lead="",
        paragraphs=["Президентке өңірдің дамуы туралы баяндалды."],
        published=datetime.now(UTC).replace(microsecond=0),
    )


def run(quick: bool = False) -> dict[str, Any]:
    """The figures; ``quick`` uses fewer trials."""
    site = TelegramSite(page_size=20)
    receiver = WebhookReceiver().start()
    samples: list[float] = []
    with tempfile.TemporaryDirectory() as tmp, ReplicaServer([site]) as server:
        config = _config(Path(tmp), receiver.url)
        _run_once(config, server)  # the seed: the channel's history
        for number in range(3 if quick else len(REGIONS)):
            seen = set(receiver.arrivals)
            site.articles.append(_post(number))
            appeared = time.perf_counter()
            _run_once(config, server)
            new = [t for key, t in receiver.arrivals.items() if key not in seen]
            if len(new) != 1:
                raise RuntimeError(f"trial {number}: {len(new)} webhooks instead of 1")
            samples.append(new[0] - appeared)
        server.clear_log()
        _run_once(config, server)
        idle = [e for e in server.requests_for() if e.path != "/robots.txt"]
    receiver.stop()
    return {
        "post_to_webhook_s_median": round(statistics.median(samples), 2),
        "post_to_webhook_s_min": round(min(samples), 2),
        "post_to_webhook_s_max": round(max(samples), 2),
        "post_trials": len(samples),
        "idle_poll_requests": len(idle),
    }


if __name__ == "__main__":
    print(json.dumps(run(quick="--quick" in sys.argv[1:]), indent=2))
