"""Kazinform: the Russian, Kazakh and English feeds (``/lenta?page=N``) and their article pages."""

from __future__ import annotations

from collections.abc import Iterable

import scrapy
from scrapy.http import Response

from crawler.extract import kazinform
from crawler.extract.types import Extracted, ListingEntry
from crawler.spiders.base import ListingSpider

FEEDS = {
    "ru": "https://www.inform.kz/ru/lenta",
    "kk": "https://kaz.inform.kz/lenta",
    "en": "https://qazinform.com/lenta",
}


class KazinformSpider(ListingSpider):
    """The state news agency in three languages."""

    name = "kazinform"
    source = "kazinform"
    allowed_domains = ["inform.kz", "qazinform.com", "kazinform.kz"]

    def listing_requests(self, language: str, page: int) -> Iterable[scrapy.Request]:
        """``/lenta`` for the first page, ``/lenta/?page=N`` after it."""
        base = FEEDS[language]
        url = base if page == 1 else f"{base}/?page={page}"
        yield self.listing_request(url, language, page)

    def parse_entries(self, response: Response, language: str) -> list[ListingEntry]:
        """Cards of any period's markup, keyed on article link shapes."""
        return kazinform.extract_listing(response.body, response.url)

    def extract(self, response: Response, language: str) -> Extracted:
        """The article page."""
        return kazinform.extract_article(response.body, response.url, language)
