"""Bestnews (bestnews.kz, Russian only): Joomla category blogs and tag pages, ``?start=`` offsets.

Several listings are read per run (``-a listings=/vlast,/t/akimy`` overrides the default); each
paginates on its own, by the offset of the next page (the current offset plus the cards shown), and
stops like every listing spider: a page with nothing new, the page limit, or an empty page past the
end. Only the languages the site has are crawled, whatever the configuration lists.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import scrapy
from scrapy.http import Response

from crawler.extract.types import ListingEntry
from crawler.spiders.base import ListingSpider
from sources.bestnews import pages as bestnews

BASE = "https://bestnews.kz"
LISTINGS = ("/vlast", "/kazakhstan", "/t/prezident-kazakhstana")
LANGUAGES = ("ru",)


def with_start(url: str, start: int) -> str:
    """``url`` with its ``start`` offset set (dropped for the first page)."""
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query) if k != "start"]
    if start:
        query.append(("start", str(start)))
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), ""))


class BestnewsSpider(ListingSpider):
    """Bestnews.kz: power and Kazakhstan news and the President's tag page."""

    name = "bestnews"
    source = "bestnews"
    allowed_domains = ["bestnews.kz"]  # noqa: RUF012 (Scrapy reads a list)
    listing_page = bestnews.ListingPage
    article_page = bestnews.ArticlePage

    def __init__(self, *args: Any, listings: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        paths = listings.split(",") if listings else LISTINGS
        self.listings = ["/" + p.strip().strip("/") for p in paths if p.strip()]
        self.seen_by_listing: dict[str, set[str]] = {}

    @property
    def languages(self) -> list[str]:
        """The configured languages that the site publishes in (Russian only)."""
        return [language for language in super().languages if language in LANGUAGES]

    def listing_requests(self, language: str, page: int) -> Iterable[scrapy.Request]:
        """The first page of every listing (later pages come from :meth:`next_page_requests`)."""
        if page == 1:
            for path in self.listings:
                yield self.listing_request(BASE + path, language, 1)

    def next_page_requests(
        self, response: Response, language: str, page: int
    ) -> Iterable[scrapy.Request]:
        """The same listing at the offset after this page's cards."""
        start = int(dict(parse_qsl(urlsplit(response.url).query)).get("start", 0) or 0)
        shown = response.meta.get("akimwatch_cards", 0)
        if shown:
            yield self.listing_request(with_start(response.url, start + shown), language, page + 1)

    def parse_listing(self, response: Response, language: str, page: int) -> Iterator[Any]:
        """The base logic, with pinned-post tolerance ("seen") kept per listing: the listings
        overlap, and an entry seen in another listing must not end this one."""
        self.seen = self.seen_by_listing.setdefault(urlsplit(response.url).path, set())
        yield from super().parse_listing(response, language, page)

    def parse_entries(self, response: Response, language: str) -> list[ListingEntry]:
        """Cards of a category blog, tag page or home module (their count sets the offset of
        the next page)."""
        entries = super().parse_entries(response, language)
        response.meta["akimwatch_cards"] = len(entries)
        return entries
