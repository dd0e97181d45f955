"""The repository API: batched look-ups and writes of articles, meetings and outbox rows.

``ArticleStore.save`` writes one batch in one transaction: new articles, their first versions and
URLs go in with Core executemany inserts; known articles are updated through the ORM (a new version
with a diff when the extracted content changed). Concurrent writers (two crawls at once) are made
safe by the unique keys (``url_key``, ``meeting_key``, ``delivery_key``), a PostgreSQL advisory lock
per meeting scope, and retrying the whole batch when a unique key or a deadlock stops it.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import Table, insert, select, text
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from storage.clock import utcnow
from storage.identity import record_scope
from storage.meetings import MeetingLinker
from storage.models import Article, ArticleUrl, ArticleVersion, Base
from storage.records import ArticleRecord, Router, SaveResult
from storage.urls import canonical_url, source_article_id, url_key

ATTEMPTS = 4


def _table(model: type[Base]) -> Table:
    return cast(Table, model.__table__)


def known_urls(session: Session, urls: Iterable[str]) -> set[str]:
    """The subset of ``urls`` already stored under any of their forms, in one query."""
    keys = {url: url_key(url) for url in urls}
    if not keys:
        return set()
    found = set(
        session.scalars(
            select(ArticleUrl.url_key).where(ArticleUrl.url_key.in_(set(keys.values())))
        )
    )
    return {url for url, key in keys.items() if key in found}


def unified_diff(old: ArticleVersion | Article, new: ArticleRecord) -> str:
    """A unified diff of the extracted title, lead and body."""
    before = f"{old.title}\n\n{old.lead}\n\n{old.body}".splitlines()
    after = f"{new.title}\n\n{new.lead}\n\n{new.body}".splitlines()
    return "\n".join(difflib.unified_diff(before, after, "before", "after", lineterm=""))


@dataclass(eq=False)
class _Plan:
    """One record with its identity keys computed once."""

    record: ArticleRecord
    keys: dict[str, str] = field(default_factory=dict)
    ids: set[str] = field(default_factory=set)
    article_id: int = 0

    @classmethod
    def of(cls, record: ArticleRecord) -> _Plan:
        urls = list(dict.fromkeys([record.url, *record.aliases]))
        ids = {source_article_id(record.source, url) for url in urls} | {record.source_id}
        tag = f"id:{record.source}:{record.language}:"
        return cls(record, {url_key(url): url for url in urls}, {tag + i for i in ids if i})

    @property
    def source_id(self) -> str | None:
        return self.record.source_id or source_article_id(self.record.source, self.record.url)


class ArticleStore:
    """Writes batches of extracted articles in one transaction each."""

    def __init__(
        self, session: Session, router: Router, *, notify_max_age: timedelta = timedelta(hours=48)
    ) -> None:
        self.session = session
        self.linker = MeetingLinker(session, router)
        self.notify_max_age = notify_max_age

    def save(self, records: Sequence[ArticleRecord]) -> SaveResult:
        """Store a batch (articles, versions, aliases, meetings, outbox) and commit it at once."""
        for attempt in range(1, ATTEMPTS + 1):
            try:
                result = self._save_once(records)
                self.session.commit()
                return result
            except (IntegrityError, OperationalError):
                self.session.rollback()
                if attempt == ATTEMPTS:
                    raise
        raise AssertionError("unreachable")

    def _save_once(self, records: Sequence[ArticleRecord]) -> SaveResult:
        self._lock_scopes(records)
        plans = [_Plan.of(record) for record in records]
        existing = self._existing(plans)
        now = utcnow()
        states: list[tuple[_Plan, Article | _Plan, str]] = []
        for plan in plans:
            target = next((existing[k] for k in [*plan.keys, *plan.ids] if k in existing), None)
            state = "new" if target is None else "unchanged"
            if isinstance(target, Article):
                state = self._update(target, plan.record, now)
                self._add_aliases(target, plan, existing)
            elif target is not None:  # a second copy of an article new in this batch
                target.keys.update({k: u for k, u in plan.keys.items() if k not in existing})
            existing.update(dict.fromkeys([*plan.keys, *plan.ids], target or plan))
            states.append((plan, target or plan, state))
        self._insert_new([plan for plan, target, state in states if state == "new"], now)
        return self._link_all(states, now)

    def _link_all(
        self, states: list[tuple[_Plan, Article | _Plan, str]], now: datetime
    ) -> SaveResult:
        result = SaveResult()
        fresh = [p.article_id for p, _, s in states if s == "new" and p.record.meetings]
        query = select(Article).where(Article.id.in_(fresh))
        loaded = {a.id: a for a in self.session.scalars(query)} if fresh else {}
        for plan, target, state in states:
            setattr(result, f"{state}_articles", getattr(result, f"{state}_articles") + 1)
            if isinstance(target, Article):
                article: Article | None = target
                result.article_ids.append(target.id)
            else:
                article = loaded.get(target.article_id)
                result.article_ids.append(target.article_id)
            if article is None or state == "unchanged":
                continue
            alert = self._fresh(plan.record, now)
            self.linker.link(article, plan.record, result, alert=alert, changed=state == "changed")
        return result

    def _lock_scopes(self, records: Sequence[ArticleRecord]) -> None:
        """On PostgreSQL, serialize meeting look-up and creation per scope across processes."""
        if self.session.get_bind().dialect.name != "postgresql":
            return  # SQLite: BEGIN IMMEDIATE already serializes writers
        scopes = sorted({record_scope(m) for record in records for m in record.meetings})
        for name in scopes:
            self.session.execute(
                text("SELECT pg_advisory_xact_lock(hashtext(:name))"), {"name": f"meeting:{name}"}
            )

    def _fresh(self, record: ArticleRecord, now: datetime) -> bool:
        return record.published_at is None or now - record.published_at <= self.notify_max_age

    def _existing(self, plans: list[_Plan]) -> dict[str, Article | _Plan]:
        keys = {key for plan in plans for key in plan.keys}
        rows = self.session.execute(
            select(ArticleUrl.url_key, Article).join(Article).where(ArticleUrl.url_key.in_(keys))
        ).all()
        found: dict[str, Article | _Plan] = {key: article for key, article in rows}
        ids = {i.rsplit(":", 1)[1] for plan in plans for i in plan.ids}
        if ids:
            sources = {plan.record.source for plan in plans}
            by_id = self.session.scalars(
                select(Article).where(Article.source.in_(sources), Article.source_id.in_(ids))
            )
            found.update({f"id:{a.source}:{a.language}:{a.source_id}": a for a in by_id})
        return found

    def _insert_new(self, plans: list[_Plan], now: datetime) -> None:
        """Insert new articles, their first versions and URLs: three executemany statements."""
        if not plans:
            return
        rows = [self._row(plan, now) for plan in plans]
        self.session.execute(insert(_table(Article)), rows)
        keys = [row["url_key"] for row in rows]
        query = select(Article.url_key, Article.id).where(Article.url_key.in_(keys))
        ids = {key: article_id for key, article_id in self.session.execute(query)}
        for plan, key in zip(plans, keys, strict=True):
            plan.article_id = ids[key]
        versions = [
            {
                "article_id": p.article_id,
                "version": 1,
                "fetched_at": now,
                "diff": "",
                **{k: r[k] for k in ("title", "lead", "body", "content_hash")},
            }
            for p, r in zip(plans, rows, strict=True)
        ]
        self.session.execute(insert(_table(ArticleVersion)), versions)
        urls = [
            {"url_key": key, "article_id": p.article_id, "url": url}
            for p in plans
            for key, url in p.keys.items()
        ]
        self.session.execute(insert(_table(ArticleUrl)), urls)

    @staticmethod
    def _row(plan: _Plan, now: datetime) -> dict[str, Any]:
        record = plan.record
        return {
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
            "published_at": record.published_at,
            "first_seen_at": now,
            "last_checked_at": now,
            "content_hash": record.content_hash,
            "etag": record.etag,
            "last_modified": record.last_modified,
            "relevant": bool(record.meetings),
            "version": 1,
        }

    def _update(self, article: Article, record: ArticleRecord, now: datetime) -> str:
        article.last_checked_at = now
        article.etag = record.etag or article.etag
        article.last_modified = record.last_modified or article.last_modified
        if article.content_hash == record.content_hash:
            return "unchanged"
        article.version += 1
        self.session.add(
            ArticleVersion(
                article_id=article.id,
                version=article.version,
                fetched_at=now,
                title=record.title,
                lead=record.lead,
                body=record.body,
                content_hash=record.content_hash,
                diff=unified_diff(article, record),
            )
        )
        article.title, article.lead, article.body = record.title, record.lead, record.body
        article.content_hash = record.content_hash
        article.relevant = bool(record.meetings)
        article.published_at = article.published_at or record.published_at
        return "changed"

    def _add_aliases(
        self, article: Article, plan: _Plan, existing: dict[str, Article | _Plan]
    ) -> None:
        for key, url in plan.keys.items():
            if key not in existing:
                self.session.add(ArticleUrl(url_key=key, article_id=article.id, url=url))


def touch_checked(session: Session, article_ids: Iterable[int]) -> None:
    """Mark articles as checked now (a 304 Not Modified answer), in one statement."""
    ids = list(article_ids)
    if ids:
        session.execute(
            _table(Article).update().where(Article.id.in_(ids)).values(last_checked_at=utcnow())
        )
        session.commit()


def article_ids_for(session: Session, urls: Iterable[str]) -> list[int]:
    """Ids of the stored articles reached by any of ``urls`` (one query)."""
    keys = {url_key(url) for url in urls}
    if not keys:
        return []
    return list(session.scalars(select(ArticleUrl.article_id).where(ArticleUrl.url_key.in_(keys))))
