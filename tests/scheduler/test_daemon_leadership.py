"""The daemon's leadership loop without processes: an election stand-in grants terms; each term
gets a fresh scheduler and crawl service carrying the term; a loss ends the term at once (nothing
more submitted, the service closed) and the daemon competes again; a stop ends it for good. And
the timer that closes the runs nobody follows any more."""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import cast

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.config import Config
from scheduler import jobs
from scheduler.daemon import Daemon
from scheduler.jobs import Runtime
from scheduler.leader import Election
from sources import names as source_names
from storage.clock import utcnow
from storage.engine import make_engine
from storage.migrate import upgrade
from storage.models import CrawlRun
from testkit.waiting import wait_until


class Granting:
    """An election that grants the terms it is given in turn, then waits for the stop."""

    holder = "test:1"

    def __init__(self, *terms: int) -> None:
        self.terms = list(terms)
        self.began: queue.Queue[int] = queue.Queue()
        self.on_lost: Callable[[], None] | None = None
        self.released = 0

    def wait(self, stop: threading.Event) -> bool:
        if not self.terms:
            stop.wait()
            return False
        return True

    def begin_term(self, on_lost: Callable[[], None] | None = None) -> int:
        self.on_lost = on_lost
        term = self.terms.pop(0)
        self.began.put(term)
        return term

    def release(self) -> None:
        self.released += 1


@pytest.fixture
def runtime(tmp_path: Path) -> Iterator[Runtime]:
    """A runtime on SQLite with every source disabled: the jobs never start a crawl."""
    config = Config.model_validate(
        {
            "data_dir": tmp_path,
            "sources": {name: {"enabled": False} for name in source_names()},
            "daemon": {"dispatch_every_seconds": 3600},
        }
    )
    engine = make_engine(config.database_url)
    upgrade(engine)
    yield Runtime.build(config, engine, None)
    jobs.install(None)
    engine.dispose()


def test_each_term_gets_a_fresh_scheduler_and_service_and_a_loss_ends_it_at_once(
    runtime: Runtime,
) -> None:
    election = Granting(1, 2)
    prepared: list[int] = []
    daemon = Daemon(runtime, cast(Election, election), prepare=lambda: prepared.append(1))
    loop = threading.Thread(target=daemon.campaign, args=(daemon.election,))
    loop.start()
    assert election.began.get(timeout=10) == 1
    first_scheduler, first_service = daemon.scheduler, runtime.service
    assert first_service.term == 1
    wait_until(lambda: first_scheduler.running, 10, "the first term's scheduler", every=0.05)
    assert {job.id for job in first_scheduler.get_jobs()} >= {"dispatch", "recheck"}

    assert election.on_lost is not None
    election.on_lost()  # the watcher's call
    assert first_scheduler.stopping  # from the loss on, its loop submits nothing
    assert election.began.get(timeout=10) == 2
    assert not first_scheduler.running and first_service.launcher.closed
    assert runtime.service is not first_service and runtime.service.term == 2
    assert daemon.scheduler is not first_scheduler
    assert jobs.runtime(None).service.term == 2  # what the jobs see

    wait_until(lambda: daemon.scheduler.running, 10, "the second term's scheduler", every=0.05)
    daemon.stop()
    loop.join(10)
    assert not loop.is_alive() and not daemon.scheduler.running
    assert runtime.service.launcher.closed
    assert election.released == 2 and prepared == [1, 1]


def test_a_stop_while_standing_by_ends_the_campaign(runtime: Runtime) -> None:
    election = Granting()
    daemon = Daemon(runtime, cast(Election, election))
    loop = threading.Thread(target=daemon.campaign, args=(daemon.election,))
    loop.start()
    daemon.stop()
    loop.join(10)
    assert not loop.is_alive() and election.released == 0
    assert not daemon.scheduler.running


def test_runs_no_launcher_follows_are_closed_on_a_timer(runtime: Runtime) -> None:
    now = utcnow()
    daemon = Daemon(runtime)
    daemon.add_jobs(now)
    every = runtime.config.crawl.timeout_seconds + runtime.config.daemon.kill_grace_seconds
    job = daemon.scheduler.get_job("lost-runs")
    assert job is not None and job.trigger.interval == timedelta(seconds=every)
    assert job.next_run_time == now + timedelta(seconds=every)
    with Session(runtime.engine) as session, session.begin():  # a dead leader's Scrapyd job
        session.add(CrawlRun(spider="akorda", started_at=now - timedelta(hours=1), term=3))
    jobs.install(runtime)
    jobs.close_lost_runs(None)
    with Session(runtime.engine) as session:
        run = session.scalars(select(CrawlRun)).one()
        assert (run.finish_reason, run.killed_by) == ("killed", "lost")
