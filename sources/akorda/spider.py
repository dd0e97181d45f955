"""Akorda: the ``/ru``, ``/kz`` and ``/en`` events listings, their RSS feeds and article pages.

``-a host=mirror.akorda.kz`` (or the ``AKIMWATCH_AKORDA_HOST`` setting) crawls the mirror, which
also carries the old site's id-less URLs.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Iterator
from typing import Any

import scrapy
from scrapy.http import Response

from crawler.spiders.base import ListingSpider
from crawler.store import CrawlStore
from sources.akorda import pages as akorda

DEFAULT_HOST = "www.akorda.kz"


class AkordaSpider(ListingSpider):
    """The President's site in three languages."""

    name = "akorda"
    source = "akorda"
    allowed_domains = ["akorda.kz"]  # noqa: RUF012 (Scrapy reads a list)
    listing_page = akorda.ListingPage
    article_page = akorda.ArticlePage

    def __init__(self, *args: Any, host: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.host_arg = host

    @property
    def host(self) -> str:
        """The host to crawl: the spider argument, the setting, else www.akorda.kz."""
        return self.host_arg or self.settings.get("AKIMWATCH_AKORDA_HOST") or DEFAULT_HOST

    def base(self, language: str) -> str:
        """``https://<host>/<ru|kz|en>``."""
        return f"https://{self.host}/{akorda.PATH_LANGUAGE[language]}"

    async def start(self) -> AsyncIterator[Any]:
        """The RSS feed of every language first; its answer starts the events listing, so an
        article in both is requested with the feed's precise date."""
        for language in self.languages:
            yield scrapy.Request(
                f"{self.base(language)}/rss",
                callback=self.parse_feed,
                errback=self.feed_failed,
                dont_filter=True,
                cb_kwargs={"language": language},
                meta={"akimwatch_listing": True, "handle_httpstatus_all": True},
            )

    def listing_requests(self, language: str, page: int) -> Iterable[scrapy.Request]:
        """``/events`` for the first page, ``/events?page=N`` after it."""
        url = f"{self.base(language)}/events"
        yield self.listing_request(url if page == 1 else f"{url}?page={page}", language, page)

    def parse_feed(self, response: Response, language: str) -> Iterator[scrapy.Request]:
        """Request the unknown articles of the RSS feed (an extra listing that never paginates;
        the events listing decides how deep to go), then the first events page."""
        assert self.crawler.stats is not None
        if response.status == 200:  # an error page is no listing (a run judged by what it got)
            self.crawler.stats.inc_value("akimwatch/listing_pages")
        feed = akorda.FeedPage(response).to_record() if response.status == 200 else []
        entries = [e for e in feed if self._allowed(e.url) and self._in_range(e)]
        known = CrawlStore.for_crawler(self.crawler).known(e.url for e in entries)
        for entry in entries:
            if entry.url not in known:
                yield self.article_request(entry, language)
        yield from self.listing_requests(language, 1)

    def feed_failed(self, failure: Any) -> Iterator[scrapy.Request]:
        """No feed: the events listing alone."""
        self.logger.warning("akorda RSS failed: %s", failure.value)
        yield from self.listing_requests(failure.request.cb_kwargs["language"], 1)
