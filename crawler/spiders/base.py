"""The incremental listing spider every source builds on: spiders route requests, nothing else.

Each run fetches listing pages, looks their article URLs up in one batched query, fetches only the
unknown ones, and stops paginating once a page holds nothing new (entries already seen earlier in
the run, such as pinned posts, don't count). When the previous run did not finish (killed, crashed)
it goes on to the page limit instead, so the next run continues where that one stopped.
``-a since=YYYY-MM-DD`` backfills page by page down to that date.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Iterator
from datetime import date
from typing import Any, ClassVar

import scrapy
from scrapy.downloadermiddlewares.retry import get_retry_request
from scrapy.http import Response

from crawler.completeness import not_the_article
from crawler.extract.dates import ALMATY
from crawler.extract.page import ArticlePage, Page
from crawler.extract.published import Reconciled, reconcile
from crawler.extract.records import article_record
from crawler.extract.types import Extracted, ListingEntry
from crawler.middlewares.offsite import within
from crawler.middlewares.retry import BACKOFF_META
from crawler.recheck import Recheck
from crawler.store import CrawlStore
from storage.records import ArticleRecord

BACKFILL_MAX_PAGES = 2000
LISTING_DATE = "akimwatch_listing_published"


class ListingSpider(Recheck, scrapy.Spider):
    """Base class: subclasses say how to build listing URLs and which page objects read the
    listing and article responses (``listing_page``, ``article_page``)."""

    source: str = ""
    allowed_domains: ClassVar[list[str]] = []
    listing_page: ClassVar[type[Page[list[ListingEntry]]]]
    article_page: ClassVar[type[ArticlePage]]

    def __init__(
        self,
        *args: Any,
        since: str | None = None,
        languages: str | None = None,
        max_pages: str | None = None,
        recheck: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.since: date | None = date.fromisoformat(since) if since else None
        self.only_languages = languages.split(",") if languages else None
        self.max_pages_arg = int(max_pages) if max_pages else None
        self.recheck = recheck not in (None, "", "0", "false")
        self.seen: set[str] = set()
        self.resume = False

    # -- what a source provides -------------------------------------------------------------
    def listing_requests(self, language: str, page: int) -> Iterable[scrapy.Request]:
        """Requests for listing page ``page`` (1-based) in ``language``."""
        raise NotImplementedError

    def parse_entries(self, response: Response, language: str) -> list[ListingEntry]:
        """The article entries of a listing response (its ``listing_page``)."""
        return self.listing_page(response).to_record()

    def extract(self, response: Response, language: str) -> Extracted:
        """The article's fields from its page (its ``article_page``)."""
        return self.article_page(response, language).to_record()

    # -- routing ----------------------------------------------------------------------------
    @property
    def languages(self) -> list[str]:
        """Languages to crawl: the spider argument, else the configuration."""
        configured = self.settings.getdict("AKIMWATCH_SOURCE_LANGUAGES").get(self.name)
        return self.only_languages or list(configured or ["ru", "kk", "en"])

    @property
    def max_pages(self) -> int:
        """How deep one run may paginate."""
        if self.max_pages_arg:
            return self.max_pages_arg
        if self.since:
            return BACKFILL_MAX_PAGES
        return self.settings.getint("AKIMWATCH_MAX_LISTING_PAGES", 5)

    async def start(self) -> AsyncIterator[Any]:
        """First listing page of every language (or, with ``-a recheck=1``, the re-check pass)."""
        assert self.crawler.stats is not None
        if self.recheck:
            for request in self.recheck_requests():
                yield request
            return
        run_id = self.crawler.stats.get_value("akimwatch/run_id")
        self.resume = not CrawlStore.for_crawler(self.crawler).previous_run_clean(self.name, run_id)
        if self.resume:
            self.logger.info("the previous run did not finish: paginating to the page limit")
        if not self.languages:  # judged a good run: nothing was asked for (storage.runs)
            self.crawler.stats.set_value("akimwatch/nothing_to_crawl", 1)
            self.logger.warning("%s: none of the configured languages to crawl", self.name)
        for language in self.languages:
            for request in self.listing_requests(language, 1):
                yield request

    def listing_request(self, url: str, language: str, page: int, **kwargs: Any) -> scrapy.Request:
        """A listing request routed to :meth:`parse_listing`."""
        return scrapy.Request(
            url,
            callback=self.parse_listing,
            dont_filter=True,
            cb_kwargs={"language": language, "page": page},
            meta={"akimwatch_listing": True},
            **kwargs,
        )

    def parse_listing(self, response: Response, language: str, page: int) -> Iterator[Any]:
        """Request the unknown articles of a listing page; go on to the next page if needed."""
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value("akimwatch/listing_pages")
        parsed = self.parse_entries(response, language)
        if page == 1 and not parsed:  # a first page without entries: the layout may have changed
            self.crawler.stats.inc_value("akimwatch/empty_listings")
        entries = [e for e in parsed if self._allowed(e.url)]
        fresh = [e for e in entries if e.url not in self.seen]
        self.seen.update(e.url for e in entries)
        in_range = [e for e in fresh if self._in_range(e)]
        known = CrawlStore.for_crawler(self.crawler).known(e.url for e in in_range)
        unknown = [e for e in in_range if e.url not in known]
        self.crawler.stats.inc_value("akimwatch/listing_entries", len(entries))
        for entry in unknown:
            yield self.article_request(entry, language)
        if self._go_on(fresh, unknown, page):
            yield from self.next_page_requests(response, language, page)

    def next_page_requests(
        self, response: Response, language: str, page: int
    ) -> Iterable[scrapy.Request]:
        """The page after ``response`` (sources with several listings per language override it)."""
        return self.listing_requests(language, page + 1)

    def article_request(self, entry: ListingEntry, language: str) -> scrapy.Request:
        """A request for an article page, carrying what the listing knew about it (its date in
        ``meta``, to weigh against the page's)."""
        return scrapy.Request(
            entry.url,
            callback=self.parse_article,
            cb_kwargs={"language": language, "entry": entry},
            meta={LISTING_DATE: entry.published_at},
        )

    def _go_on(self, fresh: list[ListingEntry], unknown: list[ListingEntry], page: int) -> bool:
        if not fresh or page >= self.max_pages:
            return False
        if self.since is not None:
            dated = [e.published_at for e in fresh if e.published_at]
            return not dated or min(dated).astimezone(ALMATY).date() >= self.since
        return bool(unknown) or self.resume

    def _in_range(self, entry: ListingEntry) -> bool:
        if self.since is None or entry.published_at is None:
            return True
        return entry.published_at.astimezone(ALMATY).date() >= self.since

    def _allowed(self, url: str) -> bool:
        return within(scrapy.utils.url.parse_url(url).hostname or "", self.allowed_domains)

    def parse_article(
        self, response: Response, language: str, entry: ListingEntry
    ) -> Iterator[Any]:
        """Extract the article and yield it as an item; an answer that is not the article (a
        block page, a page cut short, a page without the article) is a failed fetch instead."""
        why = not_the_article(response)
        extracted = None if why else self.extract(response, language)
        if extracted is not None and not (extracted.title or extracted.body):
            why = "empty"
        if extracted is None or why:
            yield from self.fetch_failed(response, why or "empty")
            return
        yield self.make_item(response, extracted, entry, language)

    def fetch_failed(self, response: Response, why: str) -> Iterator[scrapy.Request]:
        """Count a response that is not what was asked for (the article, an API page) and fetch
        it again after a pause, up to ``RETRY_TIMES`` (then it is given up, logged as an error,
        nothing stored)."""
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value("akimwatch/not_article")
        self.crawler.stats.inc_value(f"akimwatch/not_article/{why}")
        self.logger.warning("%s: not the article (%s)", response.url, why)
        request = response.request
        assert request is not None
        retry = get_retry_request(request, spider=self, reason=f"not_article/{why}")
        if retry is None:
            self.crawler.stats.inc_value("akimwatch/not_article_given_up")
            return
        retry.meta[BACKOFF_META] = True
        yield retry

    def make_item(
        self, response: Response, extracted: Extracted, entry: ListingEntry, language: str
    ) -> ArticleRecord:
        """The item: the extracted fields, gaps filled from the listing entry, the response's
        validators and the URLs that redirected to it."""
        return article_record(
            extracted,
            entry,
            source=self.source,
            language=language,
            url=response.url,
            dated=self.reconcile_dates(response, extracted, entry),
            etag=_header(response, "ETag"),
            last_modified=_header(response, "Last-Modified"),
            aliases=[*response.meta.get("redirect_urls", []), entry.url],
        )

    def reconcile_dates(
        self, response: Response, extracted: Extracted, entry: ListingEntry
    ) -> Reconciled:
        """The page's date against the listing's; a disagreement of more than a day keeps the
        listing's, is logged and counted (``akimwatch/date_conflicts``)."""
        listing = response.meta.get(LISTING_DATE, entry.published_at)
        dated = reconcile(extracted.published_at, listing)
        if dated.conflict:
            assert self.crawler.stats is not None
            self.crawler.stats.inc_value("akimwatch/date_conflicts")
            self.logger.info(
                "%s: page date %s, listing date %s: keeping the listing's",
                response.url,
                extracted.published_at,
                listing,
            )
        return dated


def _header(response: Response, name: str) -> str | None:
    value = response.headers.get(name)
    return value.decode("latin-1") if value else None
