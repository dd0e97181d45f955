"""The crawl's one handle on the database, shared by spiders (look-ups) and the store pipeline."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from scrapy.crawler import Crawler
from sqlalchemy import Engine, select

from storage.engine import make_engine, read_only, session_factory
from storage.migrate import check_schema
from storage.models import CrawlRun
from storage.records import ArticleRecord, SaveResult
from storage.repository import ArticleStore, article_ids_for, known_urls, touch_checked
from storage.runs import LOOKBACK, is_good, is_recheck

ATTR = "_akimwatch_store"


class CrawlStore:
    """Batched look-ups and writes for one crawl."""

    def __init__(self, engine: Engine, notify_max_age: timedelta) -> None:
        check_schema(engine)
        self.engine = engine
        self.sessions = session_factory(engine)
        self.read_sessions = session_factory(read_only(engine))  # look-ups: no write lock
        self.notify_max_age = notify_max_age

    @classmethod
    def for_crawler(cls, crawler: Crawler) -> CrawlStore:
        """The crawler's store, created on first use from its settings."""
        store = getattr(crawler, ATTR, None)
        if store is None:
            settings = crawler.settings
            engine = make_engine(settings.get("AKIMWATCH_DATABASE_URL"))
            hours = settings.getfloat("AKIMWATCH_NOTIFY_MAX_AGE_HOURS", 48)
            store = cls(engine, timedelta(hours=hours))
            setattr(crawler, ATTR, store)
        return store

    def known(self, urls: Iterable[str]) -> set[str]:
        """The URLs among ``urls`` that are stored already (one query)."""
        with self.read_sessions() as session:
            return known_urls(session, urls)

    def save(self, records: list[ArticleRecord]) -> SaveResult:
        """Store a batch in one transaction (with the events it gives rise to)."""
        with self.sessions() as session:
            return ArticleStore(session, notify_max_age=self.notify_max_age).save(records)

    def previous_run_clean(self, spider: str, before_id: int | None) -> bool:
        """Whether the listing crawl of ``spider`` before ``before_id`` was a good run (else:
        resume), judged by :func:`storage.runs.problem` like everywhere else."""
        query = select(CrawlRun).where(CrawlRun.spider == spider)
        if before_id is not None:
            query = query.where(CrawlRun.id < before_id)
        with self.read_sessions() as session:
            runs = session.scalars(query.order_by(CrawlRun.id.desc()).limit(LOOKBACK))
            previous = next((run for run in runs if not is_recheck(run)), None)
            return previous is None or is_good(previous)

    def not_modified(self, urls: Iterable[str]) -> None:
        """Record that these stored URLs answered 304 Not Modified."""
        with self.sessions() as session:
            touch_checked(session, article_ids_for(session, urls))

    def close(self) -> None:
        """Release connections."""
        self.engine.dispose()
