"""The crawl service: the one way the daemon, ``run-once`` and the demo crawl.

It owns which sources to crawl and how (the child's environment and arguments, the launcher and
its timeouts), the verdict of each run (:func:`storage.runs.problem` on the run the child
recorded), what follows a crawl (the source's health, a dispatch when asked) and the result the
callers render. Callers keep only their own part: the daemon its schedule, ``run-once`` its flags,
output and exit code, the demo its replicas and configuration.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from core.config import Config
from notify.dispatcher import Dispatcher, DispatchReport
from scheduler.health import check_source
from scheduler.launcher import CrawlLauncher, CrawlOutcome, LauncherClosed
from scheduler.schedule import due_sources
from scheduler.scrapyd import ScrapydLauncher
from scheduler.terminal import Terminal
from scheduler.warm import WarmWorker
from storage.clock import utcnow
from storage.models import CrawlRun
from storage.runs import problem, unreachable

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SourceResult:
    """One source's crawl and its verdict."""

    source: str
    seconds: float
    run: CrawlRun | None
    reason: str | None  # why the crawl counts as failed; None when it is ok

    @property
    def ok(self) -> bool:
        """Finished by itself, exit 0, and recorded as a good run."""
        return self.reason is None

    @property
    def unreached(self) -> bool:
        """Whether the crawl failed because its hosts could not be reached."""
        return self.run is not None and bool(unreachable(self.run))


@dataclass
class CrawlResult:
    """What one batch of crawls gave, in the order the sources were asked for."""

    sources: list[SourceResult] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Whether every crawl succeeded."""
        return all(result.ok for result in self.sources)

    @property
    def offline(self) -> bool:
        """Whether no source could be reached at all (no network?)."""
        return bool(self.sources) and all(result.unreached for result in self.sources)


def judge(outcome: CrawlOutcome) -> SourceResult:
    """The verdict of one crawl: ok when the child finished by itself with exit 0 and its
    recorded run is good (:func:`storage.runs.problem`)."""
    return SourceResult(outcome.source, outcome.seconds, outcome.run, _reason(outcome))


def _reason(outcome: CrawlOutcome) -> str | None:
    if outcome.killed_by:
        return f"killed: {outcome.killed_by}"
    if outcome.run is None:
        return f"no run recorded, exit {outcome.returncode}"
    bad = problem(outcome.run)
    if bad is None and outcome.returncode == 0:
        return None
    return bad or f"exit {outcome.returncode}"


def config_env(config_path: str | None) -> dict[str, str]:
    """What a crawl child adds to our environment: the configuration file we read, if any."""
    return {"AKIMWATCH_CONFIG": config_path} if config_path else {}


def make_launcher(
    config: Config,
    engine: Engine,
    timeout: float,
    *,
    grace: float,
    env: dict[str, str] | None = None,
    terminal: Terminal | None = None,
) -> CrawlLauncher | ScrapydLauncher:
    """The launcher of ``[crawl] engine``: Scrapyd jobs on the ``[[crawl.nodes]]`` (they have
    their own environment and no terminal), else local children (forked from a warm worker
    with ``[crawl] worker = "warm"``)."""
    if config.crawl.engine == "scrapyd":
        return ScrapydLauncher(engine, config, timeout, grace)
    warm = WarmWorker.configured(config.crawl)
    return CrawlLauncher(engine, timeout, grace=grace, env=env, terminal=terminal, warm=warm)


class CrawlService:
    """Crawls sources in child processes, judges each run, then checks the source's health.

    ``timeout`` and ``grace`` default to ``[crawl] timeout_seconds`` and ``[daemon]
    kill_grace_seconds``; ``parallel`` is how many children a batch runs at a time; ``health``
    updates each crawled source's health (and raises its alerts); ``terminal`` shows the
    children's progress there. ``term`` is the leader's term while this process leads (passed to
    every crawl, which refuses to run once the term is stale); None without an election.
    """

    def __init__(
        self,
        config: Config,
        engine: Engine,
        *,
        config_path: str | None = None,
        timeout: float | None = None,
        grace: float | None = None,
        parallel: int = 2,
        health: bool = True,
        terminal: Terminal | None = None,
    ) -> None:
        self.config = config
        self.engine = engine
        self.parallel = parallel
        self.health = health
        self.terminal = terminal
        self.launcher = make_launcher(
            config,
            engine,
            config.crawl.timeout_seconds if timeout is None else timeout,
            grace=config.daemon.kill_grace_seconds if grace is None else grace,
            env=config_env(config_path),
            terminal=terminal,
        )
        self.term: int | None = None
        self._busy = {name: threading.Lock() for name in config.sources}
        self._busy_lock = threading.Lock()

    def choose(self, names: Sequence[str] = (), *, due: bool = False) -> list[str]:
        """The named sources, else the enabled ones that are due (``due``), else every enabled
        one."""
        if names:
            return list(names)
        if due:
            return due_sources(self.config, self.engine, utcnow())
        return self.config.enabled_sources()

    def crawl(self, source: str, *, recheck: bool = False) -> SourceResult | None:
        """One crawl of ``source`` (a change re-check with ``recheck``), then its health; None
        when one is still running or the service is closing."""
        lock = self._lock_of(source)
        if not lock.acquire(blocking=False):
            log.info("%s: a crawl is still running; skipping this one", source)
            return None
        try:
            outcome = self.launcher.run(source, self._args({"recheck": "1"} if recheck else {}))
        except LauncherClosed:
            return None
        finally:
            lock.release()
        result = judge(outcome)
        log.info("%s: %s", source, "ok" if result.ok else f"failed ({result.reason})")
        self._check_health([result])
        return result

    def crawl_all(self, sources: Sequence[str], *, since: date | None = None) -> CrawlResult:
        """Close the runs lost by an earlier launcher, crawl ``sources`` (``parallel`` at a
        time, back to ``since`` when given), then check their health."""
        self.close_lost_runs()
        args = self._args({"since": since.isoformat()} if since else {})
        outcomes = self.launcher.run_all(sources, args, parallel=self.parallel)
        if self.terminal is not None:
            self.terminal.end()
        result = CrawlResult([judge(outcome) for outcome in outcomes])
        self._check_health(result.sources)
        return result

    def dispatch(self) -> DispatchReport:
        """Send every notification that is due, until none is left to send now (claimed under
        ``term``)."""
        return Dispatcher(self.config, self.engine, term=self.term).run_until_idle()

    def close_lost_runs(self) -> int:
        """End the runs whose child died with an earlier launcher (see ``CrawlLauncher``)."""
        return self.launcher.close_lost_runs()

    def close(self) -> None:
        """Start no more crawls; stop the running ones (SIGTERM, the grace period, SIGKILL)."""
        self.launcher.close()

    def _args(self, args: dict[str, str]) -> dict[str, str]:
        return args if self.term is None else {**args, "term": str(self.term)}

    def _lock_of(self, source: str) -> threading.Lock:
        with self._busy_lock:
            return self._busy.setdefault(source, threading.Lock())

    def _check_health(self, results: Sequence[SourceResult]) -> None:
        if not self.health or not results:
            return
        with Session(self.engine) as session, session.begin():
            for result in results:
                check_source(session, self.config, result.source)
