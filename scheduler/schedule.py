"""When each source runs: triggers from the configuration, and next runs from our crawl-run table.

The daemon, ``run-once`` and ``status`` all derive "when is this source next due" from the start of
its last good run in ``crawl_runs`` (judged by ``storage.runs``, never from APScheduler's memory),
so a restart or a reboot neither skips nor doubles a run. Cron expressions are read in Kazakhstan
time (Asia/Almaty).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from core.config import Config, SourceConfig
from storage.engine import read_only
from storage.models import CrawlRun
from storage.runs import last_good_crawl

LOCAL_TZ = ZoneInfo("Asia/Almaty")


def last_successes(engine: Engine, sources: Iterable[str] | None = None) -> dict[str, datetime]:
    """Per source (``sources``, else every source in ``crawl_runs``), the start of its last good
    listing crawl, judged by :func:`storage.runs.problem`."""
    with Session(read_only(engine)) as session:
        names = list(sources) if sources is not None else _spiders(session)
        found = {name: last_good_crawl(session, name) for name in names}
    return {name: _aware(run.started_at) for name, run in found.items() if run is not None}


def _spiders(session: Session) -> list[str]:
    return list(session.scalars(select(CrawlRun.spider).distinct()))


def _aware(value: datetime) -> datetime:
    """Datetimes read back from SQLite may be naive (UTC)."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=ZoneInfo("UTC"))


def interval_seconds(source: SourceConfig, now: datetime) -> float:
    """The time between two runs (for a cron expression, between its next two fire times)."""
    if not source.cron:
        return source.every_minutes * 60
    trigger = CronTrigger.from_crontab(source.cron, timezone=LOCAL_TZ)
    first = trigger.get_next_fire_time(None, now)
    second = trigger.get_next_fire_time(first, first + timedelta(seconds=1)) if first else None
    return (second - first).total_seconds() if first and second else 86400.0


def trigger_for(source: SourceConfig, start: datetime) -> BaseTrigger:
    """The APScheduler trigger of a source; interval triggers are anchored at ``start``."""
    jitter = source.jitter_seconds or None
    if source.cron:
        return CronTrigger(**_cron_fields(source.cron), timezone=LOCAL_TZ, jitter=jitter)
    return IntervalTrigger(seconds=source.every_minutes * 60, start_date=start, jitter=jitter)


def _cron_fields(expression: str) -> dict[str, str]:
    names = ("minute", "hour", "day", "month", "day_of_week")
    return dict(zip(names, expression.split(), strict=True))


def due_at(source: SourceConfig, last_success: datetime | None) -> datetime | None:
    """When a source falls due by its schedule (None: it never succeeded, so it is due now)."""
    if last_success is None:
        return None
    if source.cron:
        trigger = CronTrigger.from_crontab(source.cron, timezone=LOCAL_TZ)
        return trigger.get_next_fire_time(None, last_success + timedelta(seconds=1))
    return last_success + timedelta(minutes=source.every_minutes)


def next_run(source: SourceConfig, last_success: datetime | None, now: datetime) -> datetime:
    """When a source should next run: ``now`` if it never succeeded or is overdue."""
    due = due_at(source, last_success)
    return now if due is None or due <= now else due


def due_sources(config: Config, engine: Engine, now: datetime) -> list[str]:
    """Enabled sources whose next run is now or past."""
    last = last_successes(engine, config.enabled_sources())
    return [
        name
        for name in config.enabled_sources()
        if next_run(config.sources[name], last.get(name), now) <= now
    ]
