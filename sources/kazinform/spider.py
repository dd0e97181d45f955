"""Kazinform: the Russian, Kazakh and English feeds (``/lenta?page=N``), with RSS as a fallback.

The feed pages are the complete, paginated source, so every run reads them. When a feed's first
page fails or yields no article (a layout change the card parser does not know yet), the language's
RSS feeds are read instead, in order, so that new articles still arrive while the parser is fixed.
Past the last page the site keeps showing the last page; the active pager item tells them apart.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

import scrapy
from scrapy.http import Response

from crawler.extract.types import ListingEntry
from crawler.spiders.base import ListingSpider
from crawler.store import CrawlStore
from sources.kazinform import pages as kazinform

FEEDS = {
    "ru": "https://www.inform.kz/ru/lenta",
    "kk": "https://kaz.inform.kz/lenta",
    "en": "https://qazinform.com/lenta",
}
RSS = {
    "ru": ("https://www.inform.kz/rss/rus.xml", "https://www.inform.kz/rss/ru.xml"),
    "kk": ("https://kaz.inform.kz/rss/kz.xml",),
    "en": ("https://qazinform.com/rss/en.xml",),
}


class KazinformSpider(ListingSpider):
    """The state news agency in three languages."""

    name = "kazinform"
    source = "kazinform"
    allowed_domains = ["inform.kz", "qazinform.com", "kazinform.kz"]  # noqa: RUF012
    article_page = kazinform.ArticlePage

    def listing_requests(self, language: str, page: int) -> Iterable[scrapy.Request]:
        """``/lenta`` for the first page, ``/lenta/?page=N`` after it."""
        base = FEEDS[language]
        url = base if page == 1 else f"{base}/?page={page}"
        errback = self.lenta_failed if page == 1 else None
        yield self.listing_request(url, language, page, errback=errback)

    def parse_entries(self, response: Response, language: str) -> list[ListingEntry]:
        """Cards of any period's markup; nothing for a repeated last page."""
        requested = response.cb_kwargs.get("page", 1)
        listing = kazinform.ListingPage(response).to_record()
        if listing.current_page is not None and listing.current_page != requested:
            self.logger.debug(
                "%s shows page %s: past the last page", response.url, listing.current_page
            )
            return []
        response.meta["akimwatch_cards"] = len(listing.entries)
        return listing.entries

    def parse_listing(self, response: Response, language: str, page: int) -> Iterator[Any]:
        """The base listing logic, then the RSS fallback when the first page held no article."""
        yield from super().parse_listing(response, language, page)
        if page == 1 and not response.meta.get("akimwatch_cards"):
            self.logger.warning("%s: no article cards found, reading RSS instead", response.url)
            yield from self.feed_requests(language, 0)

    def lenta_failed(self, failure: Any) -> Iterator[scrapy.Request]:
        """The first feed page failed: read the RSS feeds."""
        language = failure.request.cb_kwargs["language"]
        self.logger.warning("%s failed (%s), reading RSS", failure.request.url, failure.value)
        yield from self.feed_requests(language, 0)

    def feed_requests(self, language: str, index: int) -> Iterator[scrapy.Request]:
        """The ``index``-th RSS candidate of a language, if there is one."""
        assert self.crawler.stats is not None
        candidates = RSS[language]
        if index < len(candidates):
            self.crawler.stats.inc_value("akimwatch/rss_requests")
            yield scrapy.Request(
                candidates[index],
                callback=self.parse_feed,
                errback=self.feed_failed,
                dont_filter=True,
                cb_kwargs={"language": language, "index": index},
                meta={"akimwatch_listing": True},
            )

    def parse_feed(self, response: Response, language: str, index: int) -> Iterator[Any]:
        """Request the feed's unknown articles; an empty feed falls through to the next one."""
        assert self.crawler.stats is not None
        entries = [
            e
            for e in kazinform.FeedPage(response).to_record()
            if self._allowed(e.url) and self._in_range(e)
        ]
        self.crawler.stats.inc_value("akimwatch/feed_pages")  # what the run got (storage.runs)
        self.crawler.stats.inc_value("akimwatch/feed_entries", len(entries))
        if not entries:
            yield from self.feed_requests(language, index + 1)
            return
        known = CrawlStore.for_crawler(self.crawler).known(e.url for e in entries)
        for entry in entries:
            if entry.url not in known:
                yield self.article_request(entry, language)

    def feed_failed(self, failure: Any) -> Iterator[scrapy.Request]:
        """This RSS URL failed (404 or network): try the next one."""
        kwargs = failure.request.cb_kwargs
        yield from self.feed_requests(kwargs["language"], kwargs["index"] + 1)
