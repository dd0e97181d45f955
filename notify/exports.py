"""Meetings and articles as plain rows for exports and the feed, with date and region filters.

CSV columns (documented for users):

meetings: ``meeting_key, local_date, kind, region, regions, akim, title, summary, created_at,
updated_at, article_count, sources, urls, first_source, first_reported_at, source_delays``
(``regions``, ``sources``, ``urls`` and ``source_delays`` are joined with ``" | "``; times are ISO
8601 UTC; ``local_date`` is the meeting's date in Kazakhstan; ``first_source`` reported the meeting
first, at ``first_reported_at``, and ``source_delays`` lists each source as ``source:seconds``
behind it, see :mod:`storage.lead`).

articles: ``url, canonical_url, source, language, published_at, first_seen_at, title, lead,
relevant, version, meeting_keys``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, datetime, time
from typing import Any

from sqlalchemy import ColumnElement, Select, String, cast, func, or_, select
from sqlalchemy.orm import Session, selectinload

from detect.names import display_name
from storage.lead import Lead, lead_of_articles
from storage.models import Article, Meeting, MeetingArticle

MEETING_COLUMNS = [
    "meeting_key", "local_date", "kind", "region", "regions", "akim", "title", "summary",
    "created_at", "updated_at", "article_count", "sources", "urls", "first_source",
    "first_reported_at", "source_delays",
]  # fmt: skip
ARTICLE_COLUMNS = [
    "url", "canonical_url", "source", "language", "published_at", "first_seen_at", "title",
    "lead", "relevant", "version", "meeting_keys",
]  # fmt: skip
JOIN = " | "
BATCH = 500


def _iso(value: datetime | date | None) -> str | None:
    return value.isoformat() if value is not None else None


def meeting_query(since: date | None, until: date | None, region: str | None) -> Select[Any]:
    """Meetings in a date range (Kazakh local dates) and region, oldest first."""
    query = select(Meeting).order_by(Meeting.local_date, Meeting.id)
    if since:
        query = query.where(Meeting.local_date >= since)
    if until:
        query = query.where(Meeting.local_date <= until)
    if region:
        query = query.where(in_region(region))
    return query


def in_region(region: str) -> ColumnElement[bool]:
    """A meeting in ``region``: its main region, or one of a collective meeting's regions."""
    quoted = json.dumps(region)
    return or_(Meeting.region == region, cast(Meeting.regions, String).like(f"%{quoted}%"))


def count(session: Session, query: Select[Any]) -> int:
    """How many rows a query returns."""
    return int(session.scalar(select(func.count()).select_from(query.subquery())) or 0)


def meeting_rows(
    session: Session, query: Select[Any], language: str = "ru"
) -> Iterator[dict[str, Any]]:
    """One dict per meeting, with its articles, read in batches; the akim in the nominative for
    readers of ``language``."""
    query = query.options(selectinload(Meeting.links).selectinload(MeetingArticle.article))
    for meeting in session.scalars(query.execution_options(yield_per=BATCH)):
        articles = [link.article for link in meeting.links]
        lead = lead_of_articles(articles)
        yield {
            "meeting_key": meeting.meeting_key,
            "local_date": _iso(meeting.local_date),
            "kind": meeting.kind,
            "region": meeting.region,
            "regions": list(meeting.regions or []),
            "akim": display_name(meeting.akim, language),
            "title": meeting.title,
            "summary": meeting.summary,
            "created_at": _iso(meeting.created_at),
            "updated_at": _iso(updated(meeting)),
            "article_count": len(articles),
            "sources": sorted({a.source for a in articles}),
            "urls": [a.url for a in articles],
            "articles": [article_row(a, []) for a in articles],
            **_lead_columns(lead),
        }


def _lead_columns(lead: Lead | None) -> dict[str, Any]:
    """Which source was first, when, and each source's delay behind it."""
    if lead is None:
        return {"first_source": None, "first_reported_at": None, "source_delays": [], "lead": None}
    data = lead.to_dict()
    return {
        "first_source": lead.source,
        "first_reported_at": data["first"]["at"],
        "source_delays": [f"{s['source']}:{s['delay_seconds']}" for s in data["sources"]],
        "lead": data,
    }


def updated(meeting: Meeting) -> datetime:
    """When a meeting last changed: its own update or its newest linked article."""
    stamps = [meeting.updated_at, *(link.linked_at for link in meeting.links)]
    return max(s for s in stamps if s is not None)


def article_query(since: date | None, until: date | None, region: str | None) -> Select[Any]:
    """Articles published in a date range (UTC days), optionally only those about a region."""
    query = select(Article).order_by(Article.published_at, Article.id)
    if since:
        query = query.where(Article.published_at >= datetime.combine(since, time.min))
    if until:
        query = query.where(Article.published_at <= datetime.combine(until, time.max))
    if region:
        linked = select(MeetingArticle.article_id).join(Meeting).where(in_region(region))
        query = query.where(Article.id.in_(linked))
    return query


def article_rows(session: Session, query: Select[Any]) -> Iterator[dict[str, Any]]:
    """One dict per article with the keys of the meetings it reports."""
    for article in session.scalars(query.execution_options(yield_per=BATCH)):
        keys = session.scalars(
            select(Meeting.meeting_key)
            .join(MeetingArticle)
            .where(MeetingArticle.article_id == article.id)
        ).all()
        yield article_row(article, list(keys))


def article_row(article: Article, meeting_keys: list[str]) -> dict[str, Any]:
    """One article as a plain dict."""
    return {
        "url": article.url,
        "canonical_url": article.canonical_url,
        "source": article.source,
        "language": article.language,
        "published_at": _iso(article.published_at),
        "first_seen_at": _iso(article.first_seen_at),
        "title": article.title,
        "lead": article.lead,
        "relevant": article.relevant,
        "version": article.version,
        "meeting_keys": meeting_keys,
    }


def flat(row: dict[str, Any], columns: list[str]) -> dict[str, Any]:
    """A row for CSV: lists joined, nested articles dropped."""
    return {
        name: JOIN.join(map(str, row[name])) if isinstance(row[name], list) else row[name]
        for name in columns
    }
