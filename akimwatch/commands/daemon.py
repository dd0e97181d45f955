"""``akimwatch daemon``: run the scheduler in the foreground until SIGTERM or SIGINT."""

from __future__ import annotations

import sys
from contextlib import AbstractContextManager, nullcontext

import click

from akimwatch.context import get_config, open_engine
from akimwatch.logging import setup
from core.config import Config
from scheduler.daemon import Daemon
from scheduler.jobs import Runtime
from scheduler.lock import EXIT_LOCKED, AlreadyRunning, InstanceLock
from storage.migrate import upgrade


@click.command("daemon")
@click.pass_context
def daemon(ctx: click.Context) -> None:
    """Crawl every enabled source on its schedule, send notifications, keep the feed current.

    Only one daemon (or run-once) runs at a time; a second one exits with status 75.
    """
    config: Config = get_config(ctx)
    setup(config.daemon.log_level, config.daemon.log_json)
    engine = open_engine(config, check=False)
    lock = InstanceLock(config, engine)
    try:
        lock.acquire()
    except AlreadyRunning as exc:
        click.echo(f"akimwatch daemon: {exc}", err=True)
        sys.exit(EXIT_LOCKED)
    try:
        upgrade(engine)  # under the lock, never beside another instance's migration
        with _web(config):
            Daemon(Runtime.build(config, engine, ctx.find_root().obj.get("config_path"))).run()
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
