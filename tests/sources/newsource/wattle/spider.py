"""Wattle's spider: one listing page per language, articles linked from it."""

from __future__ import annotations

from collections.abc import Iterable

import scrapy

from crawler.spiders.base import ListingSpider
from wattle import pages


class WattleSpider(ListingSpider):
    """The made-up source's listing."""

    name = "wattle"
    source = "wattle"
    allowed_domains = ["wattle.example"]  # noqa: RUF012
    listing_page = pages.ListingPage
    article_page = pages.ArticlePage

    def listing_requests(self, language: str, page: int) -> Iterable[scrapy.Request]:
        return [self.listing_request(f"https://wattle.example/list?page={page}", language, page)]
