"""Change monitoring: fetch a source's recent articles again with conditional requests.

``scrapy crawl NAME -a recheck=1`` runs this pass instead of the listing crawl. Each stored article
of the source younger than ``crawl.recheck_max_age_hours`` is requested with its stored validators
(the conditional-requests middleware turns them into ``If-None-Match`` / ``If-Modified-Since``).
An article whose stored text ends mid-sentence (it may have been stored cut short) is requested
without validators, so a whole page replaces it. A ``304`` is "unchanged" (its
``last_checked_at`` is touched); a ``200`` goes through extraction and the store pipeline like
any article, where a changed hash of the extracted title and text makes a new version; an error is
counted and logged as an error, never taken as "unchanged".

The callbacks are spider methods (:class:`Recheck` is a mixin of the listing spider), so the
requests serialise and a crawl with ``JOBDIR`` can be paused and resumed.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import scrapy
from scrapy.crawler import Crawler
from scrapy.http import Response
from scrapy.settings import BaseSettings
from twisted.python.failure import Failure

from crawler.completeness import looks_cut
from crawler.extract.types import ListingEntry
from crawler.store import CrawlStore
from storage.clock import utcnow
from storage.queries import due_for_recheck

logger = logging.getLogger(__name__)
SETTING = "AKIMWATCH_RECHECK_MAX_AGE_HOURS"


class Recheck:
    """The re-check pass of a listing spider (mixed into :class:`ListingSpider`)."""

    crawler: Crawler
    settings: BaseSettings
    source: str

    @property
    def languages(self) -> list[str]:
        """Languages to re-check (the spider's)."""
        raise NotImplementedError

    def parse_article(
        self, response: Response, language: str, entry: ListingEntry
    ) -> Iterator[Any]:
        """Extract and store an article (the spider's)."""
        raise NotImplementedError

    def recheck_window(self) -> timedelta:
        """The re-check window (``crawl.recheck_max_age_hours``, through the Scrapy settings)."""
        return timedelta(hours=self.settings.getfloat(SETTING, 72))

    def recheck_requests(self) -> Iterator[scrapy.Request]:
        """One conditional request per stored article of the source inside the window."""
        store = CrawlStore.for_crawler(self.crawler)
        since = utcnow() - self.recheck_window()
        with store.read_sessions() as session:
            due = due_for_recheck(session, self.source, since, self.languages)
        self._count("akimwatch/recheck_requests", len(due))
        for article in due:
            validators = {"etag": article.etag, "last_modified": article.last_modified}
            if looks_cut(article.body):  # maybe stored cut short: a 304 must not keep it so
                self._count("akimwatch/recheck_unconditional")
                validators = {}
            entry = ListingEntry(article.url, article.title, article.published_at)
            yield scrapy.Request(
                article.url,
                callback=self.parse_recheck,
                errback=self.recheck_failed,
                cb_kwargs={"language": article.language, "entry": entry},
                meta={
                    "akimwatch_validators": {k: v for k, v in validators.items() if v},
                    "handle_httpstatus_list": [304],
                },
                dont_filter=True,
            )

    def parse_recheck(
        self, response: Response, language: str, entry: ListingEntry
    ) -> Iterator[Any]:
        """304: record the check; otherwise extract and store the article as usual."""
        if response.status == 304:
            self._count("akimwatch/recheck_not_modified")
            CrawlStore.for_crawler(self.crawler).not_modified([entry.url])
            return
        self._count("akimwatch/recheck_fetched")
        yield from self.parse_article(response, language, entry)

    def recheck_failed(self, failure: Failure) -> None:
        """A failed re-check is an error: counted and logged, the article is not marked checked."""
        self._count("akimwatch/recheck_errors")
        request = getattr(failure, "request", None)
        logger.warning("re-check of %s failed: %s", getattr(request, "url", "?"), failure.value)

    def _count(self, key: str, count: int = 1) -> None:
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value(key, count)
