"""A one-line progress display for crawls run by hand on a terminal (a backfill can take hours).

``scrapy crawl NAME -a since=2024-01-01`` on a terminal rewrites one line on stderr every
``PROGRESS_INTERVAL`` seconds: pages fetched, articles scraped and stored as new, errors. It is off
(``NotConfigured``) when stderr is not a terminal, as under the daemon, cron or a test, or when
``PROGRESS_ENABLED`` is false.
"""

from __future__ import annotations

import sys
from typing import IO

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.statscollectors import StatsCollector
from twisted.internet import task


def progress_line(name: str, stats: dict[str, object]) -> str:
    """What the display shows for a spider's current stats."""

    def count(key: str) -> int:
        value = stats.get(key, 0)
        return value if isinstance(value, int) else 0

    return (
        f"{name}: {count('downloader/response_count')} pages, "
        f"{count('item_scraped_count')} articles ({count('akimwatch/new_articles')} new), "
        f"{count('log_count/ERROR')} errors"
    )


class ProgressExtension:
    """Rewrites one status line on a terminal while the spider runs."""

    def __init__(self, stats: StatsCollector, interval: float, out: IO[str]) -> None:
        self.stats = stats
        self.interval = interval
        self.out = out
        self.loop: task.LoopingCall | None = None
        self.name = ""

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ProgressExtension:
        """On only when stderr is a terminal and ``PROGRESS_ENABLED`` is true."""
        if not crawler.settings.getbool("PROGRESS_ENABLED", True) or not sys.stderr.isatty():
            raise NotConfigured
        assert crawler.stats is not None
        extension = cls(
            crawler.stats, crawler.settings.getfloat("PROGRESS_INTERVAL", 1.0), sys.stderr
        )
        crawler.signals.connect(extension.opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.closed, signal=signals.spider_closed)
        return extension

    def opened(self, spider: Spider) -> None:
        """Start redrawing."""
        self.name = spider.name
        self.loop = task.LoopingCall(self.draw)
        self.loop.start(self.interval, now=True)

    def draw(self) -> None:
        """Rewrite the line in place."""
        self.out.write("\r\x1b[K" + progress_line(self.name, self.stats.get_stats()))
        self.out.flush()

    def closed(self, spider: Spider, reason: str) -> None:
        """Stop, leaving the final counts on their own line."""
        if self.loop is not None and self.loop.running:
            self.loop.stop()
        self.draw()
        self.out.write(f" ({reason})\n")
        self.out.flush()
