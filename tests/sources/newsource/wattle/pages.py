"""Wattle's page objects: the listing's links and an article's fields."""

from __future__ import annotations

from datetime import datetime

from scrapy.http import Response

from crawler.extract.types import Extracted, ListingEntry


def entries(response: Response) -> list[ListingEntry]:
    """The article links of a listing page."""
    return [
        ListingEntry(response.urljoin(href), title)
        for href, title in zip(
            response.css("li a::attr(href)").getall(),
            response.css("li a::text").getall(),
            strict=True,
        )
    ]


def article(response: Response) -> Extracted:
    """An article page's title, text and time."""
    stamp = response.css("time::attr(datetime)").get()
    return Extracted(
        title=response.css("h1::text").get(default="").strip(),
        body="\n".join(p.strip() for p in response.css("article p::text").getall()),
        published_at=datetime.fromisoformat(stamp) if stamp else None,
    )
