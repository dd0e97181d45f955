"""``akimwatch run-once``: crawl sources in child processes, then print a summary."""

from __future__ import annotations

import click
from sqlalchemy import Engine

from akimwatch.config import SOURCES, Config
from scheduler.launcher import CrawlLauncher, CrawlOutcome


def run_sources(
    config: Config,
    engine: Engine,
    names: list[str],
    *,
    since: str | None = None,
    config_path: str | None = None,
) -> bool:
    """Crawl the named (else every enabled) source; True when every one succeeded."""
    unknown = [name for name in names if name not in SOURCES]
    if unknown:
        raise click.BadParameter(f"unknown source {unknown[0]!r}; known: {', '.join(SOURCES)}")
    sources = names or config.enabled_sources()
    env = {"AKIMWATCH_CONFIG": config_path} if config_path else {}
    launcher = CrawlLauncher(
        engine, config.crawl.timeout_seconds, grace=config.daemon.kill_grace_seconds, env=env
    )
    outcomes = launcher.run_all(sources, {"since": since} if since else None)
    for outcome in outcomes:
        click.echo(summary_line(outcome))
    return all(outcome.ok for outcome in outcomes)


def summary_line(outcome: CrawlOutcome) -> str:
    """One line per source: status, pages, items, new articles, errors, seconds."""
    run = outcome.run
    status = "ok" if outcome.ok else "FAILED"
    if outcome.killed_by:
        status += f" (killed: {outcome.killed_by})"
    elif run is None:
        status += f" (no run recorded, exit {outcome.returncode})"
    elif run.finish_reason != "finished":
        status += f" ({run.finish_reason})"
    counts = (
        f"pages={run.pages} items={run.items} new={run.new_articles} errors={run.errors}"
        if run
        else ""
    )
    return f"{outcome.source:10} {status:12} {counts} {outcome.seconds:.1f}s"
