"""SIGKILL the crawl child and the dispatcher (``python -m notify``) at random points, over and
over, then finish both and count alerts: lost = 0, duplicated = 0 (``AKIMWATCH_KILLS`` sets how
many kills; 50 by default)."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
from crawling import crawl_command, crawl_env
from harness import (
    ROOT,
    TABLE,
    Outcome,
    dispatch,
    expected_keys,
    outbox_per_meeting,
    write_config,
)
from receivers import WebhookReceiver

from akimwatch.config import load
from akimwatch.replicas import ReplicaServer
from akimwatch.replicas.kazinform import KazinformSite
from akimwatch.replicas.server import Reply, Request
from notify.dispatcher import SLEEP_AFTER_SEND_ENV, Dispatcher
from storage.clock import utcnow
from storage.engine import make_engine

pytestmark = [pytest.mark.faults, pytest.mark.slow]
KILLS = int(os.environ.get("AKIMWATCH_KILLS") or 50)
PER_ROUND = 10


def _slow_articles(request: Request) -> Reply | None:
    if "lenta" not in request.path and request.path != "/robots.txt":
        time.sleep(0.05)
    return None


def _spawn(command: list[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        command,
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def _kill(child: subprocess.Popen[bytes]) -> int:
    """SIGKILL the child's process group if it still runs; 1 when a live process was killed."""
    alive = child.poll() is None
    if alive:
        os.killpg(child.pid, signal.SIGKILL)
    child.wait()
    return int(alive)


def test_random_sigkills_lose_and_duplicate_nothing(tmp_path: Path) -> None:
    rng = random.Random(os.environ.get("AKIMWATCH_KILL_SEED", "7"))
    receiver = WebhookReceiver()
    kills = rounds = 0
    expected_total = received_total = lost = duplicated = resent = 0
    try:
        while kills < KILLS:
            rounds += 1
            folder = tmp_path / f"round{rounds}"
            folder.mkdir()
            config, db_url = write_config(folder, receiver.url)
            receiver.delivered.clear()
            site = KazinformSite(page_size=4)
            with ReplicaServer([site]) as server:
                server.faults.append(_slow_articles)
                crawl_cmd = [
                    *crawl_command("kazinform", "languages=ru,kk"),
                    "-s",
                    "AKIMWATCH_STORE_BATCH_SIZE=1",
                ]
                env = crawl_env(config, server)
                notify_env = {**env, SLEEP_AFTER_SEND_ENV: "0.3"}
                notify_cmd = [sys.executable, "-m", "notify", "--config", str(config)]
                round_kills = 0
                while round_kills < PER_ROUND and kills + round_kills < KILLS:
                    crawler = _spawn(crawl_cmd, env)
                    notifier = _spawn(notify_cmd, notify_env)
                    time.sleep(rng.uniform(0.5, 2.5))
                    round_kills += _kill(crawler) + _kill(notifier)
                kills += round_kills
                result = subprocess.run(
                    crawl_cmd,
                    env=env,
                    cwd=ROOT,
                    capture_output=True,
                    text=True,
                    timeout=120,
                    check=False,
                )
                assert result.returncode == 0, result.stderr[-2000:]
            engine = make_engine(db_url)
            later = utcnow() + timedelta(minutes=10)
            Dispatcher(load(config), engine).run_until_idle(now=later)
            engine.dispose()
            dispatch(config, db_url)
            assert all(n == 1 for n in outbox_per_meeting(db_url).values())
            expected = expected_keys(db_url)
            assert expected, "no meeting was detected on the replica"
            got = Counter({k: n for k, n in receiver.delivered.items() if k in expected})
            expected_total += len(expected)
            received_total += len(got)
            lost += len(expected - set(got))
            resent += sum(n - 1 for n in got.values())
            by_meeting = Counter(key.rsplit(":", 1)[0] for key in got)
            duplicated += sum(n - 1 for n in by_meeting.values())
    finally:
        receiver.stop()
    TABLE.append(
        Outcome(
            f"SIGKILL loop ({kills} kills, {resent} same-key re-sends)",
            rounds,
            expected_total,
            received_total,
            lost,
            duplicated,
        )
    )
    assert kills >= KILLS
    assert (lost, duplicated) == (0, 0)
