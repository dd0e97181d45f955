"""The meetings table: the filtered, searched, paged meetings with their reports' outlets."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, exists, false, func, select
from sqlalchemy.orm import InstrumentedAttribute, Session

import sources
from detect.names import display_name
from notify import exports as outputs
from storage.models import Article, Meeting, MeetingArticle
from web.filters import Filters
from web.search import REPORTS, matching_articles

PER_PAGE = 50


@dataclass(frozen=True)
class Page:
    """One page of the table: its rows, how many meetings match, which page of how many."""

    rows: list[dict[str, Any]]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        """How many pages the matching meetings fill (at least one)."""
        return max(1, -(-self.total // self.per_page))

    def to_dict(self) -> dict[str, Any]:
        """The page as ``/api/meetings`` returns it."""
        return {"total": self.total, "page": self.page, "pages": self.pages,
                "per_page": self.per_page, "meetings": self.rows}  # fmt: skip


def matching(filters: Filters, dialect: str, indexed: bool = False) -> Select[Any]:
    """The ids of the meetings that pass ``filters``, newest first (``indexed``: the SQLite
    search index, with its copy of the reports, is attached)."""
    query = select(Meeting.id).order_by(Meeting.local_date.desc(), Meeting.id.desc())
    if filters.region:
        query = query.where(outputs.in_region(filters.region))
    if filters.kind:
        query = query.where(Meeting.kind == filters.kind)
    if filters.since:
        query = query.where(Meeting.local_date >= filters.since)
    if filters.until:
        query = query.where(Meeting.local_date <= filters.until)
    if filters.akim:
        query = query.where(func.lower(Meeting.akim).contains(filters.akim.lower()))
    reported = (_indexed if indexed else _reported)(filters, dialect)
    if reported is not None:  # not correlated: the reports' set is computed once
        query = query.where(Meeting.id.in_(reported))
    return query


def _reported(filters: Filters, dialect: str) -> Select[Any] | None:
    """The meetings with a report that passes the source, language and search filters."""
    if not (filters.source or filters.language or filters.q):
        return None
    query = select(MeetingArticle.meeting_id)
    article = [Article.id == MeetingArticle.article_id]
    if filters.source:
        article.append(Article.source == filters.source)
    if filters.language:
        article.append(Article.language == filters.language)
    if len(article) > 1:  # by each link's article (primary key), never by scanning articles
        query = query.where(exists(select(Article.id).where(*article)))
    return _searched(query, MeetingArticle.article_id, filters, dialect)


def _indexed(filters: Filters, dialect: str) -> Select[Any] | None:
    """As :func:`_reported`, from the search index's copy of the reports."""
    if not (filters.source or filters.language or filters.q):
        return None
    query = select(REPORTS.c.meeting_id)
    if filters.source:
        query = query.where(REPORTS.c.source == filters.source)
    if filters.language:
        query = query.where(REPORTS.c.language == filters.language)
    return _searched(query, REPORTS.c.article_id, filters, dialect)


def _searched(
    query: Select[Any],
    article: ColumnElement[int] | InstrumentedAttribute[int],
    filters: Filters,
    dialect: str,
) -> Select[Any]:
    """``query`` kept to the reports whose ``article`` holds every searched word."""
    if not filters.q:
        return query
    found = matching_articles(filters.q, dialect)
    return query.where(article.in_(found) if found is not None else false())


def page(
    session: Session, filters: Filters, per_page: int = PER_PAGE, indexed: bool = False
) -> Page:
    """The page of meetings ``filters`` asks for, newest first. Filtered by reports, every
    matching id is read once (the reports' filter runs once); else a count and the page's ids
    come from the date index."""
    query = matching(filters, session.get_bind().dialect.name, indexed)
    start = (filters.page - 1) * per_page
    if filters.source or filters.language or filters.q:
        ids = list(session.scalars(query))
        total, shown = len(ids), ids[start : start + per_page]
    else:
        total = int(session.scalar(select(func.count()).select_from(query.subquery())) or 0)
        shown = list(session.scalars(query.limit(per_page).offset(start)))
    loaded = {m.id: m for m in session.scalars(select(Meeting).where(Meeting.id.in_(shown)))}
    reports = _reports(session, shown)
    return Page([row(loaded[i], reports[i]) for i in shown], total, filters.page, per_page)


def _reports(session: Session, ids: list[int]) -> dict[int, list[tuple[str, str]]]:
    """Each meeting's reports as (source, language), one query."""
    found: dict[int, list[tuple[str, str]]] = defaultdict(list)
    if ids:
        rows = session.execute(
            select(MeetingArticle.meeting_id, Article.source, Article.language)
            .join(Article, Article.id == MeetingArticle.article_id)
            .where(MeetingArticle.meeting_id.in_(ids))
        ).all()
        for meeting_id, source, language in rows:
            found[meeting_id].append((source, language))
    return found


def row(meeting: Meeting, reports: list[tuple[str, str]]) -> dict[str, Any]:
    """One meeting as a row of the table (and of ``/api/meetings``)."""
    return {
        "id": meeting.id,
        "key": meeting.meeting_key,
        "date": meeting.local_date.isoformat(),
        "region": meeting.region,
        "regions": list(meeting.regions or []),
        "akim": display_name(meeting.akim, "ru"),
        "kind": meeting.kind,
        "title": meeting.title,
        "reports": len(reports),
        "outlets": sorted({sources.outlet(source) for source, _ in reports}),
        "languages": sorted({language for _, language in reports}),
    }


def regions(session: Session) -> list[str]:
    """The regions meetings are stored under, for the filter's choices."""
    found = session.scalars(select(Meeting.region).where(Meeting.region.is_not(None)).distinct())
    return sorted(r for r in found if r)
