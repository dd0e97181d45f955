"""``akimwatch run-once``: crawl sources in child processes, then print a summary.

Cron mode: the command takes the daemon's single-instance lock (a second run, or a running daemon,
makes it exit with status 75 without crawling), crawls the sources that are due by their schedule
(or the named ones, or every enabled one with ``--all``), checks their health, then dispatches.
On a terminal it says "SOURCE: crawling…" as each child starts and shows the child's progress line
(``scheduler.terminal``); under cron or a pipe it prints only the summary.
"""

from __future__ import annotations

import sys
from datetime import date

import click
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from akimwatch.commands import options
from akimwatch.context import get_config, open_engine
from core.config import Config
from core.config_errors import nearest
from scheduler.health import check_source
from scheduler.launcher import CrawlLauncher, CrawlOutcome
from scheduler.lock import EXIT_LOCKED, AlreadyRunning, InstanceLock
from scheduler.schedule import due_sources
from scheduler.terminal import Terminal
from sources import names as source_names
from storage.clock import utcnow
from storage.migrate import upgrade
from storage.runs import unreachable


@click.command("run-once")
@click.argument("sources", nargs=-1, callback=lambda _ctx, _param, names: known_sources(names))
@click.option("--since", callback=options.iso_day, help="Backfill down to this date (YYYY-MM-DD).")
@click.option("--all", "every", is_flag=True, help="Crawl every enabled source, due or not.")
@click.option("--no-dispatch", is_flag=True, help="Do not send notifications afterwards.")
@click.pass_context
def run_once(
    ctx: click.Context, sources: tuple[str, ...], since: date | None, every: bool, no_dispatch: bool
) -> None:
    """Crawl the due sources (or the named ones), one child process each, then dispatch.

    Safe from cron: exits 75 when a daemon or another run-once is running, 1 when a source failed.
    """
    config: Config = get_config(ctx)
    engine = open_engine(config, check=False)
    try:
        with InstanceLock(config, engine):
            upgrade(engine)  # under the lock: never beside a running daemon's migration
            names = list(sources)
            if not names and not every and since is None:
                names = due_sources(config, engine, utcnow())
                if not names:
                    click.echo("no source is due")
                    return
            ok = run_sources(
                config,
                engine,
                names,
                since=since.isoformat() if since else None,
                config_path=ctx.find_root().obj.get("config_path"),
            )
            if not no_dispatch:
                _dispatch(config, engine)
    except AlreadyRunning as exc:
        click.echo(f"akimwatch run-once: {exc}", err=True)
        sys.exit(EXIT_LOCKED)
    if not ok:
        ctx.exit(1)


def _dispatch(config: Config, engine: Engine) -> None:
    from notify.dispatcher import Dispatcher

    click.echo(f"notifications: {Dispatcher(config, engine).run_until_idle().summary()}")


def known_sources(names: tuple[str, ...]) -> tuple[str, ...]:
    """``names`` if each is a known source, else a usage error naming the nearest one."""
    known = source_names()
    unknown = [name for name in names if name not in known]
    if unknown:
        hint = nearest(unknown[0], known)
        raise click.BadParameter(f"unknown source {unknown[0]!r}; {hint}known: {', '.join(known)}")
    return names


def run_sources(
    config: Config,
    engine: Engine,
    names: list[str],
    *,
    since: str | None = None,
    config_path: str | None = None,
) -> bool:
    """Crawl the named (else every enabled) source; True when every one succeeded."""
    sources = names or config.enabled_sources()
    env = {"AKIMWATCH_CONFIG": config_path} if config_path else {}
    terminal = Terminal(sys.stdout) if sys.stdout.isatty() else None  # quiet under cron, pipes
    launcher = CrawlLauncher(
        engine,
        config.crawl.timeout_seconds,
        grace=config.daemon.kill_grace_seconds,
        env=env,
        terminal=terminal,
    )
    launcher.close_lost_runs()
    outcomes = launcher.run_all(sources, {"since": since} if since else None)
    if terminal is not None:
        terminal.end()
    for outcome in outcomes:
        click.echo(summary_line(outcome))
    with Session(engine) as session, session.begin():
        for outcome in outcomes:
            check_source(session, config, outcome.source)
    if outcomes and all(unreached(outcome) for outcome in outcomes):
        click.echo(OFFLINE_HINT, err=True)
    return all(outcome.ok for outcome in outcomes)


OFFLINE_HINT = (
    "akimwatch run-once: no source could be reached (no network?); "
    "`akimwatch demo` shows akimwatch working on local replicas of the sites"
)


def unreached(outcome: CrawlOutcome) -> bool:
    """Whether a crawl failed because its hosts could not be reached."""
    return outcome.run is not None and bool(unreachable(outcome.run))


def summary_line(outcome: CrawlOutcome) -> str:
    """One line per source: status, pages, items, new articles, errors, seconds."""
    run = outcome.run
    status = "ok" if outcome.ok else f"FAILED ({outcome.reason})"
    counts = (
        f"pages={run.pages} items={run.items} new={run.new_articles} errors={run.errors}"
        if run
        else ""
    )
    return f"{outcome.source:10} {status:12} {counts} {outcome.seconds:.1f}s"
