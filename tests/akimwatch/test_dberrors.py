"""Database failures: a locked SQLite database is retried with growing delays, then explained in
one line; other failures are explained at once; ``-v`` adds the traceback."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine
from sqlalchemy.exc import ArgumentError, DatabaseError

from akimwatch.dberrors import LOCK_RETRY_DELAYS, explain, retry_locked
from core.exitcodes import EXIT_CONFIG, EXIT_UNAVAILABLE

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def database(tmp_path: Path) -> Path:
    path = tmp_path / "locked.db"
    sqlite3.connect(path).close()
    return path


@pytest.fixture
def holder(database: Path) -> Iterator[sqlite3.Connection]:
    """Another connection holding the write lock until it rolls back."""
    connection = sqlite3.connect(database, isolation_level=None)
    connection.execute("BEGIN IMMEDIATE")
    yield connection
    connection.close()


@pytest.fixture
def impatient(database: Path) -> Iterator[Engine]:
    """An engine that gives up at once on a lock (the retry is what is tested)."""
    engine = create_engine(
        f"sqlite:///{database}", connect_args={"timeout": 0, "isolation_level": None}
    )
    yield engine
    engine.dispose()


def write(engine: Engine) -> str:
    with engine.connect() as connection:
        connection.exec_driver_sql("BEGIN IMMEDIATE")
        connection.exec_driver_sql("ROLLBACK")
    return "written"


def test_a_lock_released_while_retrying_lets_the_action_through(
    holder: sqlite3.Connection, impatient: Engine
) -> None:
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        if len(slept) == 2:
            holder.rollback()

    assert retry_locked(lambda: write(impatient), sleep=sleep) == "written"
    assert slept == list(LOCK_RETRY_DELAYS[:2])


def test_a_lock_that_stays_is_explained_after_every_retry(
    holder: sqlite3.Connection, impatient: Engine, database: Path
) -> None:
    slept: list[float] = []
    with pytest.raises(DatabaseError) as caught:
        retry_locked(lambda: write(impatient), sleep=slept.append)
    assert slept == list(LOCK_RETRY_DELAYS)
    assert sorted(slept) == slept and slept[-1] > slept[0]
    problem = explain(caught.value, f"sqlite:///{database}")
    assert problem is not None and problem.exit_code == EXIT_UNAVAILABLE
    assert "stays locked" in str(problem) and "\n" not in str(problem)


def test_other_failures_are_not_retried(tmp_path: Path) -> None:
    foreign = tmp_path / "notes.db"
    foreign.write_text("not a database\n" * 100, encoding="utf-8")
    engine = create_engine(f"sqlite:///{foreign}")
    slept: list[float] = []
    with pytest.raises(DatabaseError) as caught:
        retry_locked(lambda: write(engine), sleep=slept.append)
    engine.dispose()
    assert slept == []
    problem = explain(caught.value, f"sqlite:///{foreign}")
    assert problem is not None and problem.exit_code == EXIT_CONFIG
    assert "is not an SQLite database" in str(problem)


def test_unrelated_errors_are_left_alone() -> None:
    assert explain(KeyError("x"), "sqlite:///x.db") is None


def test_verbose_shows_the_traceback_before_the_one_line(tmp_path: Path) -> None:
    (tmp_path / "dir.db").mkdir()
    env = {key: value for key, value in os.environ.items() if not key.startswith("AKIMWATCH_")}
    env |= {"PYTHONPATH": str(ROOT), "AKIMWATCH_DATABASE_URL": f"sqlite:///{tmp_path}/dir.db"}
    runs = [
        subprocess.run(
            [sys.executable, "-m", "akimwatch.cli", *flags, "status"],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        for flags in ([], ["-v"])
    ]
    quiet, verbose = runs
    assert quiet.returncode == verbose.returncode == EXIT_CONFIG
    assert "Traceback" not in quiet.stderr and len(quiet.stderr.strip().splitlines()) == 1
    assert "Traceback" in verbose.stderr
    assert verbose.stderr.strip().splitlines()[-1] == quiet.stderr.strip()


def test_a_missing_driver_and_an_unusable_url_are_configuration_errors() -> None:
    missing = explain(ModuleNotFoundError("No module named 'psycopg'", name="psycopg"), "")
    assert missing is not None and missing.exit_code == EXIT_CONFIG
    assert "pip install 'akimwatch[postgres]'" in str(missing)
    assert explain(ModuleNotFoundError("x", name="lxml"), "postgresql://h/db") is None
    unusable = explain(ArgumentError("Could not parse URL"), "garbage")
    assert unusable is not None and unusable.exit_code == EXIT_CONFIG
    assert "database.url 'garbage' cannot be used" in str(unusable)
