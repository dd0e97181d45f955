"""Source health: N bad runs in a row raise one admin alert; the first good run after, one notice.

What makes a run bad is :func:`storage.runs.problem`, the one definition every part uses (killed,
failed, unreachable, no listing page, no entry from the listings, articles missing a title or a
date). A healthy incremental run that finds nothing new is fine. State lives in ``source_health``;
alert keys are derived from run ids, so re-checking the same runs never raises twice.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy.orm import Session

from core.config import Config
from notify.health import raise_admin_alert
from storage.clock import utcnow
from storage.models import CrawlRun, SourceHealth
from storage.runs import problem, streak

__all__ = ["Verdict", "check_all", "check_source", "describe", "problem", "verdict"]
log = logging.getLogger(__name__)


@dataclass
class Verdict:
    """What the latest runs of a source say."""

    failures_in_row: int
    streak: list[CrawlRun]
    last_good: CrawlRun | None


def verdict(session: Session, source: str) -> Verdict:
    """Count the bad runs since the last good one (finished runs only)."""
    bad, good = streak(session, source)
    return Verdict(len(bad), bad, good)


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
        _change(session, state, "failing", f"source-failing:{source}:{first}", text)
        state.last_problem = text
        return text
    if state.state == "failing" and found.failures_in_row == 0 and found.last_good is not None:
        text = f"{source}: working again (run {found.last_good.id} finished normally)"
        _change(session, state, "ok", f"source-ok:{source}:{found.last_good.id}", text)
        return text
    return None


def _change(session: Session, state: SourceHealth, new: str, key: str, text: str) -> None:
    subject = f"akimwatch: {text.split(';')[0]}"
    raise_admin_alert(session, key, subject, text)
    state.state, state.changed_at = new, utcnow()
    log.warning("health: %s", text)


def check_all(session: Session, config: Config) -> list[str]:
    """Check every enabled source; returns the alerts and notices raised."""
    raised = [check_source(session, config, name) for name in config.enabled_sources()]
    return [text for text in raised if text]
