"""The repository API: batched look-ups and writes of articles, meetings and events.

``ArticleStore.save`` writes one batch in one transaction: new articles, their first versions and
URLs go in as bulk inserts (``storage.batch``); known articles are updated through the ORM (a new
version with a diff when the extracted content changed; the superseded version then gets its own
copy of the lead and body, which the current version shares with the article). Concurrent writers
(two crawls at once) are made safe by the unique keys (``article_urls.url_key``, ``meeting_key``,
``event_key``), a PostgreSQL advisory lock per meeting scope, and retrying the whole batch when
a unique key or a deadlock stops it.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta

from sqlalchemy import select, text, update
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from storage.batch import Plan, insert_new, table
from storage.bulk import one_of
from storage.clock import utcnow
from storage.identity import record_scope
from storage.meetings import MeetingLinker
from storage.models import Article, ArticleUrl, ArticleVersion
from storage.records import ArticleRecord, SaveResult
from storage.urls import url_key

ATTEMPTS = 4


def known_urls(session: Session, urls: Iterable[str]) -> set[str]:
    """The subset of ``urls`` already stored under any of their forms, in one query."""
    keys = {url: url_key(url) for url in urls}
    if not keys:
        return set()
    found = set(
        session.scalars(
            select(ArticleUrl.url_key).where(
                one_of(session, ArticleUrl.url_key, set(keys.values()))
            )
        )
    )
    return {url for url, key in keys.items() if key in found}


def unified_diff(old: ArticleVersion | Article, new: ArticleRecord) -> str:
    """A unified diff of the extracted title, lead and body."""
    before = f"{old.title}\n\n{old.lead}\n\n{old.body}".splitlines()
    after = f"{new.title}\n\n{new.lead}\n\n{new.body}".splitlines()
    return "\n".join(difflib.unified_diff(before, after, "before", "after", lineterm=""))


class ArticleStore:
    """Writes batches of extracted articles in one transaction each."""

    def __init__(
        self, session: Session, *, notify_max_age: timedelta = timedelta(hours=48)
    ) -> None:
        self.session = session
        self.linker = MeetingLinker(session, notify_max_age)
        self.notify_max_age = notify_max_age

    def save(self, records: Sequence[ArticleRecord]) -> SaveResult:
        """Store a batch (articles, versions, aliases, meetings, events) and commit it at once; the
        result lists the events written."""
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
        plans = [Plan.of(record) for record in records]
        existing = self._existing(plans)
        now = utcnow()
        states: list[tuple[Plan, Article | Plan, str]] = []
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
        insert_new(self.session, [plan for plan, target, state in states if state == "new"], now)
        return self._link_all(states, now)

    def _link_all(
        self, states: list[tuple[Plan, Article | Plan, str]], now: datetime
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

    def _existing(self, plans: list[Plan]) -> dict[str, Article | Plan]:
        keys = {key for plan in plans for key in plan.keys}
        rows = self.session.execute(
            select(ArticleUrl.url_key, Article)
            .join(Article)
            .where(one_of(self.session, ArticleUrl.url_key, keys))
        ).all()
        found: dict[str, Article | Plan] = {key: article for key, article in rows}
        ids = {i.rsplit(":", 1)[1] for plan in plans for i in plan.ids}
        if ids:
            sources = {plan.record.source for plan in plans}
            by_id = self.session.scalars(
                select(Article).where(
                    Article.source.in_(sources), one_of(self.session, Article.source_id, ids)
                )
            )
            found.update({f"id:{a.source}:{a.language}:{a.source_id}": a for a in by_id})
        return found

    def _update(self, article: Article, record: ArticleRecord, now: datetime) -> str:
        article.last_checked_at = now
        article.etag = record.etag or article.etag
        article.last_modified = record.last_modified or article.last_modified
        if article.content_hash == record.content_hash:
            return "unchanged"
        self._keep_superseded(article)
        article.version += 1
        self.session.add(
            ArticleVersion(
                article_id=article.id,
                version=article.version,
                fetched_at=now,
                title=record.title,
                content_hash=record.content_hash,
                diff=unified_diff(article, record),
            )
        )
        article.title, article.lead, article.body = record.title, record.lead, record.body
        article.content_hash = record.content_hash
        article.links = list(record.links) or article.links
        article.relevant = bool(record.meetings)
        article.published_at = article.published_at or record.published_at
        article.page_published_at = article.page_published_at or record.page_published_at
        return "changed"

    def _keep_superseded(self, article: Article) -> None:
        """Give the current version its own lead and body before the article is overwritten."""
        self.session.execute(
            update(ArticleVersion)
            .where(ArticleVersion.article_id == article.id)
            .where(ArticleVersion.version == article.version)
            .values(lead=article.lead, body=article.body)
        )

    def _add_aliases(
        self, article: Article, plan: Plan, existing: dict[str, Article | Plan]
    ) -> None:
        for key, url in plan.keys.items():
            if key not in existing:
                self.session.add(ArticleUrl(url_key=key, article_id=article.id, url=url))


def touch_checked(session: Session, article_ids: Iterable[int]) -> None:
    """Mark articles as checked now (a 304 Not Modified answer), in one statement."""
    ids = list(article_ids)
    if ids:
        session.execute(
            table(Article).update().where(Article.id.in_(ids)).values(last_checked_at=utcnow())
        )
        session.commit()


def article_ids_for(session: Session, urls: Iterable[str]) -> list[int]:
    """Ids of the stored articles reached by any of ``urls`` (one query)."""
    keys = {url_key(url) for url in urls}
    if not keys:
        return []
    return list(session.scalars(select(ArticleUrl.article_id).where(ArticleUrl.url_key.in_(keys))))
