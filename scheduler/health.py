"""Source health: N bad runs in a row raise one admin alert; the first good run after, one notice.

A run is bad when it was killed or failed, fetched no page, fetched listing pages but parsed no
entry from them (the layout may have changed), or produced articles missing a title or a date. A
healthy incremental run that finds nothing new is fine. State lives in ``source_health``; alert
keys are derived from run ids, so re-checking the same runs never raises twice.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from akimwatch.config import Config
from notify.health import raise_admin_alert
from storage.clock import utcnow
from storage.models import CrawlRun, SourceHealth

log = logging.getLogger(__name__)
LOOKBACK = 200
FIRST_LOOK = 10


@dataclass
class Verdict:
    """What the latest runs of a source say."""

    failures_in_row: int
    streak: list[CrawlRun]
    last_good: CrawlRun | None


def problem(run: CrawlRun) -> str | None:
    """Why a finished run counts as a failure, or None when it is good."""
    if run.killed_by:
        return f"killed ({run.killed_by})"
    if run.finish_reason != "finished":
        return f"ended with {run.finish_reason}"
    if run.pages == 0:
        return "fetched no page"
    entries = int((run.stats or {}).get("akimwatch/listing_entries") or 0)
    if run.listing_pages > 0 and entries == 0:
        return f"0 articles from {run.listing_pages} listing pages"
    if run.incomplete_items > 0:
        return f"{run.incomplete_items} of {run.items} articles missing a title or date"
    return None


def verdict(session: Session, source: str) -> Verdict:
    """Count the bad runs since the last good one (finished runs only).

    The newest few runs are read first and the rest (up to LOOKBACK) only while no good run is
    among them: the daemon checks after every run, and reading the whole history each time made
    its memory (SQLite's page cache) and its work grow with the crawl-run table.
    """
    query = (
        select(CrawlRun)
        .where(CrawlRun.spider == source, CrawlRun.finished_at.is_not(None))
        .order_by(CrawlRun.started_at.desc(), CrawlRun.id.desc())  # newest first, by the index
    )
    runs: list[CrawlRun] = []
    for limit in (FIRST_LOOK, LOOKBACK):
        runs = list(session.scalars(query.limit(limit)))
        good = next((i for i, run in enumerate(runs) if problem(run) is None), None)
        if good is not None:
            return Verdict(good, runs[:good], runs[good])
        if len(runs) < limit:
            break
    return Verdict(len(runs), runs, None)


def describe(source: str, streak: list[CrawlRun]) -> str:
    """The alert text for a failing streak (newest run first)."""
    problems = [problem(run) or "" for run in streak]
    if all(p.startswith("0 articles from") for p in problems):
        pages = sum(run.listing_pages for run in streak)
        return (
            f"{source}: 0 articles from {pages} listing pages in the last {len(streak)} runs; "
            "the layout may have changed"
        )
    return f"{source}: {len(streak)} bad runs in a row; the last one {problems[0]}"


def check_source(session: Session, config: Config, source: str) -> str | None:
    """Update a source's health after a run; returns the alert or notice raised, if any."""
    state = session.get(SourceHealth, source) or SourceHealth(source=source, state="ok")
    session.add(state)
    found = verdict(session, source)
    state.failures_in_row = found.failures_in_row
    if found.last_good is not None and found.failures_in_row == 0:
        state.last_success_at = found.last_good.finished_at
    threshold = config.daemon.failures_before_alert
    if state.state != "failing" and found.failures_in_row >= threshold:
        text = describe(source, found.streak[:threshold])
        first = found.streak[-1].id
        _change(session, config, state, "failing", f"source-failing:{source}:{first}", text)
        state.last_problem = text
        return text
    if state.state == "failing" and found.failures_in_row == 0 and found.last_good is not None:
        text = f"{source}: working again (run {found.last_good.id} finished normally)"
        _change(session, config, state, "ok", f"source-ok:{source}:{found.last_good.id}", text)
        return text
    return None


def _change(
    session: Session, config: Config, state: SourceHealth, new: str, key: str, text: str
) -> None:
    subject = f"akimwatch: {text.split(';')[0]}"
    raise_admin_alert(session, config, key, subject, text)
    state.state, state.changed_at = new, utcnow()
    log.warning("health: %s", text)


def check_all(session: Session, config: Config) -> list[str]:
    """Check every enabled source; returns the alerts and notices raised."""
    raised = [check_source(session, config, name) for name in config.enabled_sources()]
    return [text for text in raised if text]
