"""SQLite transactions: writes begin IMMEDIATE (writers queue), reads begin deferred (a look-up
never waits for a writer)."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, event, text
from sqlalchemy.orm import Session

from storage.engine import make_engine, read_only


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    engine = make_engine(f"sqlite:///{tmp_path / 'aw.db'}")
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE t (x INTEGER)"))
    yield engine
    engine.dispose()


def begins(engine: Engine) -> list[str]:
    """The BEGIN statements the engine sends from now on."""
    seen: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if statement.startswith("BEGIN"):
            seen.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    return seen


def test_writes_begin_immediate_and_reads_deferred(engine: Engine) -> None:
    seen = begins(engine)
    with Session(engine) as session, session.begin():
        session.execute(text("INSERT INTO t VALUES (1)"))
    with Session(read_only(engine)) as session:
        session.execute(text("SELECT x FROM t")).all()
    assert seen == ["BEGIN IMMEDIATE", "BEGIN"]


def test_a_read_does_not_wait_for_a_writer(engine: Engine) -> None:
    writer = sqlite3.connect(str(engine.url.database), isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("INSERT INTO t VALUES (2)")
    try:
        started = time.monotonic()
        with Session(read_only(engine)) as session:
            assert session.execute(text("SELECT count(*) FROM t")).scalar() == 0
        assert time.monotonic() - started < 5  # a write transaction would wait 30 s
    finally:
        writer.execute("ROLLBACK")
        writer.close()
