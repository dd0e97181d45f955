"""Page objects in the web-poet manner: one class per page type, over the Scrapy response.

A page object wraps the response of one kind of page (an article, a listing, a feed, an API
answer) and turns it into what the spider needs with one method, :meth:`Page.to_record`. It reads
the body with the encoding Scrapy settled on (so the HTTP ``Content-Type`` charset is honoured,
then the page's own ``<meta charset>``), parsed once: ``css``/``xpath`` and the lxml
:attr:`Page.tree` that the generic helpers of :mod:`crawler.extract` walk share one parse.
Spiders only route requests; they build the page object from the response and hand it nothing
else::

    class ArticlePage(crawler.extract.page.ArticlePage):
        def to_record(self) -> Extracted:
            return Extracted(title=self.css("h1::text").get(default=""), ...)

A source's page objects live in ``sources/<name>/pages.py``; their saved pages and expected
outputs in ``sources/<name>/fixtures/`` (see :mod:`crawler.extract.saved`).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from datetime import datetime
from email.utils import parsedate_to_datetime
from functools import cached_property
from typing import Generic, TypeVar

from lxml.etree import _Element
from parsel import Selector, SelectorList
from scrapy.http import HtmlResponse, Response, TextResponse
from scrapy.http.headers import Headers
from scrapy.responsetypes import responsetypes
from w3lib.encoding import http_content_type_encoding

from crawler.extract.html import html_tree
from crawler.extract.rss import rss_entries
from crawler.extract.types import Extracted, ListingEntry

RecordT = TypeVar("RecordT")


class Page(ABC, Generic[RecordT]):
    """One page of one type: its response (decoded and parsed once) and what it holds."""

    def __init__(self, response: Response) -> None:
        self.response = response if isinstance(response, TextResponse) else _as_html(response)

    @property
    def url(self) -> str:
        """The page's URL (after redirects)."""
        return self.response.url

    @property
    def text(self) -> str:
        """The body as text, decoded with the HTTP charset, else the page's declared one."""
        return self.response.text

    @cached_property
    def tree(self) -> _Element:
        """The page's lxml root: the body parsed once, decoded with the encoding Scrapy settled
        on (the HTTP charset, a byte order mark, the page's own declaration, else a guess)."""
        return html_tree(self.response.body, self.response.encoding)

    @cached_property
    def selector(self) -> Selector:
        """A parsel selector over :attr:`tree` (``css`` and ``xpath`` share its one parse)."""
        return Selector(root=self.tree, type="html")

    def css(self, query: str) -> SelectorList[Selector]:
        """A CSS query on the page, as ``response.css``."""
        return self.selector.css(query)

    def xpath(self, query: str) -> SelectorList[Selector]:
        """An XPath query on the page, as ``response.xpath``."""
        return self.selector.xpath(query)

    def header(self, name: str) -> str | None:
        """An HTTP header of the response, as text (None when absent)."""
        value = self.response.headers.get(name)
        return value.decode("latin-1") if value else None

    @cached_property
    def now(self) -> datetime | None:
        """The server's ``Date`` header: what relative stamps ("Сегодня, 14:30") count from."""
        value = self.header("Date")
        try:
            return parsedate_to_datetime(value) if value else None
        except (TypeError, ValueError):
            return None

    @abstractmethod
    def to_record(self) -> RecordT:
        """What the page holds: an article's fields, a listing's entries, an API page's items."""


class ArticlePage(Page[Extracted]):
    """An article page; ``language`` is the one the spider asked for (the page may know
    better, from its URL or markup)."""

    def __init__(self, response: Response, language: str | None = None) -> None:
        super().__init__(response)
        self.language = language


class FeedPage(Page[list[ListingEntry]]):
    """An RSS 2.0 feed, parsed safely (see :mod:`crawler.extract.rss`): bytes, decoded with the
    HTTP charset when the header names one, else as the XML declaration says."""

    @abstractmethod
    def article_url(self, url: str) -> str | None:
        """The URL to keep for a feed link, or None when it is not one of the site's articles."""

    def to_record(self) -> list[ListingEntry]:
        """The feed's article entries, first occurrence of each URL; none for a broken feed."""
        encoding = http_content_type_encoding(self.header("Content-Type"))
        return rss_entries(self.response.body, self.url, self.article_url, encoding)


def saved_response(
    url: str, body: bytes, headers: Mapping[str, str] | None = None, status: int = 200
) -> Response:
    """The response Scrapy's downloader builds for these bytes (its class chosen by the headers,
    URL and body): how saved pages, replicas' pages and benchmarks reach a page object."""
    scrapy_headers = Headers(dict(headers or {}))
    kind = responsetypes.from_args(headers=scrapy_headers, url=url, body=body)
    return kind(url=url, status=status, headers=scrapy_headers, body=body)


def _as_html(response: Response) -> TextResponse:
    """A response Scrapy did not take for text (no or an odd ``Content-Type``), read as HTML."""
    return HtmlResponse(
        url=response.url,
        status=response.status,
        headers=response.headers,
        body=response.body,
        request=response.request,
    )
