"""The daemon: an APScheduler 3.x BlockingScheduler that starts crawl children and never imports
Twisted or Scrapy.

Jobs: one crawl job per enabled source, the dispatcher, the change re-check, retention. Next run
times come from our ``crawl_runs`` table at every start (an overdue source runs at once, once),
so the job store is in memory: nothing of the schedule is kept but the crawl history.
"""

from __future__ import annotations

import logging
import signal
import threading
from datetime import datetime, timedelta
from types import FrameType
from typing import Any

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.memory import MemoryJobStore
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.interval import IntervalTrigger

from scheduler import jobs
from scheduler.jobs import Runtime
from scheduler.schedule import interval_seconds, last_successes, next_run, trigger_for
from storage.clock import utcnow

log = logging.getLogger(__name__)
JOBS = "scheduler.jobs"


class _Scheduler(BlockingScheduler):
    """A BlockingScheduler whose main loop submits nothing once a stop has begun."""

    stopping = False

    def _process_jobs(self) -> float | None:
        if self.stopping:
            return None
        return super()._process_jobs()


def grace(seconds: float) -> int:
    """Misfire grace: about half the interval, at least a second."""
    return max(1, int(seconds / 2))


class Daemon:
    """Builds the scheduler, adds the jobs, runs until SIGTERM/SIGINT, then stops cleanly."""

    def __init__(self, rt: Runtime) -> None:
        self.rt = rt
        workers = 2 * len(rt.config.enabled_sources()) + 4
        self.scheduler = _Scheduler(
            jobstores={"default": MemoryJobStore()},
            executors={"default": ThreadPoolExecutor(max_workers=workers)},
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 30},
            timezone="UTC",
        )
        self._stopper: threading.Thread | None = None

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
        """Block until stopped by a signal."""
        jobs.install(self.rt)
        self.rt.service.close_lost_runs()
        self.add_jobs(utcnow())
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, self._on_signal)
        log.info("daemon started: sources %s", ", ".join(self.rt.config.enabled_sources()))
        self.scheduler.start()
        if self._stopper is not None:
            self._stopper.join()
        log.info("daemon stopped")

    def _on_signal(self, signum: int, frame: FrameType | None) -> None:
        if self._stopper is None:
            log.info("received %s: stopping", signal.Signals(signum).name)
            self._stopper = threading.Thread(target=self.stop, name="akimwatch-stop")
            self._stopper.start()

    def stop(self) -> None:
        """Pause, SIGTERM running crawls, wait the grace period (then SIGKILL), shut down."""
        self.scheduler.stopping = True
        self.scheduler.pause()
        self.rt.service.close()
        self.scheduler.shutdown(wait=True)
