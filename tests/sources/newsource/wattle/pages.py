"""Wattle's page objects: the listing's links and an article's fields."""

from __future__ import annotations

from datetime import datetime

from crawler.extract.page import ArticlePage as BaseArticlePage
from crawler.extract.page import Page
from crawler.extract.types import Extracted, ListingEntry


class ListingPage(Page[list[ListingEntry]]):
    """The listing: one link per article."""

    def to_record(self) -> list[ListingEntry]:
        """The article links of the listing."""
        return [
            ListingEntry(self.response.urljoin(href), title)
            for href, title in zip(
                self.css("li a::attr(href)").getall(), self.css("li a::text").getall(), strict=True
            )
        ]


class ArticlePage(BaseArticlePage):
    """An article page."""

    def to_record(self) -> Extracted:
        """Its title, text and time."""
        stamp = self.css("time::attr(datetime)").get()
        return Extracted(
            title=self.css("h1::text").get(default="").strip(),
            body="\n".join(p.strip() for p in self.css("article p::text").getall()),
            published_at=datetime.fromisoformat(stamp) if stamp else None,
        )
