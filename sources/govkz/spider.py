"""gov.kz: the news API of every regional akimat, in Russian, Kazakh and English.

Each (project, language) pair is a chain: API pages until one holds nothing new or comes back
empty, with the ticket of an anti-bot handshake (POST ``/_/c/k6``, whose JSON key/value pairs go
back as request headers; the ``token``/``hash`` pair when k6 fails). A 400 ``notAllowed`` answer
(an expired ticket) re-handshakes and retries that page, a few times.

**One ticket per crawl, adaptively.** Whether the portal scopes a ticket to a project, a language
or a page is not known, so the crawl starts with one handshake (one cookie jar) and tries its
ticket on the chains one at a time: first the chain it was made for, then chains of another
project *and* another language. As soon as one of those is answered, every remaining chain uses
the shared ticket (an idle crawl of 60 chains: 1 handshake and 60 pages instead of 60 and 60).
A chain refused with the shared ticket handshakes for itself (its own cookie jar) and retries;
after ``SHARED_REFUSALS`` such refusals in a crawl the crawl stops sharing and every chain not
started yet makes its own handshake, as each chain did before: on a portal that scopes tickets
the price is a couple of refused pages per crawl, never a chain left out.
(``akimwatch/govkz_shared_ticket_refused`` counts them; ``-a share_ticket=0`` or the setting
``AKIMWATCH_GOVKZ_SHARE_TICKET = False`` gives every chain its own handshake from the start.)
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
SHARED_REFUSALS = 2  # refusals of the shared ticket before the crawl stops sharing it
SHARED_JAR = "shared"
PROBE = "akimwatch_govkz_probe"  # meta: a page that tells whether the shared ticket serves
ACCEPT_LANGUAGE = {"ru": "ru", "kk": "kk", "en": "en"}

Chain = tuple[str, str]  # (project, language)


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
        share_ticket: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.projects_arg = projects.split(",") if projects else None
        self.start_page_arg = int(start_page) if start_page else None
        self.share_ticket_arg = None if share_ticket is None else share_ticket not in FALSE
        self.sharing = False
        self.shared_chain: Chain | None = None  # the chain the shared handshake was made for
        self.shared_auth: dict[str, str] = {}
        self.shared_refusals = 0
        self.confirmed = False  # the shared ticket served a chain other than its own
        self.pending: list[Chain] = []  # chains not started, waiting for the probes

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

    @property
    def share_ticket(self) -> bool:
        """Whether the crawl tries one handshake for every chain (the argument, else the
        setting ``AKIMWATCH_GOVKZ_SHARE_TICKET``, default on)."""
        if self.share_ticket_arg is not None:
            return self.share_ticket_arg
        return self.settings.getbool("AKIMWATCH_GOVKZ_SHARE_TICKET", True)

    async def start(self) -> AsyncIterator[Any]:
        """One shared handshake (or, not sharing, a handshake for every project and language)."""
        chains = [(project, language) for project in self.projects for language in self.languages]
        if len(chains) < 2 or not self.share_ticket:
            for project, language in chains:
                yield self.handshake(project, language, page=1, attempt=0)
            return
        first = chains[0]
        # The chain the ticket was made for, then those of another project and language (the
        # probes that tell a ticket good for any chain from one scoped to its project or
        # language), then the rest.
        self.pending = sorted(
            chains, key=lambda c: (c != first, c[0] == first[0] or c[1] == first[1])
        )
        self.sharing, self.shared_chain = True, first
        yield self.handshake(*first, page=1, attempt=0, shared=True)

    def handshake(
        self, project: str, language: str, page: int, attempt: int, shared: bool = False
    ) -> scrapy.Request:
        """POST the k6 challenge; its answer (or its failure) leads to the news page."""
        kwargs = {
            "project": project,
            "language": language,
            "page": page,
            "attempt": attempt,
            "shared": shared,
        }
        return scrapy.Request(
            govkz.K6,
            method="POST",
            body=b"{}",
            headers={**self._headers(project, language), "Content-Type": "application/json"},
            callback=self.after_handshake,
            errback=self.handshake_failed,
            cb_kwargs=kwargs,
            dont_filter=True,
            meta={"handle_httpstatus_all": True, "cookiejar": _jar(project, language, shared)},
        )

    def after_handshake(
        self,
        response: Response,
        project: str,
        language: str,
        page: int,
        attempt: int,
        shared: bool = False,
    ) -> Iterator[scrapy.Request]:
        """Send the ticket's pairs as headers; the token/hash pair when k6 gave nothing or when
        a ticket was refused before. The shared handshake starts the probes."""
        auth = govkz.TicketPage(response).to_record()
        if not auth or attempt > 0:
            auth.update(govkz.token_headers())
        if shared:
            self.shared_auth = auth
            yield from self._next_chains()
            return
        yield self.news_request(project, language, page, attempt, auth)

    def handshake_failed(self, failure: Any) -> Iterator[scrapy.Request]:
        """k6 failed: go on with the token/hash pair, unless the host is given up as unreachable
        (then the whole chain stops here instead of retrying every project and language; for
        the shared handshake, every chain)."""
        if failure.check(HostUnreachable):
            return
        kwargs = dict(failure.request.cb_kwargs)
        self.logger.warning("gov.kz k6 handshake failed: %s", failure.value)
        if kwargs.pop("shared", False):
            self.shared_auth = govkz.token_headers()
            yield from self._next_chains()
            return
        yield self.news_request(**kwargs, auth=govkz.token_headers())

    def news_request(
        self,
        project: str,
        language: str,
        page: int,
        attempt: int,
        auth: dict[str, str],
        shared: bool = False,
        probe: bool = False,
    ) -> scrapy.Request:
        """One API page (``page`` counts from 1 in the crawl; the API may start elsewhere)."""
        url = govkz.api_url(project, page - 1 + self.start_page)
        meta: dict[str, Any] = {
            "akimwatch_listing": True,
            "handle_httpstatus_list": [400, 401, 403],
            "cookiejar": _jar(project, language, shared),
        }
        if probe:
            meta[PROBE] = True
        return scrapy.Request(
            url,
            headers={**self._headers(project, language), **auth, "Accept": "application/json"},
            callback=self.parse_api,
            errback=self.probe_failed if probe else None,
            cb_kwargs={
                "project": project,
                "language": language,
                "page": page,
                "attempt": attempt,
                "auth": auth,
                "shared": shared,
            },
            dont_filter=True,
            meta=meta,
        )

    def parse_api(
        self,
        response: Response,
        project: str,
        language: str,
        page: int,
        attempt: int,
        auth: dict[str, str],
        shared: bool = False,
    ) -> Iterator[Any]:
        """Yield the unknown items of an API page and go on while pages hold something new."""
        assert self.crawler.stats is not None
        probe = bool(response.meta.get(PROBE))
        api = govkz.ApiPage(response, project, language)
        if api.refused:
            yield from self._refused(project, language, page, attempt, shared)
            if probe:
                yield from self._next_chains()
            return
        items = api.to_record()
        if items is None:  # an HTML block page, an error: fetched again after a pause
            self.crawler.stats.inc_value("akimwatch/govkz_bad_pages")
            again = list(self.fetch_failed(response, "not_news"))
            if not again:
                self.logger.error(
                    "gov.kz %s %s: not a news page (HTTP %s)", project, language, response.status
                )
                if probe:  # given up: the next chain probes
                    yield from self._next_chains()
            yield from again
            return
        if probe:
            self.confirmed = self.confirmed or (project, language) != self.shared_chain
            yield from self._next_chains()
        self.crawler.stats.inc_value("akimwatch/listing_pages")
        fresh, unknown = self._select([item.entry for item in items])
        new = {e.url for e in unknown}
        for item in items:
            if item.entry.url in new:
                yield article_record(
                    item.article, item.entry, source=self.source, language=language
                )
        if self._go_on(fresh, unknown, page):
            yield self.news_request(project, language, page + 1, 0, auth, shared)

    def probe_failed(self, failure: Any) -> Iterator[scrapy.Request]:
        """A probe's download failed (logged as Scrapy would): the next chain probes."""
        self.logger.error("Error downloading %s: %s", failure.request, failure.value)
        if failure.check(HostUnreachable):
            return
        yield from self._next_chains()

    def _next_chains(self) -> Iterator[scrapy.Request]:
        """After the shared handshake and after each probe: the next chain with the shared
        ticket (one probe at a time), every remaining chain once the ticket served another
        chain, or a handshake for every remaining chain once sharing stopped."""
        if not self.sharing:
            chains, self.pending = self.pending, []
            for project, language in chains:
                yield self.handshake(project, language, page=1, attempt=0)
            return
        if not self.confirmed:
            if self.pending:
                project, language = self.pending.pop(0)
                yield self.news_request(project, language, 1, 0, self.shared_auth, True, True)
            return
        chains, self.pending = self.pending, []
        for project, language in chains:
            yield self.news_request(project, language, 1, 0, self.shared_auth, shared=True)

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

    def _refused(
        self, project: str, language: str, page: int, attempt: int, shared: bool
    ) -> Iterator[Any]:
        """notAllowed: a handshake of the chain's own (after the shared ticket's refusal, the
        chain's first), up to ``MAX_HANDSHAKES``."""
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value("akimwatch/govkz_not_allowed")
        self.crawler.stats.inc_value("akimwatch/listing_refused")  # judged by storage.runs
        if shared:
            self.crawler.stats.inc_value("akimwatch/govkz_shared_ticket_refused")
            self.shared_refusals += 1
            if self.sharing and self.shared_refusals >= SHARED_REFUSALS:
                self.sharing = False
                self.logger.warning(
                    "gov.kz refused the shared ticket %s times: a handshake per project and "
                    "language for the rest of this crawl",
                    self.shared_refusals,
                )
            yield self.handshake(project, language, page, attempt)
            return
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


FALSE = ("", "0", "false", "no", "off")


def _jar(project: str, language: str, shared: bool) -> str:
    """The cookie jar: the crawl's shared one, or the chain's own."""
    return SHARED_JAR if shared else f"{project}:{language}"
