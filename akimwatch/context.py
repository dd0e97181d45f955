"""Shared helpers of the CLI commands: the loaded configuration and a checked database engine."""

from __future__ import annotations

import click
from sqlalchemy import Engine

from akimwatch.dberrors import retry_locked
from core.config import Config
from storage.engine import make_engine
from storage.migrate import SchemaOutdated, check_schema, upgrade


def get_config(ctx: click.Context) -> Config:
    """The configuration loaded by the top-level command."""
    config: Config = ctx.find_root().obj["config"]
    return config


def open_engine(config: Config, *, check: bool = True, migrate: bool = False) -> Engine:
    """An engine for the configured database: migrated when asked, else checked to be current
    (a locked database is retried with backoff; other failures are explained by the CLI)."""
    engine = make_engine(config.database_url, echo=config.database.echo)
    context = click.get_current_context(silent=True)
    if context is not None:
        context.call_on_close(engine.dispose)  # no connection left open after the command
    if migrate:
        retry_locked(lambda: upgrade(engine))
    elif check:
        try:
            retry_locked(lambda: check_schema(engine))
        except SchemaOutdated as exc:
            raise click.ClickException(str(exc)) from None
    return engine
