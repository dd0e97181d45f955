"""The ``akimwatch`` command: every user-facing operation, with ``--help`` on each."""

from __future__ import annotations

import json
import logging
import os
import sys
import traceback
from pathlib import Path
from typing import Any, NoReturn

import click
from click.core import ParameterSource

from akimwatch import __version__
from akimwatch.commands.options import OUTPUT
from akimwatch.context import get_config, open_engine
from akimwatch.dberrors import explain, retry_locked
from core.config import ConfigError, masked
from core.config_errors import ConfigFileError
from core.exitcodes import EXIT_CANTCREAT, EXIT_CONFIG
from notify.config import load
from scheduler.lock import EXIT_LOCKED, AlreadyRunning, InstanceLock
from storage.migrate import upgrade


class Commands(click.Group):
    """The command group; configuration, database and ``--output`` file errors from any command
    end as one line on stderr (the traceback too with ``-v``): configuration errors with status
    78, an output file that cannot be written with 73."""

    def invoke(self, ctx: click.Context) -> Any:
        """Run the command, translating its configuration, database and output file errors."""
        try:
            return super().invoke(ctx)
        except ConfigError as exc:
            self._fail(ctx, exc, str(exc), EXIT_CONFIG)
        except Exception as exc:
            config = (ctx.obj or {}).get("config")
            problem = explain(exc, config.database_url if config else "")
            output: str | None = ctx.meta.get(OUTPUT)
            if problem is None and output and isinstance(exc, OSError) and _about(exc, output):
                self._fail(ctx, exc, _unwritable(output, exc), EXIT_CANTCREAT)
            if problem is None:
                raise
            self._fail(ctx, exc, str(problem), problem.exit_code)

    @staticmethod
    def _fail(ctx: click.Context, exc: BaseException, message: str, status: int) -> NoReturn:
        """One line on stderr (after the traceback with ``-v``), then exit with ``status``."""
        if ctx.params.get("verbose"):
            traceback.print_exception(exc, file=sys.stderr)
        click.echo(f"Error: {message}", err=True)
        ctx.exit(status)


def _about(exc: OSError, output: str) -> bool:
    """Whether ``exc`` is about the ``--output`` file: no path named (a full disk), the file, a
    directory above it, or a file beside it (a temporary one renamed into place)."""
    if exc.filename is None:
        return True
    target, named = Path(output).absolute(), Path(os.fsdecode(exc.filename)).absolute()
    return named == target or named in target.parents or named.parent == target.parent


def _unwritable(output: str, exc: OSError) -> str:
    """``cannot write OUTPUT: why`` (and the path the system named, when it is another one)."""
    named = exc.filename if exc.filename not in (None, output) else None
    return f"cannot write {output}: {exc.strerror or exc}" + (f" ({named})" if named else "")


@click.group(cls=Commands, context_settings={"help_option_names": ["-h", "--help"]})
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
    except ConfigFileError as exc:
        if ctx.get_parameter_source("config_path") is ParameterSource.ENVIRONMENT:
            raise ConfigError(f"AKIMWATCH_CONFIG={config_path}: {exc}") from None
        raise
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
    """Apply every pending schema migration (under the daemon's and run-once's lock; exits 75
    while one of them runs)."""
    config = get_config(ctx)
    engine = open_engine(config, check=False)
    try:
        with InstanceLock(config, engine):
            before, after = retry_locked(lambda: upgrade(engine))
    except AlreadyRunning as exc:
        click.echo(f"akimwatch db upgrade: not migrating: {exc}", err=True)
        sys.exit(EXIT_LOCKED)
    click.echo(f"database at revision {after}" + ("" if before == after else f" (was {before})"))


def _register() -> None:
    from akimwatch.commands.article import article
    from akimwatch.commands.classify import classify
    from akimwatch.commands.daemon import daemon
    from akimwatch.commands.demo import demo
    from akimwatch.commands.deploy import deploy
    from akimwatch.commands.export import export, feed
    from akimwatch.commands.meetings import meetings
    from akimwatch.commands.notify import notify, outbox
    from akimwatch.commands.serve import serve
    from akimwatch.commands.status import status
    from akimwatch.runonce import run_once

    commands = (
        article,
        classify,
        daemon,
        demo,
        deploy,
        export,
        feed,
        meetings,
        notify,
        outbox,
        run_once,
        serve,
        status,
    )
    for command in commands:
        cli.add_command(command)


_register()


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="akimwatch")


if __name__ == "__main__":
    main()
