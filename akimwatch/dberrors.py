"""Database failures as one line that says what to do, and the retry of a locked database.

Every command goes through :func:`explain` (the CLI group catches what a command raises), so a
wrong URL, a directory or foreign file where the SQLite database should be, an unreachable
PostgreSQL or a database that stays locked never ends in a driver traceback (``-v`` shows it).
Each SQLite attempt itself waits up to the engine's busy timeout (30 s) for the lock.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DatabaseError, NoSuchModuleError, SQLAlchemyError

from core.config_errors import mask_url
from core.exitcodes import EXIT_CONFIG, EXIT_UNAVAILABLE

log = logging.getLogger(__name__)
T = TypeVar("T")
LOCK_RETRY_DELAYS = (1.0, 2.0, 4.0)  # seconds slept after each "database is locked"
DRIVERS = frozenset({"psycopg", "psycopg2", "pg8000", "asyncpg"})  # PostgreSQL drivers


class DatabaseProblem(Exception):
    """A database failure explained: ``message`` (one line) and the exit status to use."""

    def __init__(self, message: str, exit_code: int) -> None:
        super().__init__(message)
        self.exit_code = exit_code


def is_locked(exc: BaseException) -> bool:
    """Whether ``exc`` is SQLite's "database is locked" (another writer holds it)."""
    return isinstance(exc, DatabaseError) and "database is locked" in str(exc.orig)


def retry_locked(
    action: Callable[[], T],
    delays: tuple[float, ...] = LOCK_RETRY_DELAYS,
    sleep: Callable[[float], None] = time.sleep,
) -> T:
    """Run ``action``; while the database is locked, wait with growing delays and run it again."""
    for attempt, delay in enumerate(delays, start=1):
        try:
            return action()
        except DatabaseError as exc:
            if not is_locked(exc):
                raise
            log.info("database is locked (attempt %d); retrying in %.1fs", attempt, delay)
            sleep(delay)
    return action()


def explain(exc: BaseException, url: str) -> DatabaseProblem | None:
    """The one-line explanation of a database failure at ``url``, or None if it is none."""
    shown = mask_url(url)
    unusable = isinstance(exc, ArgumentError) and not _parses(url)
    missing_driver = isinstance(exc, ImportError) and (exc.name or "").split(".")[0] in DRIVERS
    if unusable or missing_driver or isinstance(exc, NoSuchModuleError):
        return DatabaseProblem(
            f"database.url {shown!r} cannot be used ({_first_line(exc)}); "
            "allowed: sqlite:///PATH or postgresql+psycopg://USER@HOST/DB "
            "(PostgreSQL needs: pip install 'akimwatch[postgres]')",
            EXIT_CONFIG,
        )
    if isinstance(exc, DatabaseError):
        return _driver_error(exc, url, shown)
    if isinstance(exc, SQLAlchemyError):
        return DatabaseProblem(f"database {shown}: {_first_line(exc)}", 1)
    if isinstance(exc, OSError) and _on_database_path(exc, url):
        return DatabaseProblem(
            f"database {shown}: {exc.strerror or exc} ({exc.filename}); "
            "point database.url or data_dir at a writable place",
            EXIT_CONFIG,
        )
    return None


def _driver_error(exc: DatabaseError, url: str, shown: str) -> DatabaseProblem:
    reason = _first_line(exc.orig) if exc.orig is not None else _first_line(exc)
    if is_locked(exc):
        return DatabaseProblem(
            f"database {shown} stays locked by another process (a daemon or run-once writing?), "
            "even after retrying; try again later",
            EXIT_UNAVAILABLE,
        )
    if not _is_sqlite(url):
        return DatabaseProblem(
            f"cannot use the database {shown}: {reason}; "
            "check that the server is running and that database.url is right",
            EXIT_UNAVAILABLE,
        )
    path = Path(make_url(url).database or "")
    if path.is_dir():
        return DatabaseProblem(
            f"database path {path} is a directory; point database.url (or data_dir) at a file",
            EXIT_CONFIG,
        )
    if "not a database" in reason:
        return DatabaseProblem(
            f"database path {path} is not an SQLite database (another file, or damaged); "
            "point database.url at another file or move this one away",
            EXIT_CONFIG,
        )
    return DatabaseProblem(
        f"database {path}: {reason}; check that its directory exists and is writable",
        EXIT_CONFIG,
    )


def _on_database_path(exc: OSError, url: str) -> bool:
    """Whether ``exc`` is about the SQLite file of ``url`` or one of its directories."""
    if not _is_sqlite(url) or not exc.filename:
        return False
    database = Path(make_url(url).database or "").absolute()
    failed = Path(str(exc.filename)).absolute()
    return failed == database or failed in database.parents


def _parses(url: str) -> bool:
    try:
        make_url(url)
    except ArgumentError:
        return False
    return True


def _is_sqlite(url: str) -> bool:
    try:
        return make_url(url).get_backend_name() == "sqlite"
    except ArgumentError:
        return False


def _first_line(exc: BaseException) -> str:
    lines = str(exc).strip().splitlines()
    return lines[0] if lines else type(exc).__name__
