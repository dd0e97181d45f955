"""Alembic environment: runs migrations on a connection handed in, or on the configured URL."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from storage.engine import make_engine
from storage.migrate import check_foreign_keys, foreign_keys_off
from storage.models import Base


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


connection = context.config.attributes.get("connection")
if connection is not None:
    _run(connection)
else:
    engine = make_engine(context.config.get_main_option("sqlalchemy.url") or "")
    with engine.connect() as own, foreign_keys_off(own), own.begin():
        _run(own)
        check_foreign_keys(own)
