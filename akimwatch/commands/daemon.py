"""``akimwatch daemon``: run the scheduler in the foreground until SIGTERM or SIGINT."""

from __future__ import annotations

import sys
from contextlib import AbstractContextManager, nullcontext
from functools import partial

import click

from akimwatch.context import get_config, open_engine
from akimwatch.logging import setup
from core.config import Config
from scheduler.daemon import Daemon
from scheduler.jobs import Runtime
from scheduler.leader import Election
from scheduler.lock import EXIT_LOCKED, AlreadyRunning, InstanceLock
from storage.migrate import upgrade


@click.command("daemon")
@click.pass_context
def daemon(ctx: click.Context) -> None:
    """Crawl every enabled source on its schedule, send notifications, keep the feed current.

    On SQLite only one daemon (or run-once) runs at a time; a second one exits with status 75.
    On PostgreSQL every daemon competes: one leads, the others stand by and take over when it
    goes (``docs/failover.md``).
    """
    config: Config = get_config(ctx)
    setup(config.daemon.log_level, config.daemon.log_json)
    engine = open_engine(config, check=False)
    rt = Runtime.build(config, engine, ctx.find_root().obj.get("config_path"))
    if engine.dialect.name == "postgresql":
        election = Election(engine, config.daemon.failover_seconds)
        try:
            with _web(config):  # the upgrade runs under the lock, each time it is won
                Daemon(rt, election, prepare=partial(upgrade, engine)).run()
        finally:
            election.close()
        return
    lock = InstanceLock(config, engine)
    try:
        lock.acquire()
    except AlreadyRunning as exc:
        click.echo(f"akimwatch daemon: {exc}", err=True)
        sys.exit(EXIT_LOCKED)
    try:
        upgrade(engine)  # under the lock, never beside another instance's migration
        with _web(config):
            Daemon(rt).run()
    finally:
        lock.release()


def _web(config: Config) -> AbstractContextManager[object]:
    """The web pages served on a thread beside the jobs when ``[web] enabled``."""
    if not config.web.enabled:
        return nullcontext()
    from web.server import Background

    server = Background(config)
    click.echo(f"akimwatch daemon: web pages on {server.url}/", err=True)
    return server
