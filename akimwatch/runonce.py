"""``akimwatch run-once``: crawl sources in child processes, then print a summary.

Cron mode: the command takes the daemon's single-instance lock (a second run, or a running daemon,
makes it exit with status 75 without crawling; on PostgreSQL the message names the leader),
crawls the sources that are due by their schedule (or the named ones, or every enabled one with
``--all``), checks their health, then dispatches. On PostgreSQL it takes a leadership term of its
own for those crawls and that dispatch (fencing, ``docs/failover.md``).
On a terminal it says "SOURCE: crawling…" as each child starts and shows the child's progress line
(``scheduler.terminal``); under cron or a pipe it prints only the summary.
"""

from __future__ import annotations

import sys
from datetime import date

import click

from akimwatch.commands import options
from akimwatch.context import get_config, open_engine
from core.config import Config
from core.config_errors import nearest
from scheduler.lock import EXIT_LOCKED, AlreadyRunning, InstanceLock
from scheduler.service import CrawlResult, CrawlService, SourceResult
from scheduler.terminal import Terminal
from sources import names as source_names
from storage.migrate import upgrade


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
    terminal = Terminal(sys.stdout) if sys.stdout.isatty() else None  # quiet under cron, pipes
    service = CrawlService(
        config, engine, config_path=ctx.find_root().obj.get("config_path"), terminal=terminal
    )
    try:
        with InstanceLock(config, engine) as lock:
            upgrade(engine)  # under the lock: never beside a running daemon's migration
            service.term = lock.begin_term()  # PostgreSQL: a term of its own, for fencing
            due = not sources and not every and since is None
            names = service.choose(sources, due=due)
            if due and not names:
                click.echo("no source is due")
                return
            result = service.crawl_all(names, since=since)
            report(result)
            if not no_dispatch:
                click.echo(f"notifications: {service.dispatch().summary()}")
    except AlreadyRunning as exc:
        click.echo(f"akimwatch run-once: {exc}", err=True)
        sys.exit(EXIT_LOCKED)
    finally:
        service.close()  # the warm worker's zygote ends with us (and is reaped)
    if not result.ok:
        ctx.exit(1)


def known_sources(names: tuple[str, ...]) -> tuple[str, ...]:
    """``names`` if each is a known source, else a usage error naming the nearest one."""
    known = source_names()
    unknown = [name for name in names if name not in known]
    if unknown:
        hint = nearest(unknown[0], known)
        raise click.BadParameter(f"unknown source {unknown[0]!r}; {hint}known: {', '.join(known)}")
    return names


def report(result: CrawlResult) -> None:
    """A summary line per source; on stderr, the demo's hint when no source could be reached."""
    for crawled in result.sources:
        click.echo(summary_line(crawled))
    if result.offline:
        click.echo(OFFLINE_HINT, err=True)


OFFLINE_HINT = (
    "akimwatch run-once: no source could be reached (no network?); "
    "`akimwatch demo` shows akimwatch working on local replicas of the sites"
)


def summary_line(crawled: SourceResult) -> str:
    """One line per source: status, pages, items, new articles, errors, seconds."""
    run = crawled.run
    status = "ok" if crawled.ok else f"FAILED ({crawled.reason})"
    counts = (
        f"pages={run.pages} items={run.items} new={run.new_articles} errors={run.errors}"
        if run
        else ""
    )
    return f"{crawled.source:10} {status:12} {counts} {crawled.seconds:.1f}s"
