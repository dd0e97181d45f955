"""The crawl-run extension: one ``crawl_runs`` row per run, written at open and at close.

``scrapy crawl`` exits 0 even when a spider failed, so outcomes go through the database: the daemon,
``run-once`` and ``status`` read this table. A run killed from outside keeps ``finished_at`` empty
until the launcher records who killed it.

The launcher names the run with spider arguments: ``launch_id`` (on Scrapyd its ``_job`` serves),
``node`` and ``term``, the leader's term. A run started under a term that is no longer current
(a stale leader) is recorded as ``fenced`` and closed before it crawls.
"""

from __future__ import annotations

import os
from typing import Any

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.utils.defer import deferred_from_coro
from sqlalchemy import update

from crawler.store import CrawlStore
from storage.clock import utcnow
from storage.leadership import current_term
from storage.models import CrawlRun
from storage.runs import FENCED

COUNTERS = {
    "pages": "downloader/response_count",
    "listing_pages": "akimwatch/listing_pages",
    "items": "item_scraped_count",
    "new_articles": "akimwatch/new_articles",
    "incomplete_items": "akimwatch/incomplete_items",
}


class CrawlRunExtension:
    """Records each run of a spider in the crawl-run table."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.run_id: int | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CrawlRunExtension:
        """Connect to the spider open and close signals."""
        extension = cls(crawler)
        crawler.signals.connect(extension.opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.closed, signal=signals.spider_closed)
        return extension

    def opened(self, spider: Spider) -> None:
        """Insert the run row; close the spider at once when its term is stale."""
        store = CrawlStore.for_crawler(self.crawler)
        term = _int_arg(spider, "term")
        with store.sessions() as session:
            run = CrawlRun(
                spider=spider.name,
                pid=os.getpid(),
                started_at=utcnow(),
                launch_id=_arg(spider, "launch_id") or _arg(spider, "_job"),
                node=_arg(spider, "node"),
                term=term,
            )
            fenced = term is not None and current_term(session) != term
            if fenced:
                run.finished_at, run.finish_reason = utcnow(), FENCED
            session.add(run)
            session.commit()
            self.run_id = None if fenced else run.id
        assert self.crawler.stats is not None
        self.crawler.stats.set_value("akimwatch/run_id", run.id)
        if fenced:
            spider.logger.warning("term %s is no longer the leader's: not crawling", term)
            assert self.crawler.engine is not None
            deferred_from_coro(self.crawler.engine.close_spider_async(reason=FENCED))

    def closed(self, spider: Spider, reason: str) -> None:
        """Fill in the end, the reason and the counters."""
        if self.run_id is None:
            return
        assert self.crawler.stats is not None
        stats: dict[str, Any] = self.crawler.stats.get_stats()
        values: dict[str, Any] = {name: int(stats.get(key, 0)) for name, key in COUNTERS.items()}
        values["errors"] = int(stats.get("log_count/ERROR", 0)) + int(
            stats.get("spider_exceptions/count", 0) or 0
        )
        store = CrawlStore.for_crawler(self.crawler)
        with store.sessions() as session:
            session.execute(
                update(CrawlRun)
                .where(CrawlRun.id == self.run_id)
                .values(
                    finished_at=utcnow(),
                    finish_reason=reason,
                    stats={k: _jsonable(v) for k, v in stats.items()},
                    **values,
                )
            )
            session.commit()
        store.close()


def _arg(spider: Spider, name: str) -> str | None:
    value = getattr(spider, name, None)
    return str(value) if value not in (None, "") else None


def _int_arg(spider: Spider, name: str) -> int | None:
    value = _arg(spider, name)
    return int(value) if value is not None else None


def _jsonable(value: Any) -> Any:
    if isinstance(value, int | float | str | bool) or value is None:
        return value
    return str(value)
