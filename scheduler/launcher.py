"""The crawl launcher: each crawl is a child ``python -m scrapy crawl NAME`` in its own process
group, with a hard timeout (SIGTERM, a grace period, then SIGKILL).

A child dies with its launcher: on Linux it asks the kernel (``prctl(PR_SET_PDEATHSIG)``, set
between fork and exec) for SIGKILL when the thread that started it ends, so a SIGKILLed daemon
leaves no crawl running (its own process group would not reach them: each child has its own).
SIGKILL, not SIGTERM: Scrapy's graceful stop waits for requests in flight, up to the download
timeout. Such a run keeps no end in ``crawl_runs``; ``status`` calls it "no end recorded" once
the crawl timeout has passed, and the next daemon or ``run-once`` closes it as killed ("lost"),
a bad run. The daemon starts children from its long-lived worker threads, which end only with
the process.

With ``[crawl] worker = "warm"`` (``scheduler.warm``) a crawl is forked from a zygote that has
imported Scrapy and our crawler once, instead of a fresh ``python -m scrapy``: the same command
line, environment, process group, timeout and exit status, without the 2 CPU seconds of imports.
"""

from __future__ import annotations

import contextlib
import ctypes
import logging
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta
from functools import partial

from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session

from scheduler.terminal import Relay, Terminal
from scheduler.warm import ForkedChild, WarmWorker, Zygotes
from storage.clock import utcnow
from storage.models import CrawlRun

logger = logging.getLogger(__name__)
Child = subprocess.Popen[bytes] | ForkedChild
LOST_MARGIN = timedelta(minutes=2)  # past timeout + grace + this, an unfinished run is dead
PR_SET_PDEATHSIG = 1
_LIBC = ctypes.CDLL(None, use_errno=True) if sys.platform.startswith("linux") else None


def die_with_parent(parent: int) -> None:
    """In the child, before exec: SIGKILL when the parent dies (Linux), or at once if it has."""
    if _LIBC is not None:
        _LIBC.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # the parent died before the request was in place
        os.kill(os.getpid(), signal.SIGKILL)


@dataclass
class CrawlOutcome:
    """How one child crawl ended (judged by ``scheduler.service.judge``)."""

    source: str
    returncode: int | None
    seconds: float
    killed_by: str | None = None
    run: CrawlRun | None = None
    node: str | None = None  # the Scrapyd node that ran it; None: a local child


def crawl_command(source: str, args: Mapping[str, str] | None = None) -> list[str]:
    """The production entry point for one source."""
    command = [sys.executable, "-m", "scrapy", "crawl", source]
    for key, value in (args or {}).items():
        command += ["-a", f"{key}={value}"]
    return command


def new_launch_id() -> str:
    """A fresh id naming one launch's run (the ``launch_id`` spider argument)."""
    return uuid.uuid4().hex


def with_launch_id(args: Mapping[str, str] | None) -> dict[str, str]:
    """The spider arguments of one launch: ``args`` and a new ``launch_id`` naming its run."""
    return {**(args or {}), "launch_id": new_launch_id()}


def child_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment of a crawl child: ours, with the Scrapy settings module set."""
    env = dict(os.environ)
    env.setdefault("SCRAPY_SETTINGS_MODULE", "crawler.settings")
    env.update(extra or {})
    return env


class LauncherClosed(RuntimeError):
    """The launcher is shutting down and starts no more crawls."""


class CrawlLauncher:
    """Starts crawl children and enforces their hard timeout; ``close`` stops them all."""

    def __init__(
        self,
        engine: Engine,
        timeout: float,
        grace: float = 10,
        env: Mapping[str, str] | None = None,
        quiet: bool = True,
        terminal: Terminal | None = None,
        warm: WarmWorker | None = None,
    ) -> None:
        self.engine = engine
        self.timeout = timeout
        self.grace = grace
        self.env = child_env(env)
        self.quiet = quiet
        self.terminal = terminal  # run-once on a terminal: progress passed through to it
        # warm: each crawl forked from a preloaded zygote (scheduler.warm); None: a fresh process
        self.zygotes = Zygotes(warm, self.env, die_with_parent) if warm is not None else None
        self.running: dict[int, Child] = {}
        self._launch_ids: dict[int, str] = {}
        self._relays: dict[int, Relay] = {}
        self.closed = False
        self._lock = threading.Lock()

    def start(self, source: str, args: Mapping[str, str] | None = None) -> Child:
        """Start a crawl child in its own process group (on a terminal: say so, relay progress)."""
        output = subprocess.DEVNULL if self.quiet else None
        with self._lock:
            if self.closed:
                raise LauncherClosed(f"not starting {source}: shutting down")
            relay = Relay(self.terminal) if self.terminal is not None else None
            args = with_launch_id(args)
            command = crawl_command(source, args)
            try:
                forked = self._fork(command, relay) if self.zygotes is not None else None
                child: Child = forked or subprocess.Popen(
                    command,
                    env=self.env,
                    stdout=subprocess.DEVNULL if relay else output,
                    stderr=relay.child_end if relay else output,
                    start_new_session=True,
                    preexec_fn=partial(die_with_parent, os.getpid()),  # async-signal-safe
                )
            except OSError:
                if relay is not None:
                    relay.close()
                raise
            self.running[child.pid] = child
            self._launch_ids[child.pid] = args["launch_id"]
            if relay is not None and self.terminal is not None:
                self.terminal.line(f"{source}: crawling…")
                relay.start()
                self._relays[child.pid] = relay
        return child

    def _fork(self, command: list[str], relay: Relay | None) -> ForkedChild | None:
        """The crawl forked from the warm zygote, its output where a cold child's would go;
        None: start it cold."""
        assert self.zygotes is not None
        null = os.open(os.devnull, os.O_WRONLY)
        try:
            stdout = null if relay or self.quiet else sys.stdout.fileno()
            stderr = relay.child_end if relay else null if self.quiet else sys.stderr.fileno()
            return self.zygotes.fork(command, self.env, stdout, stderr)
        finally:
            os.close(null)

    def wait(self, source: str, child: Child, started: float) -> CrawlOutcome:
        """Wait for a child up to the timeout, then stop it; record what happened."""
        killed_by = None
        try:
            child.wait(timeout=max(0.0, self.timeout - (time.monotonic() - started)))
        except subprocess.TimeoutExpired:
            killed_by = self.stop(child, "timeout")
        if killed_by is None and self.closed:
            killed_by = "shutdown"  # recorded only when the child died before closing its run
        with self._lock:
            self.running.pop(child.pid, None)
            relay = self._relays.pop(child.pid, None)
            launch_id = self._launch_ids.pop(child.pid, None)
        if relay is not None:
            relay.join()  # the child's last progress line before its summary
        outcome = CrawlOutcome(source, child.returncode, time.monotonic() - started, killed_by)
        outcome.run = self._record(source, child.pid, launch_id, killed_by)
        return outcome

    def run(self, source: str, args: Mapping[str, str] | None = None) -> CrawlOutcome:
        """Run one crawl to its end."""
        started = time.monotonic()
        return self.wait(source, self.start(source, args), started)

    def run_all(
        self, sources: Sequence[str], args: Mapping[str, str] | None = None, parallel: int = 2
    ) -> list[CrawlOutcome]:
        """Run crawls, ``parallel`` at a time; a hung or failing one does not delay the others."""
        pending, running, done = list(sources), [], []  # type: ignore[var-annotated]
        while pending or running:
            while pending and len(running) < parallel:
                source = pending.pop(0)
                running.append((source, self.start(source, args), time.monotonic()))
            time.sleep(0.2)
            for entry in list(running):
                source, child, started = entry
                if child.poll() is not None or time.monotonic() - started > self.timeout:
                    running.remove(entry)
                    done.append(self.wait(source, child, started))
        if self.zygotes is not None:  # a batch (run-once, the demo) is one use of its zygote
            self.zygotes.retire(self.grace + 5)
        order = {name: i for i, name in enumerate(sources)}
        return sorted(done, key=lambda o: order[o.source])

    def stop(self, child: Child, reason: str) -> str:
        """SIGTERM the child's process group, wait the grace period, then SIGKILL it."""
        logger.warning("stopping crawl pid %s: %s", child.pid, reason)
        _signal_group(child.pid, signal.SIGTERM)
        try:
            child.wait(timeout=self.grace)
        except subprocess.TimeoutExpired:
            _signal_group(child.pid, signal.SIGKILL)
            child.wait()
        return reason

    def close(self) -> None:
        """Start no more crawls; SIGTERM the running ones, wait the grace period, SIGKILL."""
        with self._lock:
            self.closed = True
            children = list(self.running.values())
        for child in children:
            _signal_group(child.pid, signal.SIGTERM)
        deadline = time.monotonic() + self.grace
        for child in children:
            try:
                child.wait(timeout=max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                _signal_group(child.pid, signal.SIGKILL)
                child.wait()
        if self.zygotes is not None:
            self.zygotes.close(self.grace + 5)

    def close_lost_runs(self) -> int:
        """End the runs that never finished and started longer ago than any crawl may last
        (their child died with its launcher or the machine went down): killed, "lost"."""
        return close_lost_runs(self.engine, self.timeout, self.grace)

    def _record(
        self, source: str, pid: int, launch_id: str | None, killed_by: str | None
    ) -> CrawlRun | None:
        return record_run(self.engine, source, launch_id, killed_by, pid=pid)


def close_lost_runs(engine: Engine, timeout: float, grace: float) -> int:
    """End the runs that never finished and started more than ``timeout`` + ``grace`` +
    ``LOST_MARGIN`` ago: killed, "lost"; how many."""
    now = utcnow()
    cutoff = now - timedelta(seconds=timeout + grace) - LOST_MARGIN
    with Session(engine) as session, session.begin():
        result = session.execute(
            update(CrawlRun)
            .where(CrawlRun.finished_at.is_(None), CrawlRun.started_at < cutoff)
            .values(finished_at=now, finish_reason="killed", killed_by="lost")
        )
    lost = int(result.rowcount or 0)  # type: ignore[attr-defined]
    if lost:
        logger.warning("closed %s crawl runs that never recorded an end", lost)
    return lost


def record_run(
    engine: Engine,
    source: str,
    launch_id: str | None,
    killed_by: str | None,
    *,
    pid: int | None = None,
    create: bool = True,
) -> CrawlRun | None:
    """The run of one launch, found by its ``launch_id``. A launch ``killed_by`` something
    closes its run when it has no end yet (or, with ``create``, records one when none was)."""
    with Session(engine, expire_on_commit=False) as session:
        run = session.scalars(
            select(CrawlRun)
            .where(CrawlRun.launch_id == launch_id, CrawlRun.spider == source)
            .order_by(CrawlRun.id.desc())
            .limit(1)
        ).first()
        open_end = create if run is None else run.finished_at is None
        if killed_by and open_end:
            run = run or CrawlRun(spider=source, pid=pid, launch_id=launch_id)
            run.killed_by, run.finished_at, run.finish_reason = killed_by, utcnow(), "killed"
            session.add(run)
            session.commit()
        return run


def _signal_group(pid: int, sig: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pid, sig)
