"""What ``akimwatch status`` reports: per source the last run and how it is judged, the last good
run, the reason of the last bad one, articles found, failures in a row, next run; the outbox depth
and delivery health (``notify.status``); the scheduler's leader (PostgreSQL elections); and whether
anything is unhealthy. Runs are judged by
:func:`storage.runs.problem`, like the health alerts, the schedule and ``run-once``."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from core.config import Config
from notify.dispatcher import LEASE
from notify.status import delivery_health
from scheduler.health import verdict
from scheduler.launcher import LOST_MARGIN
from scheduler.schedule import due_at, interval_seconds, last_successes
from storage.clock import utcnow
from storage.engine import read_only
from storage.leadership import current
from storage.models import Article, CrawlRun, Leadership, Outbox, SourceHealth
from storage.runs import last_bad, problem

DATE_CONFLICTS = "akimwatch/date_conflicts"  # articles whose page and listing dates disagreed
LOCAL = "local"  # the node of a run that a local child made
OVERDUE_FACTOR = 3  # a source more than 3 intervals past due means nothing is running it


@dataclass
class SourceStatus:
    """One source's line."""

    source: str
    enabled: bool
    state: str
    last_run: str | None
    last_result: str | None
    last_success: str | None
    articles_last_run: int
    date_conflicts_last_run: int
    articles_total: int
    failures_in_row: int
    next_run: str | None
    problem: str | None
    healthy: bool
    last_verdict: str | None = None  # running | good | bad | no end recorded
    last_bad_run: str | None = None
    last_bad_reason: str | None = None
    last_node: str | None = None  # the Scrapyd node of the last run; None: none yet


def _iso(value: datetime | None) -> str | None:
    return value.isoformat(timespec="seconds") if value else None


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=utcnow().tzinfo)


def judge(run: CrawlRun | None, config: Config, now: datetime) -> str | None:
    """How the newest run of a source stands: running, good, bad, or no end recorded."""
    if run is None:
        return None
    if run.finished_at is None:
        limit = config.crawl.timeout_seconds + config.daemon.kill_grace_seconds
        alive = now - _aware(run.started_at) <= timedelta(seconds=limit) + LOST_MARGIN
        return "running" if alive else "no end recorded"
    return "good" if problem(run) is None else "bad"


def source_status(
    session: Session, config: Config, name: str, now: datetime, success: datetime | None
) -> SourceStatus:
    """The status of one source."""
    source = config.sources[name]
    last = session.scalars(
        select(CrawlRun)
        .where(CrawlRun.spider == name)
        .order_by(CrawlRun.started_at.desc(), CrawlRun.id.desc())
        .limit(1)
    ).first()
    health = session.get(SourceHealth, name)
    found = verdict(session, name)
    bad = last_bad(session, name)
    judged = judge(last, config, now)
    due = due_at(source, success)
    overdue = (
        judged != "running"
        and due is not None
        and now - due > timedelta(seconds=OVERDUE_FACTOR * interval_seconds(source, now))
    )
    failing = (health is not None and health.state == "failing") or (
        found.failures_in_row >= config.daemon.failures_before_alert
    )
    newest_bad = found.failures_in_row > 0
    total = session.scalar(select(func.count()).where(Article.source == name)) or 0
    reason = problem(bad) if bad is not None else None
    return SourceStatus(
        source=name,
        enabled=source.enabled,
        state="failing" if failing else ("bad" if newest_bad else "ok"),
        last_run=_iso(last.started_at if last else None),
        last_result=_result(last, judged),
        last_success=_iso(success),
        articles_last_run=last.new_articles if last else 0,
        date_conflicts_last_run=int((last.stats or {}).get(DATE_CONFLICTS) or 0) if last else 0,
        articles_total=int(total),
        failures_in_row=found.failures_in_row,
        next_run=_iso(due if due and due > now else now) if source.enabled else None,
        problem=_problem(health if failing else None, reason if newest_bad else None, overdue),
        healthy=not source.enabled or not (failing or newest_bad or overdue),
        last_verdict=judged,
        last_bad_run=_iso(bad.started_at if bad else None),
        last_bad_reason=reason,
        last_node=(last.node or LOCAL) if last else None,
    )


def _result(run: CrawlRun | None, judged: str | None) -> str | None:
    if run is None:
        return None
    if run.finished_at is None:
        return judged
    return run.killed_by or run.finish_reason


def _problem(failing: SourceHealth | None, newest_bad: str | None, overdue: bool) -> str | None:
    if failing is not None and failing.last_problem:
        return failing.last_problem
    if newest_bad:
        return newest_bad
    return "overdue: is the daemon or cron running?" if overdue else None


def report(config: Config, engine: Engine, now: datetime | None = None) -> dict[str, Any]:
    """The whole status as plain data; ``healthy`` is False when anything needs attention."""
    now = now or utcnow()
    successes = last_successes(engine, config.sources)
    with Session(read_only(engine)) as session:
        sources = [
            source_status(session, config, name, now, successes.get(name))
            for name in config.sources
        ]
        depth = dict(
            session.execute(select(Outbox.status, func.count()).group_by(Outbox.status)).all()
        )
        delivery = delivery_health(session, config, now, LEASE)
        elected = current(session)
    return {
        "time": _iso(now),
        "healthy": all(s.healthy for s in sources) and delivery["healthy"],
        "sources": [asdict(s) for s in sources],
        "outbox": {
            "pending": depth.get("pending", 0),
            "dead": depth.get("dead", 0),
            "sent": depth.get("sent", 0),
            "sending": depth.get("sending", 0),
            "skipped": depth.get("skipped", 0),
        },
        "delivery": delivery,
        "leader": _leader(elected),
    }


def _leader(row: Leadership | None) -> dict[str, Any] | None:
    """The current leader (holder, term, since); None before any election (SQLite)."""
    if row is None or row.holder is None:
        return None
    return {"holder": row.holder, "term": row.term, "since": _iso(row.since)}
