"""Helpers for the daemon end-to-end tests: its config, the process, its crawl runs, waiting."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path

from crawling import ROOT, crawl_env, route_saved
from sqlalchemy import func, select, update

from replicas import ReplicaServer
from replicas.server import Fault, Reply, Request
from sources import names as source_names
from storage.engine import make_engine, session_factory
from storage.migrate import upgrade
from storage.models import CrawlRun, Event, Outbox
from testkit.faults import Matcher

INTERVAL = 6.0  # seconds: every_minutes = 0.1
DISPATCH = 2  # seconds between dispatcher runs
GRACE = 2  # the kill grace


def write_daemon_config(
    tmp: Path,
    channels: str,
    sources: str,
    db_url: str | None = None,
    crawl: str = "",
    **daemon: object,
) -> Path:
    """A config with short intervals, the given enabled sources (Russian only) and channels, on
    ``db_url`` (migrated; by default a SQLite file in ``tmp``); ``crawl`` adds to ``[crawl]``
    (tables such as ``[[crawl.nodes]]`` go into ``channels``, at the end)."""
    settings = {"dispatch_every_seconds": DISPATCH, "kill_grace_seconds": GRACE, **daemon}
    every = settings.pop("every", INTERVAL / 60)
    db_url = db_url or f"sqlite:///{tmp / 'akimwatch.db'}"
    lines = [
        f'data_dir = "{tmp}"',
        f'[database]\nurl = "{db_url}"',
        "[crawl]\ndownload_delay = 0\nautothrottle = false\nretry_times = 0",
        f"timeout_seconds = {settings.pop('timeout', 60)}\ndownload_timeout = 120",
        crawl,
    ]
    for name in source_names():
        enabled = "true" if name in sources.split(",") else "false"
        lines.append(
            f"[sources.{name}]\nenabled = {enabled}\nevery_minutes = {every}\n"
            'jitter_seconds = 0\nlanguages = ["ru"]'
        )
    lines.append("[daemon]")
    lines += [f"{key} = {value!r}".replace("'", '"') for key, value in settings.items()]
    path = tmp / "akimwatch.toml"
    path.write_text("\n".join(lines) + "\n" + channels, encoding="utf-8")
    engine = make_engine(db_url)
    upgrade(engine)
    engine.dispose()
    return path


def akimwatch(config: Path, *args: str) -> list[str]:
    """The ``akimwatch`` command line."""
    return [sys.executable, "-c", "from akimwatch.cli import main; main()", "--config",
            str(config), *args]  # fmt: skip


@contextmanager
def daemon_running(config: Path, server: ReplicaServer) -> Iterator[subprocess.Popen[bytes]]:
    """The daemon as a child process logging to ``daemon.log``; killed and reaped if left."""
    with (config.parent / "daemon.log").open("ab") as out:
        daemon = subprocess.Popen(akimwatch(config, "daemon"), env=crawl_env(config, server),
                                  cwd=ROOT, stdout=out, stderr=out)  # fmt: skip
    try:
        yield daemon
    finally:
        if daemon.poll() is None:
            daemon.kill()
        daemon.wait()


def stop_daemon(daemon: subprocess.Popen[bytes], config: Path) -> float:
    """SIGTERM the daemon; how long it took to exit (it must exit with status 0)."""
    started = time.monotonic()
    daemon.send_signal(signal.SIGTERM)
    daemon.wait(timeout=60)
    assert daemon.returncode == 0, (config.parent / "daemon.log").read_text()[-3000:]
    return time.monotonic() - started


def runs(config: Path, spider: str = "") -> list[CrawlRun]:
    """Every crawl run so far (of ``spider`` if given)."""
    engine = make_engine(f"sqlite:///{config.parent / 'akimwatch.db'}")
    with session_factory(engine)() as session:
        found = list(session.scalars(select(CrawlRun).order_by(CrawlRun.id)))
    engine.dispose()
    return [run for run in found if run.spider.startswith(spider)]


def backdate(config: Path, by: timedelta, sent: bool = False) -> None:
    """Move every crawl run ``by`` into the past; route the saved events and mark the outbox sent
    if asked."""
    db_url = f"sqlite:///{config.parent / 'akimwatch.db'}"
    if sent:
        route_saved(db_url)
    engine = make_engine(db_url)
    with session_factory(engine)() as session, session.begin():
        for run in session.scalars(select(CrawlRun)):
            run.started_at -= by
            run.finished_at = run.finished_at and run.finished_at - by
        if sent:
            session.execute(update(Outbox).values(status="sent"))
    engine.dispose()


def outbox_settled(config: Path) -> bool:
    """Whether every event is routed and every outbox row delivered or dead: no dispatch can send
    anything more."""
    engine = make_engine(f"sqlite:///{config.parent / 'akimwatch.db'}")
    with session_factory(engine)() as session:
        open_rows = session.scalar(
            select(func.count()).where(Outbox.status.not_in(("sent", "dead")))
        )
        unrouted = session.scalar(select(func.count()).where(Event.routed_at.is_(None)))
    engine.dispose()
    return open_rows == unrouted == 0


def finished_since(config: Path, spider: str, since: datetime) -> list[CrawlRun]:
    """Runs of ``spider`` that started at or after ``since`` and have finished."""
    return [r for r in runs(config, spider) if r.started_at >= since and r.finished_at]


def all_ran(config: Path, since: datetime, *sources: str) -> bool:
    """Whether every one of ``sources`` finished a run started since ``since``."""
    return all(finished_since(config, source, since) for source in sources)


def alive(pid: int | None) -> bool:
    try:
        os.kill(pid or 0, 0)
    except ProcessLookupError:
        return False
    return bool(pid)


def hold_first(release: threading.Event, entered: threading.Event, match: Matcher) -> Fault:
    """Hold the first matching request until ``release`` (its crawl hangs); pass the rest."""
    lock = threading.Lock()

    def fault(request: Request) -> Reply | None:
        if not match(request):
            return None
        with lock:
            if entered.is_set():
                return None
            entered.set()
        release.wait(600)
        return Reply(504, b"released")

    return fault
