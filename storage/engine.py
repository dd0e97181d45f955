"""Engine and session set-up: SQLite in WAL mode by default, PostgreSQL through a URL."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

READ_ONLY = "akimwatch_read_only"  # execution option: begin SQLite transactions deferred


def make_engine(url: str, *, echo: bool = False) -> Engine:
    """Create an engine; for SQLite, make the data directory and set WAL pragmas per connection."""
    parsed = make_url(url)
    kwargs: dict[str, Any] = {"echo": echo, "future": True}
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        kwargs["connect_args"] = {"timeout": 30}
        engine = create_engine(url, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    kwargs["pool_pre_ping"] = True
    return create_engine(url, **kwargs)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # Let SQLAlchemy, not the driver, issue BEGIN, so that a transaction starts where we say.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    # WAL + NORMAL: a commit is durable once it is in the WAL file, which survives a killed
    # process (a power cut may lose the last commits, never corrupts the database).
    cursor.execute("PRAGMA synchronous=NORMAL")
    # A batch of 1,000 articles dirties ~1,500 pages (random URL keys): a 16 MiB page cache holds
    # them until the commit without spilling. Checkpointing every ~40 MiB of WAL instead of every
    # 4 MiB takes the copy-back out of most commits and copies a hot index page once per several.
    cursor.execute("PRAGMA cache_size=-16384")
    cursor.execute("PRAGMA wal_autocheckpoint=10000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def _sqlite_begin(connection: Any) -> None:
    # IMMEDIATE takes the write lock up front, so two writers queue instead of deadlocking;
    # read-only work (see read_only) begins deferred and never waits for a writer.
    deferred = connection.get_execution_options().get(READ_ONLY, False)
    connection.exec_driver_sql("BEGIN" if deferred else "BEGIN IMMEDIATE")


def read_only(engine: Engine) -> Engine:
    """The same engine (same pool) for reads: on SQLite its transactions begin deferred, so a
    look-up takes no write lock and does not queue behind a writer."""
    return engine.execution_options(**{READ_ONLY: True})


def session_factory(engine: Engine) -> sessionmaker[Session]:
    """A session factory that keeps loaded objects usable after commit."""
    return sessionmaker(engine, expire_on_commit=False)
