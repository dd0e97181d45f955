"""The repository API: batched look-ups and writes of articles, meetings and outbox rows."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.clock import utcnow
from storage.meetings import MeetingLinker
from storage.models import Article, ArticleUrl, ArticleVersion
from storage.records import ArticleRecord, Router, SaveResult
from storage.urls import canonical_url, url_key


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
        result = SaveResult()
        existing = self._existing(records)
        now = utcnow()
        for record in records:
            article, state = self._upsert(record, existing, now)
            existing.update(dict.fromkeys(self._keys(record), article))
            setattr(result, f"{state}_articles", getattr(result, f"{state}_articles") + 1)
            result.article_ids.append(article.id)
            if state == "unchanged":
                continue
            alert = self._fresh(record, now)
            self.linker.link(article, record, result, alert=alert, changed=state == "changed")
        self.session.commit()
        return result

    def _fresh(self, record: ArticleRecord, now: datetime) -> bool:
        return record.published_at is None or now - record.published_at <= self.notify_max_age

    @staticmethod
    def _keys(record: ArticleRecord) -> list[str]:
        return [url_key(url) for url in dict.fromkeys([record.url, *record.aliases])]

    def _existing(self, records: Sequence[ArticleRecord]) -> dict[str, Article]:
        keys = {key for record in records for key in self._keys(record)}
        rows = self.session.execute(
            select(ArticleUrl.url_key, Article).join(Article).where(ArticleUrl.url_key.in_(keys))
        ).all()
        found: dict[str, Article] = {key: article for key, article in rows}
        ids = {(r.source, r.source_id) for r in records if r.source_id}
        if ids:
            by_id = self.session.scalars(
                select(Article).where(
                    Article.source.in_({s for s, _ in ids}),
                    Article.source_id.in_({i for _, i in ids}),
                )
            )
            found.update({f"id:{a.source}:{a.source_id}": a for a in by_id})
        return found

    def _lookup(self, record: ArticleRecord, existing: dict[str, Article]) -> Article | None:
        for key in self._keys(record):
            if key in existing:
                return existing[key]
        return existing.get(f"id:{record.source}:{record.source_id}") if record.source_id else None

    def _upsert(
        self, record: ArticleRecord, existing: dict[str, Article], now: datetime
    ) -> tuple[Article, str]:
        article = self._lookup(record, existing)
        if article is None:
            article = self._insert(record, now)
            state = "new"
        else:
            state = self._update(article, record, now)
        self._add_aliases(article, record, existing)
        return article, state

    def _insert(self, record: ArticleRecord, now: datetime) -> Article:
        article = Article(
            url_key=url_key(record.url),
            canonical_url=canonical_url(record.url),
            url=record.url,
            source=record.source,
            source_id=record.source_id,
            language=record.language,
            title=record.title,
            lead=record.lead,
            body=record.body,
            author=record.author,
            tags=record.tags,
            published_at=record.published_at,
            first_seen_at=now,
            last_checked_at=now,
            content_hash=record.content_hash,
            etag=record.etag,
            last_modified=record.last_modified,
            relevant=bool(record.meetings),
            version=1,
        )
        self.session.add(article)
        self.session.flush()
        self.session.add(
            ArticleVersion(
                article_id=article.id,
                version=1,
                fetched_at=now,
                title=record.title,
                lead=record.lead,
                body=record.body,
                content_hash=record.content_hash,
            )
        )
        return article

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
        self, article: Article, record: ArticleRecord, existing: dict[str, Article]
    ) -> None:
        for url in dict.fromkeys([record.url, *record.aliases]):
            key = url_key(url)
            if key not in existing:
                self.session.add(ArticleUrl(url_key=key, article_id=article.id, url=url))
                existing[key] = article


def touch_checked(session: Session, article_ids: Iterable[int]) -> None:
    """Mark articles as checked now (a 304 Not Modified answer), in one statement."""
    ids = list(article_ids)
    if ids:
        session.execute(
            Article.__table__.update().where(Article.id.in_(ids)).values(last_checked_at=utcnow())
        )
        session.commit()


def article_ids_for(session: Session, urls: Iterable[str]) -> list[int]:
    """Ids of the stored articles reached by any of ``urls`` (one query)."""
    keys = {url_key(url) for url in urls}
    if not keys:
        return []
    return list(session.scalars(select(ArticleUrl.article_id).where(ArticleUrl.url_key.in_(keys))))
