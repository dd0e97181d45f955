"""The daemon: an APScheduler 3.x scheduler that starts crawl children and never imports Twisted
or Scrapy.

Jobs: one crawl job per enabled source, the dispatcher, the change re-check, retention. Next run
times come from our ``crawl_runs`` table at every start (an overdue source runs at once, once),
so the job store is in memory: nothing of the schedule is kept but the crawl history.

With an :class:`~scheduler.leader.Election` (PostgreSQL) every daemon competes: the holder builds
a fresh scheduler and crawl service for its term and schedules; the others stand by. A leader that
loses its lock stops at once (no job submitted after the loss, running crawls stopped) and
competes again. SIGTERM/SIGINT stop it cleanly in either state.
"""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Callable
from datetime import datetime, timedelta
from types import FrameType
from typing import Any

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.memory import MemoryJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy.exc import SQLAlchemyError

from scheduler import jobs
from scheduler.jobs import Runtime
from scheduler.leader import RETRY_SECONDS, Election
from scheduler.schedule import interval_seconds, last_successes, next_run, trigger_for
from scheduler.service import CrawlService
from storage.clock import utcnow

log = logging.getLogger(__name__)
JOBS = "scheduler.jobs"


class _Scheduler(BackgroundScheduler):
    """A scheduler whose loop submits nothing once a stop has begun."""

    stopping = False

    def _process_jobs(self) -> float | None:
        if self.stopping:
            return None
        return super()._process_jobs()


def grace(seconds: float) -> int:
    """Misfire grace: about half the interval, at least a second."""
    return max(1, int(seconds / 2))


class Daemon:
    """Schedules the jobs (for each term it leads, with ``election``) until SIGTERM/SIGINT, then
    stops cleanly; ``prepare`` runs each time the lock is won, before the term is taken (the
    migration)."""

    def __init__(
        self,
        rt: Runtime,
        election: Election | None = None,
        prepare: Callable[[], object] = lambda: None,
    ) -> None:
        self.rt = rt
        self.election = election
        self.prepare = prepare
        self.scheduler = self._new_scheduler()
        self.stopped = threading.Event()  # SIGTERM/SIGINT: end for good
        self._over = threading.Event()  # the current term (or run) ends

    def _new_scheduler(self) -> _Scheduler:
        workers = 2 * len(self.rt.config.enabled_sources()) + 4
        return _Scheduler(
            jobstores={"default": MemoryJobStore()},
            executors={"default": ThreadPoolExecutor(max_workers=workers)},
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 30},
            timezone="UTC",
        )

    def add_jobs(self, now: datetime) -> None:
        """Every job, with next run times derived from crawl_runs."""
        config, path = self.rt.config, self.rt.config_path
        last = last_successes(self.rt.engine, config.enabled_sources())
        for name in config.enabled_sources():
            source = config.sources[name]
            first = next_run(source, last.get(name), now)
            self._add(
                f"crawl:{name}",
                "crawl_source",
                trigger_for(source, first),
                first,
                grace(interval_seconds(source, now)),
                (name, path),
            )
        daemon = config.daemon
        self._every("dispatch", "dispatch", daemon.dispatch_every_seconds, now)
        self._every(
            "recheck",
            "recheck_sources",
            daemon.recheck_every_minutes * 60,
            now + timedelta(minutes=daemon.recheck_every_minutes),
        )
        lost_every = config.crawl.timeout_seconds + daemon.kill_grace_seconds
        self._every("lost-runs", "close_lost_runs", lost_every, now + timedelta(seconds=lost_every))
        if daemon.retention_days:
            self._every("retention", "retention", 86400, now)

    def _every(self, job_id: str, func: str, seconds: float, first: datetime) -> None:
        trigger = IntervalTrigger(seconds=seconds, start_date=first)
        self._add(job_id, func, trigger, first, grace(seconds), (self.rt.config_path,))

    def _add(
        self,
        job_id: str,
        func: str,
        trigger: Any,
        first: datetime,
        misfire: int,
        args: tuple[Any, ...],
    ) -> None:
        self.scheduler.add_job(
            f"{JOBS}:{func}",
            trigger,
            args=args,
            id=job_id,
            name=job_id,
            next_run_time=first,
            misfire_grace_time=misfire,
        )

    def run(self) -> None:
        """Block until stopped by a signal (or ``stop``)."""
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, self._on_signal)
        log.info("daemon started: sources %s", ", ".join(self.rt.config.enabled_sources()))
        if self.election is None:
            self.schedule(None)
        else:
            self.campaign(self.election)
        log.info("daemon stopped")

    def campaign(self, election: Election) -> None:
        """Win the lock, lead a term, and again after each loss, until stopped."""
        while election.wait(self.stopped):
            term: int | None = None
            try:
                self.scheduler = self._new_scheduler()
                self._over = threading.Event()
                if self.stopped.is_set():  # a signal came while the lock was being won
                    return
                self.prepare()
                term = election.begin_term(on_lost=self.lose)
                log.info("leading: term %s as %s", term, election.holder)
                self.schedule(term)
            except SQLAlchemyError as exc:  # the database failed as the term began
                log.warning("cannot lead: %s", str(exc).strip().splitlines()[0])
                self.stopped.wait(RETRY_SECONDS)
            finally:
                election.release()
            if not self.stopped.is_set():
                log.warning("term %s ended: no longer leading; competing again", term)

    def schedule(self, term: int | None) -> None:
        """Run the jobs of one term (all the run without an election) until it ends."""
        if self.rt.service.launcher.closed:  # an earlier term's, stopped
            self.rt.service = CrawlService(
                self.rt.config, self.rt.engine, config_path=self.rt.config_path
            )
        self.rt.service.term = term
        jobs.install(self.rt)
        self.rt.service.close_lost_runs()
        self.add_jobs(utcnow())
        self.scheduler.start()
        self._over.wait()
        self._end()

    def lose(self) -> None:
        """The term is lost: submit nothing more, end it now (from the election's watcher)."""
        self.scheduler.stopping = True
        self._over.set()

    def stop(self) -> None:
        """End for good: the current term, and no further campaign."""
        self.stopped.set()
        self.lose()

    def _on_signal(self, signum: int, frame: FrameType | None) -> None:
        if not self.stopped.is_set():  # the stop on a thread: a handler must not wait on locks
            log.info("received %s: stopping", signal.Signals(signum).name)
            threading.Thread(target=self.stop, name="akimwatch-stop", daemon=True).start()

    def _end(self) -> None:
        """Pause, SIGTERM running crawls, wait the grace period (then SIGKILL), shut down."""
        self.scheduler.stopping = True
        self.scheduler.pause()
        self.rt.service.close()
        self.scheduler.shutdown(wait=True)
