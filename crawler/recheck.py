"""Change monitoring: fetch a source's recent articles again with conditional requests.

``scrapy crawl NAME -a recheck=1`` runs this pass instead of the listing crawl. Each stored article
of the source younger than ``crawl.recheck_max_age_hours`` is requested with its stored validators
(the conditional-requests middleware turns them into ``If-None-Match`` / ``If-Modified-Since``).
An article whose stored text ends mid-sentence (it may have been stored cut short) is requested
without validators, so a whole page replaces it. A ``304`` is "unchanged" (its
``last_checked_at`` is touched); a ``200`` goes through extraction and the store pipeline like
any article, where a changed hash of the extracted title and text makes a new version; an error is
counted and logged as an error, never taken as "unchanged".
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import timedelta
from functools import partial
from typing import TYPE_CHECKING, Any

import scrapy
from scrapy.http import Response
from twisted.python.failure import Failure

from crawler.completeness import looks_cut
from crawler.extract.types import ListingEntry
from crawler.store import CrawlStore
from storage.clock import utcnow
from storage.queries import due_for_recheck

if TYPE_CHECKING:
    from crawler.spiders.base import ListingSpider

logger = logging.getLogger(__name__)
SETTING = "AKIMWATCH_RECHECK_MAX_AGE_HOURS"


def max_age(spider: ListingSpider) -> timedelta:
    """The re-check window (``crawl.recheck_max_age_hours``, through the Scrapy settings)."""
    return timedelta(hours=spider.settings.getfloat(SETTING, 72))


def recheck_requests(spider: ListingSpider) -> Iterator[scrapy.Request]:
    """One conditional request per stored article of the spider's source inside the window."""
    store = CrawlStore.for_crawler(spider.crawler)
    with store.read_sessions() as session:
        due = due_for_recheck(session, spider.source, utcnow() - max_age(spider), spider.languages)
    _stats(spider, "akimwatch/recheck_requests", len(due))
    for article in due:
        validators = {"etag": article.etag, "last_modified": article.last_modified}
        if looks_cut(article.body):  # maybe stored cut short: a 304 must not keep it so
            _stats(spider, "akimwatch/recheck_unconditional")
            validators = {}
        entry = ListingEntry(article.url, article.title, article.published_at)
        yield scrapy.Request(
            article.url,
            callback=partial(parse_recheck, spider),
            errback=partial(recheck_failed, spider),
            cb_kwargs={"language": article.language, "entry": entry},
            meta={
                "akimwatch_validators": {k: v for k, v in validators.items() if v},
                "handle_httpstatus_list": [304],
            },
            dont_filter=True,
        )


def parse_recheck(
    spider: ListingSpider, response: Response, language: str, entry: ListingEntry
) -> Iterator[Any]:
    """304: record the check; otherwise extract and store the article as usual."""
    if response.status == 304:
        _stats(spider, "akimwatch/recheck_not_modified")
        CrawlStore.for_crawler(spider.crawler).not_modified([entry.url])
        return
    _stats(spider, "akimwatch/recheck_fetched")
    yield from spider.parse_article(response, language, entry)


def recheck_failed(spider: ListingSpider, failure: Failure) -> None:
    """A failed re-check is an error: counted and logged, the article is not marked checked."""
    _stats(spider, "akimwatch/recheck_errors")
    request = getattr(failure, "request", None)
    logger.warning("re-check of %s failed: %s", getattr(request, "url", "?"), failure.value)


def _stats(spider: ListingSpider, key: str, count: int = 1) -> None:
    if spider.crawler.stats is not None:
        spider.crawler.stats.inc_value(key, count)
