"""One daemon (or cron run) per database at a time: for SQLite a lock file beside the database
file (``akimwatch.db.lock``), so two configurations with different ``data_dir`` but the same
database still exclude each other; for PostgreSQL an advisory lock (advisory locks are per
database) on a dedicated connection, taken through :class:`scheduler.leader.Election` without
waiting; on PostgreSQL the holder may then take a leadership term of its own (``begin_term``)."""

from __future__ import annotations

from pathlib import Path
from types import TracebackType

from filelock import FileLock, Timeout
from sqlalchemy import Engine

from core.config import Config
from scheduler.leader import ADVISORY_KEY, Election, leader

EXIT_LOCKED = 75  # EX_TEMPFAIL: another akimwatch daemon or run-once holds the lock


class AlreadyRunning(RuntimeError):
    """Another akimwatch daemon or ``run-once`` holds the lock."""


def lock_path(engine: Engine, data_dir: Path) -> Path:
    """The lock file of a SQLite database: beside its file (in ``data_dir`` for ``:memory:``)."""
    database = engine.url.database
    if engine.dialect.name != "sqlite" or not database or database == ":memory:":
        return data_dir / "akimwatch.lock"
    path = Path(database).resolve()
    return path.with_name(path.name + ".lock")


class InstanceLock:
    """The single-instance lock; use as a context manager or call acquire/release."""

    def __init__(self, config: Config, engine: Engine) -> None:
        self.engine = engine
        self.postgres = engine.dialect.name == "postgresql"
        self.path = lock_path(engine, Path(config.data_dir))
        self.failover = config.daemon.failover_seconds
        self._file: FileLock | None = None
        self._election: Election | None = None

    def where(self) -> str:
        """A description of the lock for messages."""
        return f"PostgreSQL advisory lock {ADVISORY_KEY}" if self.postgres else str(self.path)

    def acquire(self) -> None:
        """Take the lock now or raise AlreadyRunning."""
        if self.postgres:
            self._acquire_advisory()
        else:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            lock = FileLock(self.path, timeout=0)
            try:
                lock.acquire()
            except Timeout:
                raise AlreadyRunning(self._message()) from None
            self._file = lock

    def _acquire_advisory(self) -> None:
        election = Election(self.engine, self.failover)
        if not election.try_acquire():
            election.close()
            raise AlreadyRunning(self._message())
        self._election = election

    def begin_term(self) -> int | None:
        """Holding the lock on PostgreSQL, take the next leadership term (migrated databases
        only); None on SQLite, where there is no election."""
        return None if self._election is None else self._election.begin_term()

    def _message(self) -> str:
        held = f"it holds {self.where()}"
        if self.postgres and (now := leader(self.engine)) is not None and now.holder:
            held = f"{now}; {held}"
        running = "another akimwatch daemon or run-once is running"
        return f"{running} ({held}); not starting a second one"

    def release(self) -> None:
        """Give the lock back."""
        if self._file is not None:
            self._file.release()
            self._file = None
        if self._election is not None:
            self._election.close()
            self._election = None

    def __enter__(self) -> InstanceLock:
        self.acquire()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.release()
