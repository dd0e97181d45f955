"""gov.kz: the news API of every regional akimat, in Russian, Kazakh and English.

Each (project, language) pair is a chain with its own cookie jar: the anti-bot handshake (POST
``/_/c/k6``, whose JSON key/value pairs go back as request headers; the ``token``/``hash`` pair
when k6 fails), then API pages until one holds nothing new or comes back empty. A 400
``notAllowed`` answer (an expired ticket) re-handshakes and retries that page, a few times.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import scrapy
from scrapy.http import Response

from crawler.extract.records import article_record
from crawler.extract.types import ListingEntry
from crawler.middlewares.reach import HostUnreachable
from crawler.spiders.base import ListingSpider
from crawler.store import CrawlStore
from sources.govkz import pages as govkz

MAX_HANDSHAKES = 3
ACCEPT_LANGUAGE = {"ru": "ru", "kk": "kk", "en": "en"}


class GovkzSpider(ListingSpider):
    """Regional akimats on the unified government portal (the API, never the empty HTML)."""

    name = "govkz"
    source = "govkz"
    allowed_domains = ["gov.kz"]  # noqa: RUF012 (Scrapy reads a list)

    def __init__(
        self,
        *args: Any,
        projects: str | None = None,
        start_page: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.projects_arg = projects.split(",") if projects else None
        self.start_page_arg = int(start_page) if start_page else None

    @property
    def projects(self) -> list[str]:
        """Akimat slugs: the spider argument, else ``sources.govkz.projects``, else the default."""
        options = self.settings.getdict("AKIMWATCH_SOURCE_OPTIONS").get(self.name, {})
        configured = options.get("projects")
        return self.projects_arg or configured or list(govkz.PROJECTS)

    @property
    def start_page(self) -> int:
        """The API's first page number (1; some clients saw 0)."""
        if self.start_page_arg is not None:
            return self.start_page_arg
        return self.settings.getint("AKIMWATCH_GOVKZ_START_PAGE", 1)

    async def start(self) -> AsyncIterator[Any]:
        """A handshake for every project and language."""
        for project in self.projects:
            for language in self.languages:
                yield self.handshake(project, language, page=1, attempt=0)

    def handshake(self, project: str, language: str, page: int, attempt: int) -> scrapy.Request:
        """POST the k6 challenge; its answer (or its failure) leads to the news page."""
        kwargs = {"project": project, "language": language, "page": page, "attempt": attempt}
        return scrapy.Request(
            govkz.K6,
            method="POST",
            body=b"{}",
            headers={**self._headers(project, language), "Content-Type": "application/json"},
            callback=self.after_handshake,
            errback=self.handshake_failed,
            cb_kwargs=kwargs,
            dont_filter=True,
            meta={"handle_httpstatus_all": True, "cookiejar": f"{project}:{language}"},
        )

    def after_handshake(
        self, response: Response, project: str, language: str, page: int, attempt: int
    ) -> Iterator[scrapy.Request]:
        """Send the ticket's pairs as headers; the token/hash pair when k6 gave nothing or when
        a ticket was refused before."""
        auth = govkz.TicketPage(response).to_record()
        if not auth or attempt > 0:
            auth.update(govkz.token_headers())
        yield self.news_request(project, language, page, attempt, auth)

    def handshake_failed(self, failure: Any) -> Iterator[scrapy.Request]:
        """k6 failed: go on with the token/hash pair, unless the host is given up as unreachable
        (then the whole chain stops here instead of retrying every project and language)."""
        if failure.check(HostUnreachable):
            return
        kwargs = failure.request.cb_kwargs
        self.logger.warning("gov.kz k6 handshake failed: %s", failure.value)
        yield self.news_request(**kwargs, auth=govkz.token_headers())

    def news_request(
        self, project: str, language: str, page: int, attempt: int, auth: dict[str, str]
    ) -> scrapy.Request:
        """One API page (``page`` counts from 1 in the crawl; the API may start elsewhere)."""
        url = govkz.api_url(project, page - 1 + self.start_page)
        return scrapy.Request(
            url,
            headers={**self._headers(project, language), **auth, "Accept": "application/json"},
            callback=self.parse_api,
            cb_kwargs={
                "project": project,
                "language": language,
                "page": page,
                "attempt": attempt,
                "auth": auth,
            },
            dont_filter=True,
            meta={
                "akimwatch_listing": True,
                "handle_httpstatus_list": [400, 401, 403],
                "cookiejar": f"{project}:{language}",
            },
        )

    def parse_api(
        self,
        response: Response,
        project: str,
        language: str,
        page: int,
        attempt: int,
        auth: dict[str, str],
    ) -> Iterator[Any]:
        """Yield the unknown items of an API page and go on while pages hold something new."""
        assert self.crawler.stats is not None
        api = govkz.ApiPage(response, project, language)
        if api.refused:
            yield from self._refused(project, language, page, attempt)
            return
        items = api.to_record()
        if items is None:  # an HTML block page, an error: fetched again after a pause
            self.crawler.stats.inc_value("akimwatch/govkz_bad_pages")
            again = list(self.fetch_failed(response, "not_news"))
            if not again:
                self.logger.error(
                    "gov.kz %s %s: not a news page (HTTP %s)", project, language, response.status
                )
            yield from again
            return
        self.crawler.stats.inc_value("akimwatch/listing_pages")
        fresh, unknown = self._select([item.entry for item in items])
        new = {e.url for e in unknown}
        for item in items:
            if item.entry.url in new:
                yield article_record(
                    item.article, item.entry, source=self.source, language=language
                )
        if self._go_on(fresh, unknown, page):
            yield self.news_request(project, language, page + 1, 0, auth)

    def _select(self, entries: list[ListingEntry]) -> tuple[list[ListingEntry], list[ListingEntry]]:
        """The entries not seen earlier in this run, and those of them to store (unknown, in
        range), looked up in one query."""
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value("akimwatch/listing_entries", len(entries))
        fresh = [e for e in entries if e.url not in self.seen]
        self.seen.update(e.url for e in entries)
        in_range = [e for e in fresh if self._in_range(e)]
        known = CrawlStore.for_crawler(self.crawler).known(e.url for e in in_range)
        return fresh, [e for e in in_range if e.url not in known]

    def _refused(self, project: str, language: str, page: int, attempt: int) -> Iterator[Any]:
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value("akimwatch/govkz_not_allowed")
        self.crawler.stats.inc_value("akimwatch/listing_refused")  # judged by storage.runs
        if attempt + 1 >= MAX_HANDSHAKES:
            self.logger.error(
                "gov.kz %s %s page %s: still notAllowed after %s handshakes",
                project,
                language,
                page,
                attempt + 1,
            )
            return
        yield self.handshake(project, language, page, attempt + 1)

    def _headers(self, project: str, language: str) -> dict[str, str]:
        lang = ACCEPT_LANGUAGE[language]
        return {
            "Accept-Language": lang,
            "Origin": govkz.ORIGIN,
            "Referer": f"{govkz.ORIGIN}/memleket/entities/{project}/press/news?lang={lang}",
        }
