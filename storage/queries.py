"""Read-side queries: articles due for a re-check, meetings with their articles, article history."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import String, cast, func, or_, select
from sqlalchemy.orm import Session, selectinload

from storage.models import Article, ArticleUrl, Meeting, MeetingArticle
from storage.urls import url_key


@dataclass(frozen=True)
class Due:
    """A stored article to fetch again, with the validators of its last answer."""

    url: str
    language: str
    title: str
    published_at: datetime | None
    etag: str | None
    last_modified: str | None
    body: str | None = None  # to tell a text stored cut short (fetched again unconditionally)


def due_for_recheck(
    session: Session, source: str, since: datetime, languages: list[str] | None = None
) -> list[Due]:
    """The source's articles published (or first seen) since ``since``, newest first."""
    when = func.coalesce(Article.published_at, Article.first_seen_at)
    query = select(Article).where(Article.source == source, when >= since)
    if languages:
        query = query.where(Article.language.in_(languages))
    return [
        Due(a.url, a.language, a.title, a.published_at, a.etag, a.last_modified, a.body)
        for a in session.scalars(query.order_by(when.desc()))
    ]


def find_meetings(
    session: Session,
    *,
    region: str | None = None,
    since: date | None = None,
    until: date | None = None,
    kind: str | None = None,
) -> list[Meeting]:
    """Meetings matching the filters (a region matches collective meetings that include it)."""
    query = select(Meeting).options(
        selectinload(Meeting.links).selectinload(MeetingArticle.article)
    )
    if region:
        query = query.where(
            or_(Meeting.region == region, cast(Meeting.regions, String).contains(f'"{region}"'))
        )
    if since:
        query = query.where(Meeting.local_date >= since)
    if until:
        query = query.where(Meeting.local_date <= until)
    if kind:
        query = query.where(Meeting.kind == kind)
    meetings = list(session.scalars(query.order_by(Meeting.local_date, Meeting.id)))
    if region:  # JSON containment is a text match: confirm it
        meetings = [m for m in meetings if m.region == region or region in m.regions]
    return meetings


def article_by_url(session: Session, url: str) -> Article | None:
    """The stored article reached by ``url`` (any of its forms), with its versions loaded."""
    return session.scalar(
        select(Article)
        .join(ArticleUrl, ArticleUrl.article_id == Article.id)
        .where(ArticleUrl.url_key == url_key(url))
        .options(selectinload(Article.versions))
    )
