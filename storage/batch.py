"""Planning and inserting a batch of new articles: identity keys computed once, three statements.

The batch takes its article ids up front (PostgreSQL: from the sequence; SQLite: after the largest
id, under the write lock that ``BEGIN IMMEDIATE`` holds), so articles, their first versions and
their URLs go in as three bulk inserts (``storage.bulk``). The URL rows carry the unique key that
makes two concurrent writers of one article collide (and retry).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, func, select, text
from sqlalchemy.orm import Session

from storage.bulk import bulk_insert
from storage.models import Article, ArticleUrl, ArticleVersion, Base
from storage.records import ArticleRecord
from storage.urls import canonical_url, source_article_id, url_key


def table(model: type[Base]) -> Table:
    """The Core table of a model."""
    return cast(Table, model.__table__)


@dataclass(eq=False)
class Plan:
    """One record with its identity keys computed once."""

    record: ArticleRecord
    keys: dict[str, str] = field(default_factory=dict)
    ids: set[str] = field(default_factory=set)
    source_id: str | None = None
    article_id: int = 0

    @classmethod
    def of(cls, record: ArticleRecord) -> Plan:
        """The keys of ``record``: one per URL form, one per source article id."""
        urls = list(dict.fromkeys([record.url, *record.aliases]))
        found = {url: source_article_id(record.source, url) for url in urls}
        ids = {*found.values(), record.source_id}
        tag = f"id:{record.source}:{record.language}:"
        keys = {url_key(url): url for url in urls}
        own = record.source_id or found[record.url]
        return cls(record, keys, {tag + i for i in ids if i}, own)


def insert_new(session: Session, plans: list[Plan], now: datetime) -> None:
    """Insert new articles, their first versions and URLs; sets each plan's ``article_id``."""
    if not plans:
        return
    for plan, article_id in zip(plans, _next_ids(session, len(plans)), strict=True):
        plan.article_id = article_id
    rows = [_article_row(plan, now) for plan in plans]
    bulk_insert(session, table(Article), rows)
    versions = [_version_row(plan, row, now) for plan, row in zip(plans, rows, strict=True)]
    bulk_insert(session, table(ArticleVersion), versions)
    urls = [
        {"url_key": key, "article_id": plan.article_id, "url": url}
        for plan in plans
        for key, url in plan.keys.items()
    ]
    bulk_insert(session, table(ArticleUrl), urls)


def _next_ids(session: Session, count: int) -> list[int]:
    """``count`` unused article ids, in one query."""
    if session.get_bind().dialect.name == "postgresql":
        query = text("SELECT nextval('articles_id_seq') FROM generate_series(1, :count)")
        return list(session.scalars(query, {"count": count}))
    first = (session.scalar(select(func.max(Article.id))) or 0) + 1
    return list(range(first, first + count))


def _version_row(plan: Plan, row: dict[str, Any], now: datetime) -> dict[str, Any]:
    """Version 1 without lead and body: while it is current, they are the article's own."""
    return {
        "article_id": plan.article_id,
        "version": 1,
        "fetched_at": now,
        "title": row["title"],
        "lead": None,
        "body": None,
        "content_hash": row["content_hash"],
        "diff": "",
    }


def _article_row(plan: Plan, now: datetime) -> dict[str, Any]:
    record = plan.record
    return {
        "id": plan.article_id,
        "url_key": next(iter(plan.keys)),
        "canonical_url": canonical_url(record.url),
        "url": record.url,
        "source": record.source,
        "source_id": plan.source_id,
        "language": record.language,
        "title": record.title,
        "lead": record.lead,
        "body": record.body,
        "author": record.author,
        "tags": list(record.tags),
        "links": list(record.links),
        "published_at": record.published_at,
        "page_published_at": record.page_published_at,
        "first_seen_at": now,
        "last_checked_at": now,
        "content_hash": record.content_hash,
        "etag": record.etag,
        "last_modified": record.last_modified,
        "relevant": bool(record.meetings),
        "version": 1,
    }
