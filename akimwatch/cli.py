"""The ``akimwatch`` command: every user-facing operation, with ``--help`` on each."""

from __future__ import annotations

import json
import logging
import sys

import click
from sqlalchemy import Engine

from akimwatch import __version__
from akimwatch.config import Config, ConfigError, load, masked
from akimwatch.context import get_config, open_engine
from storage.migrate import upgrade


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="akimwatch")
@click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False),
    envvar="AKIMWATCH_CONFIG",
    help="TOML configuration file.",
)
@click.option("-v", "--verbose", count=True, help="More log output (-vv for debug).")
@click.pass_context
def cli(ctx: click.Context, config_path: str | None, verbose: int) -> None:
    """akimwatch: alerts when the President of Kazakhstan meets a regional akim."""
    level = [logging.WARNING, logging.INFO, logging.DEBUG][min(verbose, 2)]
    logging.basicConfig(
        level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s", stream=sys.stderr
    )
    try:
        config = load(config_path)
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from None
    ctx.ensure_object(dict)["config"] = config
    ctx.obj["config_path"] = config_path


@cli.command("config")
@click.pass_context
def show_config(ctx: click.Context) -> None:
    """Print the effective configuration (secrets masked) as JSON."""
    click.echo(json.dumps(masked(get_config(ctx)), indent=2, ensure_ascii=False, default=str))


@cli.group()
def db() -> None:
    """Database schema commands."""


@db.command("upgrade")
@click.pass_context
def db_upgrade(ctx: click.Context) -> None:
    """Apply every pending schema migration."""
    engine = open_engine(get_config(ctx), check=False)
    before, after = upgrade(engine)
    click.echo(f"database at revision {after}" + ("" if before == after else f" (was {before})"))


@cli.command("run-once")
@click.argument("sources", nargs=-1)
@click.option("--since", help="Backfill down to this date (YYYY-MM-DD).")
@click.pass_context
def run_once(ctx: click.Context, sources: tuple[str, ...], since: str | None) -> None:
    """Crawl every enabled source (or the named ones), one child process each, then exit.

    Exits non-zero when a source failed.
    """
    from akimwatch.runonce import run_sources

    config: Config = get_config(ctx)
    engine: Engine = open_engine(config, migrate=True)
    ok = run_sources(config, engine, list(sources), since=since, config_path=ctx.obj["config_path"])
    if not ok:
        ctx.exit(1)


def _register() -> None:
    from akimwatch.commands.classify import classify
    from akimwatch.commands.demo import demo
    from akimwatch.commands.notify import notify, outbox

    for command in (classify, demo, notify, outbox):
        cli.add_command(command)


_register()


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="akimwatch")
