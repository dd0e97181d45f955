"""One active scheduler among many on one PostgreSQL database: the holder of the advisory lock
leads, under a term of its own (``storage.leadership``); the others stand by and take over when
its session ends.

The lock lives on a dedicated AUTOCOMMIT connection, outside the pool, with TCP keepalives on both
ends sized from ``failover_seconds``: a machine that vanishes loses its session (so the lock) on
the server, and its own connection fails, within that time. A standby waits in one
``pg_advisory_lock`` call, so it is granted the lock the moment the holder's session ends; a stop
request cancels that call from a second connection (``pg_cancel_backend``). While leading, a watcher
thread reads the current term on the lock connection every ``failover_seconds / 6``: a failed
read, or a term that is no longer ours, is reported as lost at once. See ``docs/failover.md``.
"""

from __future__ import annotations

import contextlib
import logging
import os
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, text
from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from sqlalchemy.orm import Session
from sqlalchemy.pool import NullPool

from storage.leadership import current, current_term, take_term

ADVISORY_KEY = 0x616B696D  # "akim": the one lock every akimwatch scheduler process takes
QUERY_CANCELED = "57014"  # the SQLSTATE of a statement cancelled by pg_cancel_backend
TRY = "SELECT pg_try_advisory_lock(:k)"  # true or false at once
WAIT = "SELECT pg_advisory_lock(:k)"  # returns once granted (or fails when cancelled)
CANCEL = "SELECT pg_cancel_backend(:pid)"
RETRY_SECONDS = 1.0  # a standby whose database is unreachable tries again after this
WAKE_SECONDS = 0.5  # a stop request is repeated this often until the waiting call returns

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Keepalives:
    """TCP keepalive settings that declare a silent peer dead within ``idle + interval *
    count`` seconds (always less than the failover time they are sized from)."""

    idle: int
    interval: int
    count: int

    @classmethod
    def within(cls, seconds: int) -> Keepalives:
        """Settings that detect a dead peer in under ``seconds`` (at least 3)."""
        idle, interval = max(1, seconds // 3), max(1, seconds // 6)
        return cls(idle, interval, max(1, (seconds - idle) // interval - 1))

    @property
    def seconds(self) -> int:
        """How long a dead peer goes unnoticed at most."""
        return self.idle + self.interval * self.count

    def client(self) -> dict[str, Any]:
        """libpq connection parameters (psycopg ``connect_args``)."""
        return {
            "keepalives": 1,
            "keepalives_idle": self.idle,
            "keepalives_interval": self.interval,
            "keepalives_count": self.count,
            "tcp_user_timeout": self.seconds * 1000,
            "connect_timeout": max(2, self.seconds),
        }

    def server(self) -> list[str]:
        """The statements that set the same on the server side of the session."""
        return [
            f"SET tcp_keepalives_idle = {self.idle}",
            f"SET tcp_keepalives_interval = {self.interval}",
            f"SET tcp_keepalives_count = {self.count}",
            f"SET tcp_user_timeout = {self.seconds * 1000}",
        ]


@dataclass(frozen=True)
class Leader:
    """Who leads, as the leadership row says."""

    holder: str | None
    term: int
    since: str | None

    def __str__(self) -> str:
        return f"{self.holder or 'no one'} leads (term {self.term} since {self.since or '-'})"


def leader(engine: Engine) -> Leader | None:
    """The current leader, None when the database has no leadership row (yet)."""
    try:
        with Session(engine) as session:
            row = current(session)
            since = row.since.isoformat(timespec="seconds") if row and row.since else None
            return Leader(row.holder, row.term, since) if row else None
    except DBAPIError:  # not migrated yet, or unreachable: nothing to say
        return None


def holder_name() -> str:
    """``host:pid``: this process, as the leadership row names it."""
    return f"{socket.gethostname()}:{os.getpid()}"


class Election:
    """Competes for the scheduler lock of ``engine``'s database; see the module docstring."""

    def __init__(self, engine: Engine, failover_seconds: int, holder: str | None = None) -> None:
        self.engine = engine
        self.holder = holder or holder_name()
        self.keepalives = Keepalives.within(failover_seconds)
        self.check_every = max(0.5, failover_seconds / 6)
        self.term: int | None = None
        self.held = False  # the lock is ours (until released or lost)
        self.lost = threading.Event()
        self._locks = create_engine(
            engine.url, poolclass=NullPool, connect_args=self.keepalives.client()
        )
        self._connection: Connection | None = None
        self._use = threading.Lock()  # the watcher and the caller share the lock connection
        self._done = threading.Event()
        self._watcher: threading.Thread | None = None

    def try_acquire(self) -> bool:
        """Take the lock now if it is free (``run-once``); True when taken."""
        self.held = self._try()
        return self.held

    def wait(self, stop: threading.Event) -> bool:
        """Block until the lock is ours (True) or ``stop`` is set (False); says once that it
        stands by, and who leads."""
        waiting = False
        while not stop.is_set():
            try:
                if self._try() or (waiting and self._block(stop)):
                    self.held = True
                    return True
            except SQLAlchemyError as exc:
                log.warning("standing by: the database is unreachable (%s)", exc)
                self._drop()
                stop.wait(RETRY_SECONDS)
                continue
            if not waiting:
                log.info("standing by: %s", leader(self.engine) or "another scheduler leads")
                waiting = True
        return False

    def begin_term(self, on_lost: Callable[[], None] | None = None) -> int:
        """Take the next term on the lock connection (so only while the lock is ours); with
        ``on_lost``, watch the lock and call it once the term is lost."""
        with self._use:
            assert self._connection is not None, "begin_term without the lock"
            with Session(bind=self._connection) as session:
                self.term = take_term(session, self.holder)
                session.commit()
        self.lost.clear()
        self._done.clear()
        if on_lost is not None:
            self._watcher = threading.Thread(
                target=self._watch, args=(on_lost,), name="akimwatch-leader", daemon=True
            )
            self._watcher.start()
        return self.term

    def release(self) -> None:
        """Stop watching, give the lock back and close its connection (a lost one just goes)."""
        self._done.set()
        if self._watcher is not None and self._watcher is not threading.current_thread():
            self._watcher.join()
        self._watcher = None
        with self._use:
            if self._connection is not None and self.held and not self.lost.is_set():
                with contextlib.suppress(SQLAlchemyError):
                    unlock = text("SELECT pg_advisory_unlock(:k)")
                    self._connection.execute(unlock, {"k": ADVISORY_KEY})
        self._drop()
        self.term = None
        self.held = False

    def close(self) -> None:
        """Release, and close the lock engine."""
        self.release()
        self._locks.dispose()

    def _try(self) -> bool:
        """Take the lock if it is free, at once: True when taken."""
        with self._use:
            connection = self._connection or self._connect()
            return bool(connection.execute(text(TRY), {"k": ADVISORY_KEY}).scalar())

    def _block(self, stop: threading.Event) -> bool:
        """Wait in ``pg_advisory_lock`` until granted (True), or until ``stop`` is set and a
        waker thread cancels the call (False)."""
        with self._use:
            connection = self._connection or self._connect()
            pid = connection.execute(text("SELECT pg_backend_pid()")).scalar_one()
            returned, cancelling = threading.Event(), threading.Lock()
            threading.Thread(target=self._wake, args=(pid, stop, returned, cancelling),
                             name="akimwatch-standby-waker", daemon=True).start()  # fmt: skip
            try:
                connection.execute(text(WAIT), {"k": ADVISORY_KEY})
            except DBAPIError as exc:
                code = getattr(exc.orig, "sqlstate", None) or getattr(exc.orig, "pgcode", None)
                if code == QUERY_CANCELED and stop.is_set():  # psycopg 3 / psycopg2
                    return False
                raise
            finally:
                with cancelling:  # no cancel is sent once the call returned
                    returned.set()
            return True

    def _wake(
        self, pid: int, stop: threading.Event, returned: threading.Event, cancelling: threading.Lock
    ) -> None:
        """Once ``stop`` is set, cancel backend ``pid``'s waiting call, again every
        ``WAKE_SECONDS`` (a cancel that came before the call began is lost), until it returns."""
        while not returned.is_set():
            if stop.wait(WAKE_SECONDS):
                with cancelling:
                    if returned.is_set():
                        return
                    with contextlib.suppress(SQLAlchemyError), self._locks.connect() as other:
                        other.execute(text(CANCEL), {"pid": pid})
                returned.wait(WAKE_SECONDS)

    def _connect(self) -> Connection:
        connection = self._locks.connect().execution_options(isolation_level="AUTOCOMMIT")
        for statement in self.keepalives.server():
            connection.execute(text(statement))
        self._connection = connection
        return connection

    def _drop(self) -> None:
        with self._use:
            if self._connection is not None:
                with contextlib.suppress(SQLAlchemyError):
                    self._connection.close()
            self._connection = None

    def _watch(self, on_lost: Callable[[], None]) -> None:
        while not self._done.wait(self.check_every):
            why = self._check()
            if why is not None:
                log.error("leadership lost (term %s): %s", self.term, why)
                self.lost.set()
                on_lost()
                return

    def _check(self) -> str | None:
        """None while the lock is ours and our term current, else why not."""
        with self._use:
            if self._connection is None:
                return "the lock connection is closed"
            try:
                with Session(bind=self._connection) as session:
                    now = current_term(session)
            except SQLAlchemyError as exc:
                return f"the lock connection failed ({exc})"
        return None if now == self.term else f"term {now} is current now"
