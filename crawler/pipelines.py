"""The store pipeline: detect meetings in each extracted article and store items in batches."""

from __future__ import annotations

import logging
from dataclasses import replace
from zoneinfo import ZoneInfo

from scrapy import Spider
from scrapy.crawler import Crawler
from scrapy.statscollectors import StatsCollector

from crawler.store import CrawlStore
from detect import Meeting, detect
from detect.gazetteer import gazetteer
from storage.clock import utcnow
from storage.records import ArticleRecord, SaveResult

logger = logging.getLogger(__name__)
ALMATY = ZoneInfo("Asia/Almaty")


def to_record(item: ArticleRecord, meetings: list[Meeting]) -> ArticleRecord:
    """The item with the meetings detected in it, completed for storage: undated ones take the
    article's date, ``akim_known`` tells a gazetteer person from a name as written."""
    fallback = (item.published_at or utcnow()).astimezone(ALMATY).date()
    people = gazetteer().people
    completed = [replace(m, date=m.date or fallback, akim_known=m.akim in people) for m in meetings]
    return replace(item, meetings=completed)


class StorePipeline:
    """Buffers items and writes them in batches: one transaction per batch, never per item."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.batch_size = crawler.settings.getint("AKIMWATCH_STORE_BATCH_SIZE", 50)
        self.buffer: list[ArticleRecord] = []
        self.last_flush = utcnow()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StorePipeline:
        """Build from the crawler's settings."""
        return cls(crawler)

    @property
    def stats(self) -> StatsCollector:
        assert self.crawler.stats is not None
        return self.crawler.stats

    def process_item(self, item: ArticleRecord, spider: Spider | None = None) -> ArticleRecord:
        """Detect, buffer, and flush when the batch is full or a few seconds old."""
        missing = item.missing_fields()
        if missing:
            self.stats.inc_value("akimwatch/incomplete_items")
            logger.warning("%s: extraction found no %s", item.url, ", ".join(missing))
        published = item.published_at or utcnow()
        meetings = detect(
            item.title, f"{item.lead}\n{item.body}", published=published, language=item.language
        )
        self.buffer.append(to_record(item, meetings))
        if len(self.buffer) >= self.batch_size or (utcnow() - self.last_flush).total_seconds() > 5:
            self.flush()
        return item

    def flush(self) -> None:
        """Write the buffered records in one transaction and count what happened."""
        if not self.buffer:
            return
        batch, self.buffer = self.buffer, []
        result = CrawlStore.for_crawler(self.crawler).save(batch)
        self.last_flush = utcnow()
        self._count(result)

    def _count(self, result: SaveResult) -> None:
        for name, value in result.counts().items():
            self.stats.inc_value(f"akimwatch/{name}", value)

    def close_spider(self, spider: Spider | None = None) -> None:
        """Write what is left."""
        self.flush()
