"""The election on a real PostgreSQL database: one leads, the other waits (in one call that a stop
cancels) and takes over with the next term when the leader releases, dies or has its lock
session terminated; a stale term claims nothing from the outbox. (A stale term's crawl is fenced:
tests/e2e/test_failover.py.)"""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, select, text
from sqlalchemy.orm import Session

from core.config import Config
from notify import outbox
from notify.dispatcher import Dispatcher
from scheduler.leader import ADVISORY_KEY, Election, Keepalives, leader
from scheduler.lock import AlreadyRunning, InstanceLock
from scheduler.status import report
from storage.clock import utcnow
from storage.engine import make_engine
from storage.leadership import current, take_term
from storage.migrate import upgrade
from storage.models import Outbox
from testkit.waiting import wait_until

ROOT = Path(__file__).resolve().parents[2]
FAILOVER = 3  # seconds: the smallest failover time the configuration allows
QUICK = 2.0  # seconds: a takeover once the holder's session ended (the lock is granted at once)
LOCKS = (
    "SELECT pid, granted FROM pg_locks WHERE locktype = 'advisory' AND objid = :k"
    " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
)
HOLDER = (
    "import sys, threading\n"
    "from scheduler.leader import Election\n"
    "from storage.engine import make_engine\n"
    "election = Election(make_engine(sys.argv[1]), 3, holder='child')\n"
    "assert election.wait(threading.Event())\n"
    "print(election.begin_term(), flush=True)\n"
    "threading.Event().wait()\n"
)


@pytest.fixture
def pg(pg_database_url: str) -> Iterator[Engine]:
    """A migrated engine on a PostgreSQL database of its own."""
    engine = make_engine(pg_database_url)
    upgrade(engine)
    yield engine
    engine.dispose()


class Contender:
    """An election waiting on a thread; ``won`` is set (and ``at`` noted) once it holds."""

    def __init__(self, engine: Engine, holder: str) -> None:
        self.election = Election(engine, FAILOVER, holder=holder)
        self.stop, self.won = threading.Event(), threading.Event()
        self.at = 0.0
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        if self.election.wait(self.stop):
            self.at = time.monotonic()
            self.won.set()

    def close(self) -> None:
        self.stop.set()
        self.thread.join(10)
        self.election.close()


@pytest.fixture
def started(pg: Engine) -> Iterator[list[Contender]]:
    """Where a test starts its standby once the leader holds the lock; closed afterwards."""
    started: list[Contender] = []
    yield started
    for contender in started:
        contender.close()


def stand_by(started: list[Contender], engine: Engine) -> Contender:
    """A standby queued for the lock behind its holder."""
    contender = Contender(engine, "standby")
    started.append(contender)
    wait_until(lambda: waiting(engine), 10, "the standby to queue for the lock", every=0.05)
    return contender


def locks(engine: Engine) -> list[tuple[int, bool]]:
    """(backend pid, granted) of every session holding or waiting for the scheduler lock."""
    with engine.connect() as connection:
        return [(r.pid, r.granted) for r in connection.execute(text(LOCKS), {"k": ADVISORY_KEY})]


def waiting(engine: Engine) -> bool:
    """Whether a session is queued for the scheduler lock behind its holder."""
    return any(not granted for _pid, granted in locks(engine))


def test_keepalives_declare_a_dead_peer_within_the_failover_time() -> None:
    for seconds in range(3, 121):
        keepalives = Keepalives.within(seconds)
        assert 0 < keepalives.seconds < seconds, (seconds, keepalives)


@pytest.mark.postgres
def test_one_leads_the_other_waits_and_takes_over_with_the_next_term_on_release(
    pg: Engine, started: list[Contender]
) -> None:
    first = Election(pg, FAILOVER, holder="first")
    assert first.try_acquire()
    assert first.begin_term() == 1
    standby = stand_by(started, pg)
    assert not standby.won.is_set()
    assert Election(pg, FAILOVER).try_acquire() is False  # run-once: refused at once
    with pytest.raises(AlreadyRunning, match=r"\(first leads \(term 1 since .*; it holds"):
        InstanceLock(Config(), pg).acquire()
    assert report(Config(), pg)["leader"]["holder"] == "first"
    released = time.monotonic()
    first.close()
    assert standby.won.wait(10)
    assert standby.at - released < QUICK
    assert standby.election.begin_term() == 2
    now = leader(pg)
    assert now is not None and (now.holder, now.term) == ("standby", 2)


@pytest.mark.postgres
def test_a_killed_leaders_lock_goes_to_the_standby_at_once(
    pg: Engine, started: list[Contender]
) -> None:
    url = pg.url.render_as_string(hide_password=False)
    child = subprocess.Popen([sys.executable, "-c", HOLDER, url], cwd=ROOT,
                             stdout=subprocess.PIPE, text=True)  # fmt: skip
    try:
        assert child.stdout is not None and child.stdout.readline().strip() == "1"
        standby = stand_by(started, pg)
        killed = time.monotonic()
        child.kill()
        assert standby.won.wait(10)
    finally:
        child.kill()
        child.wait()
        assert child.stdout is not None
        child.stdout.close()
    print(f"takeover after SIGKILL: {standby.at - killed:.3f} s")
    assert standby.at - killed < QUICK
    with Session(pg) as session:
        taken = standby.election.begin_term()
        row = current(session)
        assert row is not None and row.term == taken and row.holder == "standby"


@pytest.mark.postgres
def test_a_standby_waits_in_one_call_that_a_stop_cancels_at_once(
    pg: Engine, started: list[Contender]
) -> None:
    first = Election(pg, FAILOVER, holder="first")
    assert first.try_acquire()
    standby = stand_by(started, pg)
    pid = next(pid for pid, granted in locks(pg) if not granted)
    began = query_start(pg, pid)
    time.sleep(1.5)  # longer than a lock-timeout loop would wait in one call
    assert query_start(pg, pid) == began  # the same call, no error in the server log a second
    stopped = time.monotonic()
    standby.stop.set()
    standby.thread.join(5)
    print(f"standby stopped after {time.monotonic() - stopped:.3f} s")
    assert not standby.thread.is_alive() and time.monotonic() - stopped < 1.0
    assert not standby.won.is_set() and not waiting(pg)
    first.close()


def query_start(engine: Engine, pid: int) -> object:
    """When backend ``pid``'s current statement began."""
    with engine.connect() as connection:
        return connection.execute(
            text("SELECT query_start FROM pg_stat_activity WHERE pid = :p"), {"p": pid}
        ).scalar_one()


@pytest.mark.postgres
def test_a_terminated_lock_session_is_noticed_as_lost_within_the_failover_time(
    pg: Engine, started: list[Contender]
) -> None:
    first = Election(pg, FAILOVER, holder="first")
    assert first.try_acquire()
    lost = threading.Event()
    term = first.begin_term(on_lost=lost.set)
    standby = stand_by(started, pg)
    holder = next(pid for pid, granted in locks(pg) if granted)
    with pg.connect() as connection:
        connection.execute(text("SELECT pg_terminate_backend(:p)"), {"p": holder})
    ended = time.monotonic()
    assert lost.wait(FAILOVER) and first.lost.is_set()
    print(f"loss noticed after {time.monotonic() - ended:.3f} s")
    assert standby.won.wait(10) and standby.at - ended < QUICK
    assert standby.election.begin_term() == term + 1
    first.close()  # its connection is gone: closing it only lets go


@pytest.mark.postgres
def test_a_leader_whose_term_was_taken_signals_lost(pg: Engine) -> None:
    first = Election(pg, FAILOVER, holder="first")
    assert first.try_acquire()
    lost = threading.Event()
    first.begin_term(on_lost=lost.set)
    with Session(pg) as session, session.begin():
        take_term(session, "intruder")  # only possible without the lock: a bug, or a hand edit
    assert lost.wait(FAILOVER)
    first.close()


@pytest.mark.postgres
def test_a_stale_term_claims_nothing_and_the_current_one_claims_with_its_term(pg: Engine) -> None:
    now = utcnow()
    with Session(pg) as session, session.begin():
        stale = take_term(session, "old")
        fresh = take_term(session, "new")
        session.add(Outbox(delivery_key="e1:hook", channel="hook", event_type="meeting",
                           payload={}, status="pending", attempts=0,
                           next_attempt_at=now - timedelta(seconds=1), created_at=now))  # fmt: skip
    assert Dispatcher(Config(), pg, term=stale).run_once().claimed == 0
    with Session(pg) as session, session.begin():
        assert outbox.claim(session, "old/1", now, 10, term=stale) == []
        assert session.scalar(select(Outbox.status)) == "pending"
        claimed = outbox.claim(session, "new/1", now, 10, term=fresh)
        assert [(row.claimed_by, row.claim_term) for row in claimed] == [("new/1", fresh)]
