"""The meetings table: the filtered, searched, paged meetings with their reports' outlets."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, exists, false, func, select
from sqlalchemy.orm import Session

import sources
from detect.names import display_name
from storage.models import Article, Meeting, MeetingArticle
from web.adapters import outputs
from web.filters import Filters
from web.search import matching_articles

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


def matching(filters: Filters, dialect: str) -> Select[Any]:
    """The ids of the meetings that pass ``filters``."""
    query = select(Meeting.id)
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
    reported = _reported(filters, dialect)
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
    if filters.q:
        found = matching_articles(filters.q, dialect)
        query = query.where(MeetingArticle.article_id.in_(found) if found is not None else false())
    return query


def page(session: Session, filters: Filters, per_page: int = PER_PAGE) -> Page:
    """The page of meetings ``filters`` asks for, newest first."""
    dialect = session.get_bind().dialect.name
    ids = matching(filters, dialect)
    total = int(session.scalar(select(func.count()).select_from(ids.subquery())) or 0)
    meetings = session.scalars(
        select(Meeting)
        .where(Meeting.id.in_(ids))
        .order_by(Meeting.local_date.desc(), Meeting.id.desc())
        .limit(per_page)
        .offset((filters.page - 1) * per_page)
    ).all()
    reports = _reports(session, [m.id for m in meetings])
    return Page([row(m, reports[m.id]) for m in meetings], total, filters.page, per_page)


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
