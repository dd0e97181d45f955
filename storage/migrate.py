"""Alembic migrations, driven from code: ``akimwatch db upgrade`` and the schema check."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config as AlembicConfig
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine

MIGRATIONS = Path(__file__).with_name("migrations")


class SchemaOutdated(RuntimeError):
    """The database is not at the newest schema revision."""


def alembic_config(url: str) -> AlembicConfig:
    """An Alembic configuration pointing at our migrations and the given database."""
    config = AlembicConfig()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def head_revision() -> str:
    """The newest revision in the migrations folder."""
    head = ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at, or None for an empty database."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade(engine: Engine) -> tuple[str | None, str]:
    """Apply every pending migration; returns (revision before, revision after)."""
    before = current_revision(engine)
    config = alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.connect() as connection, foreign_keys_off(connection), connection.begin():
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
        check_foreign_keys(connection)
    return before, head_revision()


@contextmanager
def foreign_keys_off(connection: Connection) -> Iterator[None]:
    """On SQLite, migrate with foreign keys off (call before the transaction begins).

    A migration that rebuilds a table drops the old one, and with foreign keys on that drop would
    cascade to every row that refers to it; :func:`check_foreign_keys` checks them afterwards.
    """
    if connection.dialect.name != "sqlite":
        yield
        return
    driver = connection.connection.driver_connection
    assert driver is not None
    driver.execute("PRAGMA foreign_keys=OFF")
    try:
        yield
    finally:
        driver.execute("PRAGMA foreign_keys=ON")


def check_foreign_keys(connection: Connection) -> None:
    """On SQLite, raise (inside the migration's transaction, so it rolls back) on a broken key."""
    if connection.dialect.name == "sqlite":
        problems = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
        if problems:
            raise RuntimeError(f"the migration broke foreign keys: {problems[:5]}")


def check_schema(engine: Engine) -> None:
    """Raise SchemaOutdated, with the command that fixes it, unless the schema is current."""
    current, head = current_revision(engine), head_revision()
    if current != head:
        state = "empty" if current is None else f"at revision {current}"
        raise SchemaOutdated(
            f"the database {engine.url.render_as_string(hide_password=True)} is {state}, "
            f"not at {head}: run `akimwatch db upgrade`"
        )
