"""The crawl-run extension: one ``crawl_runs`` row per run, written at open and at close.

``scrapy crawl`` exits 0 even when a spider failed, so outcomes go through the database: the daemon,
``run-once`` and ``status`` read this table. A run killed from outside keeps ``finished_at`` empty
until the launcher records who killed it.
"""

from __future__ import annotations

import os
from typing import Any

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from sqlalchemy import update

from crawler.store import CrawlStore
from storage.clock import utcnow
from storage.models import CrawlRun

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
        """Insert the run row."""
        store = CrawlStore.for_crawler(self.crawler)
        with store.sessions() as session:
            run = CrawlRun(spider=spider.name, pid=os.getpid(), started_at=utcnow())
            session.add(run)
            session.commit()
            self.run_id = run.id
        assert self.crawler.stats is not None
        self.crawler.stats.set_value("akimwatch/run_id", self.run_id)

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


def _jsonable(value: Any) -> Any:
    if isinstance(value, int | float | str | bool) or value is None:
        return value
    return str(value)
