"""Which source reported a meeting first, and how far behind it every other source followed.

A report's time is its article's publication time, except for a page that gives only its day
(stored as local midnight): then it is the time akimwatch first saw it, since midnight would put
such a page ahead of every outlet that printed a time. Each source counts once per meeting, by its
earliest report.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

import sources
from detect.dates import is_local_midnight
from storage.models import Article, MeetingArticle


@dataclass(frozen=True)
class Lead:
    """One meeting's first report per source, earliest first."""

    firsts: tuple[tuple[str, datetime], ...]

    @property
    def source(self) -> str:
        """The source that reported first."""
        return self.firsts[0][0]

    def delays(self) -> dict[str, float]:
        """Seconds each source came after the first report (0 for the first)."""
        start = self.firsts[0][1]
        return {source: (at - start).total_seconds() for source, at in self.firsts}

    def to_dict(self) -> dict[str, Any]:
        """The ``lead`` of a meeting in the payload, ``meetings --json`` and the exports."""
        delays = self.delays()
        return {
            "first": {
                "source": self.source,
                "outlet": sources.outlet(self.source),
                "at": _iso(self.firsts[0][1]),
            },
            "sources": [
                {
                    "source": source,
                    "outlet": sources.outlet(source),
                    "first_at": _iso(at),
                    "delay_seconds": round(delays[source]),
                }
                for source, at in self.firsts
            ],
        }


def reported_at(article: Article) -> datetime:
    """When the article reported its meeting (see the module's note on day-only pages)."""
    published = article.published_at
    if published is None or is_local_midnight(published):
        return article.first_seen_at
    return min(published, article.first_seen_at)


def lead_of(reports: Iterable[tuple[str, datetime]]) -> Lead | None:
    """The lead of one meeting from its (source, time) reports; None without any."""
    first: dict[str, datetime] = {}
    for source, at in reports:
        if source not in first or at < first[source]:
            first[source] = at
    ordered = sorted(first.items(), key=lambda item: (item[1], item[0]))
    return Lead(tuple(ordered)) if ordered else None


def lead_of_articles(articles: Iterable[Article]) -> Lead | None:
    """The lead of one meeting from the articles that report it."""
    return lead_of((article.source, reported_at(article)) for article in articles)


def leads(session: Session, meeting_ids: Iterable[int]) -> dict[int, Lead]:
    """The lead of each of these meetings (one query)."""
    ids = list(meeting_ids)
    if not ids:
        return {}
    rows = session.execute(
        select(MeetingArticle.meeting_id, Article)
        .join(Article, Article.id == MeetingArticle.article_id)
        .where(MeetingArticle.meeting_id.in_(ids))
    ).all()
    reports: dict[int, list[Article]] = defaultdict(list)
    for meeting_id, article in rows:
        reports[meeting_id].append(article)
    return {mid: lead for mid, found in reports.items() if (lead := lead_of_articles(found))}


@dataclass(frozen=True)
class SourceLead:
    """One source over many meetings: how often it was first, how far behind it usually was."""

    source: str
    meetings: int
    first: int
    median_delay_seconds: float

    def to_dict(self) -> dict[str, Any]:
        """A row of ``meetings --lead --json``."""
        return {"source": self.source, "outlet": sources.outlet(self.source),
                "meetings": self.meetings, "first": self.first,
                "median_delay_seconds": round(self.median_delay_seconds)}  # fmt: skip


def by_source(found: Iterable[Lead]) -> list[SourceLead]:
    """Per source: meetings it reported, how many first, its median delay behind the first
    report (0 where it was first); the most often first source on top."""
    delays: dict[str, list[float]] = defaultdict(list)
    firsts: dict[str, int] = defaultdict(int)
    for lead in found:
        firsts[lead.source] += 1
        for source, delay in lead.delays().items():
            delays[source].append(delay)
    rows = [
        SourceLead(source, len(values), firsts[source], statistics.median(values))
        for source, values in delays.items()
    ]
    return sorted(rows, key=lambda row: (-row.first, row.median_delay_seconds, row.source))


def _iso(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
