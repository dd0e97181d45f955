"""One daemon (or cron run) per database at a time: for SQLite a lock file beside the database
file (``akimwatch.db.lock``), so two configurations with different ``data_dir`` but the same
database still exclude each other; for PostgreSQL an advisory lock (advisory locks are per
database) on a dedicated connection."""

from __future__ import annotations

from pathlib import Path
from types import TracebackType

from filelock import FileLock, Timeout
from sqlalchemy import Connection, Engine, text

from core.config import Config

ADVISORY_KEY = 0x616B696D  # "akim": the one lock every akimwatch scheduler process takes
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
        self._file: FileLock | None = None
        self._connection: Connection | None = None

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
        connection = self.engine.connect().execution_options(isolation_level="AUTOCOMMIT")
        got = connection.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": ADVISORY_KEY})
        if not got.scalar():
            connection.close()
            raise AlreadyRunning(self._message())
        self._connection = connection

    def _message(self) -> str:
        return (
            "another akimwatch daemon or run-once is running "
            f"(it holds {self.where()}); not starting a second one"
        )

    def release(self) -> None:
        """Give the lock back."""
        if self._file is not None:
            self._file.release()
            self._file = None
        if self._connection is not None:
            self._connection.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": ADVISORY_KEY})
            self._connection.close()
            self._connection = None

    def __enter__(self) -> InstanceLock:
        self.acquire()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.release()
