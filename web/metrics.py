"""``/metrics``: what the database holds, in the Prometheus text format, read at each scrape.

Per source: crawl runs, bad runs (judged by :func:`storage.runs.problem`, like ``status``),
failures in a row, articles, reports of meetings, the last run and last good run; meetings by
kind; the outbox by status, the age of its oldest pending entry, and per channel the dispatch
errors (entries whose last attempt failed, pending again or dead).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime

from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector, CollectorRegistry
from sqlalchemy import Engine, Select, func, select
from sqlalchemy.orm import Session

import sources
from storage.models import Article, CrawlRun, Meeting, MeetingArticle, Outbox, SourceHealth
from storage.runs import problem

STATUSES = ("pending", "sending", "sent", "dead", "skipped")


class DatabaseCollector(Collector):
    """Collects every figure from the database on each scrape (read-only)."""

    def __init__(self, engine: Engine, clock: Callable[[], datetime]) -> None:
        self.engine = engine
        self.clock = clock
        self._runs: tuple[object, ...] | None = None
        self._failures: dict[str, int] = {}

    def collect(self) -> Iterator[Metric]:
        """The metric families, from one read-only session."""
        with Session(self.engine) as session:
            yield from _sources(session, self.failures(session))
            yield from _meetings(session)
            yield from _outbox(session, self.clock())

    def failures(self, session: Session) -> dict[str, int]:
        """Finished runs judged bad, per source; judged again only when a run started or ended
        since the last scrape (judging reads every run)."""
        seen = select(func.count(), func.max(CrawlRun.id), func.count(CrawlRun.finished_at))
        runs = tuple(session.execute(seen).one())
        if runs != self._runs:
            self._runs, self._failures = runs, _failures(session)
        return self._failures


def registry(engine: Engine, clock: Callable[[], datetime]) -> CollectorRegistry:
    """A registry of its own (not the process-wide one) holding the database collector."""
    found = CollectorRegistry(auto_describe=False)
    found.register(DatabaseCollector(engine, clock))
    return found


def _counts(session: Session, query: Select[str, int]) -> dict[str, int]:
    """``name -> count`` from a query of (name, count) rows."""
    return {str(name): int(count) for name, count in session.execute(query).all()}


def _sources(session: Session, failed: dict[str, int]) -> Iterator[Metric]:
    runs = CounterMetricFamily("akimwatch_crawl_runs", "Crawl runs started", labels=["source"])
    bad = CounterMetricFamily("akimwatch_crawl_failures", "Finished runs judged bad",
                              labels=["source"])  # fmt: skip
    streak = GaugeMetricFamily("akimwatch_source_failures_in_row", "Bad runs since the last good",
                               labels=["source"])  # fmt: skip
    articles = GaugeMetricFamily("akimwatch_articles", "Articles stored", labels=["source"])
    reports = GaugeMetricFamily("akimwatch_reports", "Articles linked to meetings",
                                labels=["source"])  # fmt: skip
    started = _counts(session, select(CrawlRun.spider, func.count()).group_by(CrawlRun.spider))
    stored = _counts(session, select(Article.source, func.count()).group_by(Article.source))
    linked = _counts(
        session,
        select(Article.source, func.count())
        .join(MeetingArticle, MeetingArticle.article_id == Article.id)
        .group_by(Article.source),
    )
    health = {h.source: h.failures_in_row for h in session.scalars(select(SourceHealth))}
    for name in sources.names():
        runs.add_metric([name], started.get(name, 0))
        bad.add_metric([name], failed.get(name, 0))
        streak.add_metric([name], health.get(name, 0))
        articles.add_metric([name], stored.get(name, 0))
        reports.add_metric([name], linked.get(name, 0))
    yield from (runs, bad, streak, articles, reports)
    yield from _times(session)


def _failures(session: Session) -> dict[str, int]:
    """Finished runs judged bad, per source."""
    found: dict[str, int] = {}
    finished = select(CrawlRun).where(CrawlRun.finished_at.is_not(None))
    for run in session.scalars(finished.execution_options(yield_per=1000)):
        if problem(run) is not None:
            found[run.spider] = found.get(run.spider, 0) + 1
    return found


def _times(session: Session) -> Iterator[Metric]:
    last = GaugeMetricFamily("akimwatch_source_last_run_timestamp_seconds",
                             "Start of the newest run", labels=["source"])  # fmt: skip
    good = GaugeMetricFamily("akimwatch_source_last_success_timestamp_seconds",
                             "Last good run (source health)", labels=["source"])  # fmt: skip
    newest = session.execute(
        select(CrawlRun.spider, func.max(CrawlRun.started_at)).group_by(CrawlRun.spider)
    ).all()
    for name, at in newest:
        last.add_metric([name], at.timestamp())
    for health in session.scalars(select(SourceHealth)):
        if health.last_success_at is not None:
            good.add_metric([health.source], health.last_success_at.timestamp())
    yield from (last, good)


def _meetings(session: Session) -> Iterator[Metric]:
    meetings = GaugeMetricFamily("akimwatch_meetings", "Meetings stored", labels=["kind"])
    for kind, count in session.execute(
        select(Meeting.kind, func.count()).group_by(Meeting.kind).order_by(Meeting.kind)
    ).all():
        meetings.add_metric([kind], count)
    yield meetings


def _outbox(session: Session, now: datetime) -> Iterator[Metric]:
    depth = GaugeMetricFamily("akimwatch_outbox_entries", "Outbox entries", labels=["status"])
    counts = _counts(session, select(Outbox.status, func.count()).group_by(Outbox.status))
    for status in STATUSES:
        depth.add_metric([status], counts.get(status, 0))
    oldest = session.scalar(
        select(Outbox.created_at).where(Outbox.status == "pending").order_by(Outbox.id).limit(1)
    )
    age = GaugeMetricFamily("akimwatch_outbox_oldest_pending_age_seconds",
                            "Age of the oldest pending entry (0 when none)")  # fmt: skip
    age.add_metric([], max(0.0, (now - oldest).total_seconds()) if oldest else 0.0)
    errors = GaugeMetricFamily("akimwatch_dispatch_errors", "Entries whose last attempt failed",
                               labels=["channel"])  # fmt: skip
    failing = (Outbox.last_error.is_not(None)) & Outbox.status.in_(("pending", "dead"))
    for channel, count in session.execute(
        select(Outbox.channel, func.count()).where(failing).group_by(Outbox.channel)
    ).all():
        errors.add_metric([channel], count)
    yield from (depth, age, errors)
