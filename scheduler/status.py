"""What ``akimwatch status`` reports: per source the last run, last success, articles found,
failures in a row, next run; the outbox depth and delivery health (``notify.status``); and
whether anything is unhealthy."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from akimwatch.config import Config
from notify.dispatcher import LEASE
from notify.status import delivery_health
from scheduler.health import verdict
from scheduler.schedule import due_at, interval_seconds, last_successes
from storage.clock import utcnow
from storage.models import Article, CrawlRun, Outbox, SourceHealth

DATE_CONFLICTS = "akimwatch/date_conflicts"  # articles whose page and listing dates disagreed
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


def _iso(value: datetime | None) -> str | None:
    return value.isoformat(timespec="seconds") if value else None


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
    due = due_at(source, success)
    overdue = due is not None and now - due > timedelta(
        seconds=OVERDUE_FACTOR * interval_seconds(source, now)
    )
    failing = (health is not None and health.state == "failing") or (
        found.failures_in_row >= config.daemon.failures_before_alert
    )
    result = (
        None
        if last is None
        else ("running" if last.finished_at is None else last.killed_by or last.finish_reason)
    )
    total = session.scalar(select(func.count()).where(Article.source == name)) or 0
    return SourceStatus(
        source=name,
        enabled=source.enabled,
        state="failing" if failing else "ok",
        last_run=_iso(last.started_at if last else None),
        last_result=result,
        last_success=_iso(success),
        articles_last_run=last.new_articles if last else 0,
        date_conflicts_last_run=int((last.stats or {}).get(DATE_CONFLICTS) or 0) if last else 0,
        articles_total=int(total),
        failures_in_row=found.failures_in_row,
        next_run=_iso(due if due and due > now else now) if source.enabled else None,
        problem=(health.last_problem if health and failing else None)
        or ("overdue: is the daemon or cron running?" if overdue else None),
        healthy=not source.enabled or not (failing or overdue),
    )


def report(config: Config, engine: Engine, now: datetime | None = None) -> dict[str, Any]:
    """The whole status as plain data; ``healthy`` is False when anything needs attention."""
    now = now or utcnow()
    successes = last_successes(engine)
    with Session(engine) as session:
        sources = [
            source_status(session, config, name, now, successes.get(name))
            for name in config.sources
        ]
        depth = dict(
            session.execute(select(Outbox.status, func.count()).group_by(Outbox.status)).all()
        )
        delivery = delivery_health(session, config, now, LEASE)
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
    }
