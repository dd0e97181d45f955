"""SIGKILL the crawl child and the dispatcher (``python -m notify``) at random points, over and
over, then finish both and count alerts on a webhook and an email channel: lost = 0, duplicated
after de-duplication = 0 (``AKIMWATCH_TEST_KILLS`` sets how many kills; 50 by default).

Delivery is at-least-once: a dispatcher killed after a receiver took an alert but before it
recorded the send re-sends it with the same delivery key (webhook) and Message-ID (email). Both
receivers acknowledge late (``LATE`` seconds) to widen that window; the re-sends are counted and
printed, and de-duplicating on those ids leaves none."""

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
from receivers import SmtpFaults, WebhookReceiver, smtp_controller

from notify.config import load
from notify.dispatcher import Dispatcher
from replicas import ReplicaServer
from replicas.server import Reply, Request
from sources.kazinform.replica import KazinformSite
from storage.clock import utcnow
from storage.engine import make_engine

pytestmark = [pytest.mark.faults, pytest.mark.slow]
KILLS = int(os.environ.get("AKIMWATCH_TEST_KILLS") or 50)
PER_ROUND = 10
LATE = 0.3


def _mail_channel(port: int) -> str:
    return (
        f'[[channels]]\nname = "mail"\nkind = "email"\nsmtp_host = "127.0.0.1"\n'
        f'smtp_port = {port}\nsmtp_tls = "none"\nsmtp_timeout = 2\nto = ["desk@example.org"]\n'
    )


class Tally:
    """Alerts expected, received after de-duplication, lost, re-sent, duplicated, per channel."""

    def __init__(self) -> None:
        self.expected = self.received = self.lost = self.duplicated = 0
        self.resent: Counter[str] = Counter()

    def add(self, channel: str, expected: set[str], raw: int, unique: int, keys: set[str]) -> None:
        """One round of one channel: ``unique`` distinct ids carried ``keys``."""
        self.expected += len(expected)
        self.received += unique
        self.lost += len(expected - keys)
        self.resent[channel] += raw - unique
        by_meeting = Counter(key.rsplit(":", 1)[0] for key in keys)
        self.duplicated += sum(n - 1 for n in by_meeting.values()) + unique - len(keys)


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


def test_random_sigkills_lose_nothing_and_resends_carry_their_ids(tmp_path: Path) -> None:
    rng = random.Random(os.environ.get("AKIMWATCH_TEST_KILL_SEED", "7"))
    receiver = WebhookReceiver(mode="late", delay=LATE)
    mail = SmtpFaults(late=LATE)
    smtp = smtp_controller(mail)
    kills = rounds = 0
    tally = Tally()
    try:
        while kills < KILLS:
            rounds += 1
            folder = tmp_path / f"round{rounds}"
            folder.mkdir()
            config, db_url = write_config(folder, receiver.url, _mail_channel(int(smtp.port)))
            receiver.delivered.clear()
            mail.clear()
            kills += _round(rng, config, kills)
            engine = make_engine(db_url)
            later = utcnow() + timedelta(minutes=10)
            Dispatcher(load(config), engine).run_until_idle(now=later)
            engine.dispose()
            dispatch(config, db_url)
            assert all(n == 1 for n in outbox_per_meeting(db_url).values())
            expected = expected_keys(db_url)
            assert expected, "no meeting was detected on the replica"
            hook = {key for key in expected if key.endswith(":hook")}
            raw, unique = receiver.counts(hook)
            tally.add("webhook", hook, raw, unique, hook & set(receiver.delivered))
            mailed = {key for key in expected if key.endswith(":mail")}
            raw, unique = mail.counts(mailed)
            tally.add("email", mailed, raw, unique, mailed & set(mail.accepted))
    finally:
        receiver.stop()
        smtp.stop()
    resent = ", ".join(f"{name} {n}" for name, n in sorted(tally.resent.items()))
    print(
        f"SIGKILL loop: {kills} kills, {tally.expected} alerts expected, {tally.received} "
        f"received after de-duplication, lost {tally.lost}, re-sends (raw) {resent}, "
        f"duplicated after de-duplication {tally.duplicated}"
    )
    TABLE.append(
        Outcome(
            f"SIGKILL loop ({kills} kills; raw re-sends {resent}, dropped by id)",
            rounds,
            tally.expected,
            tally.received,
            tally.lost,
            tally.duplicated,
        )
    )
    assert kills >= KILLS
    assert (tally.lost, tally.duplicated) == (0, 0)


def _round(rng: random.Random, config: Path, kills: int) -> int:
    """Crawl and dispatch, killing both at random points; then one full crawl. Returns kills."""
    site = KazinformSite(page_size=4)
    with ReplicaServer([site]) as server:
        server.faults.append(_slow_articles)
        crawl_cmd = [
            *crawl_command("kazinform", "languages=ru,kk"),
            "-s",
            "AKIMWATCH_STORE_BATCH_SIZE=1",
        ]
        env = crawl_env(config, server)
        notify_cmd = [sys.executable, "-m", "notify", "--config", str(config)]
        round_kills = 0
        while round_kills < PER_ROUND and kills + round_kills < KILLS:
            crawler = _spawn(crawl_cmd, env)
            notifier = _spawn(notify_cmd, env)
            time.sleep(rng.uniform(0.5, 2.5))
            round_kills += _kill(crawler) + _kill(notifier)
        result = subprocess.run(
            crawl_cmd, env=env, cwd=ROOT, capture_output=True, text=True, timeout=120, check=False
        )
        assert result.returncode == 0, result.stderr[-2000:]
    return round_kills
