"""Bestnews (bestnews.kz, Joomla with the UIkit "wmarka" template): articles and listings.

Article templates: 2023-25 (JSON-LD ``NewsArticle``, ``article:published_time``,
``h2.uk-h3`` lead, ``dd.published > time[itemprop=datePublished]``, ``div[itemprop=articleBody]
> div.uk-article-body``) and 2026 (``div.uk-article-body.uk-dropcap``, ``time`` text such as
``21.03.2026``), plus the generic Wmarka 3 body class. Listings: category blogs and tag pages
(``div.uk-card-body h2 a.uk-link-heading``) and the home modules (``h3.uk-h4 a``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

from lxml.etree import _Element

from crawler.extract import page
from crawler.extract.cards import card_entries
from crawler.extract.dates import is_date_text, parse_iso, parse_text_date
from crawler.extract.html import (
    article_ld,
    clean_text,
    first,
    first_text,
    in_boilerplate,
    lead_before,
    main_block,
    meta,
    node_text,
    select,
    split_site_name,
    text_of,
    title_element,
)
from crawler.extract.published import page_published
from crawler.extract.types import Extracted, ListingEntry
from storage.urls import source_article_id

HOST = "bestnews.kz"
TITLE = ("h1.uk-article-title", "h1[itemprop=headline]", "article h1", "h1")
LEAD = ("article h2.uk-h3", "h2.uk-h3")
BODY = (
    "div[itemprop=articleBody] div.uk-article-body",
    "div.uk-article-body",
    "div.com-content-article__body",
    "[itemprop=articleBody]",
)
AUTHOR = ("[itemprop=author] [itemprop=name]", "dd.createdby", "[itemprop=author]")
CARD_LINKS = (
    "div.uk-card-body h2 a.uk-link-heading",
    "h2 a.uk-link-heading[itemprop=url]",
    "h3.uk-h4 a",
)
CARD_TIME = ("time", "small.uk-text-muted", ".uk-article-meta")
NOT_ARTICLES = ("/t/", "/component/", "/index.php", "/prislat-novost", "/popular-news")


class ArticlePage(page.ArticlePage):
    """A Bestnews article page of either template generation (or a redesign: generic title,
    lead and body fallbacks); the server's clock dates relative stamps."""

    def to_record(self) -> Extracted:
        """The article's fields (always Russian)."""
        tree = self.tree
        ld = article_ld(tree)
        headline = title_element(tree, TITLE)
        title = (
            (clean_text(text_of(headline)) if headline is not None else "")
            or str(ld.get("headline") or "").strip()
            or split_site_name(meta(tree, "og:title"))
        )
        body_node = first(tree, BODY)
        if body_node is None:
            body_node = main_block(tree)
        return Extracted(
            title=title,
            lead=first_text(tree, LEAD) or lead_before(body_node, headline, is_date_text),
            body=node_text(body_node),
            published_at=page_published(tree, self.url, is_article_url, headline, self.now),
            author=_author(tree, ld),
            tags=_tags(tree),
            language="ru",
            source_id=source_article_id("bestnews", self.url),
        )


def _author(tree: _Element, ld: dict[str, Any]) -> str | None:
    author = ld.get("author")
    if isinstance(author, list) and author:
        author = author[0]
    name = author.get("name") if isinstance(author, dict) else author
    return str(name).strip() if name else (meta(tree, "article:author") or None)


def _tags(tree: _Element) -> list[str]:
    """The article's own tags (``/t/<alias>`` links inside the article, not the site tag cloud)."""
    article = first(tree, ("article",))
    scope = tree if article is None else article
    names = [
        clean_text(text_of(a)).lstrip("#").strip()
        for a in scope.iter("a")
        if (a.get("href") or "").startswith("/t/") and not in_boilerplate(a)
    ]
    return [n for n in dict.fromkeys(names) if n]


def is_article_url(url: str) -> bool:
    """``/<category>/<id>-<alias>`` or ``/<category>/<alias>`` on bestnews.kz."""
    parts = urlsplit(url)
    segments = [s for s in parts.path.split("/") if s]
    host_ok = not parts.hostname or parts.hostname.removeprefix("www.") == HOST
    return host_ok and len(segments) == 2 and not parts.path.startswith(NOT_ARTICLES)


class ListingPage(page.Page[list[ListingEntry]]):
    """A category blog, tag page or home module."""

    def to_record(self) -> list[ListingEntry]:
        """The article cards (by the template's card links, else by structure)."""
        entries: dict[str, ListingEntry] = {}
        for selector in CARD_LINKS:
            for link in select(self.tree, selector):
                url = urljoin(self.url, (link.get("href") or "").strip())
                if not is_article_url(url) or url in entries or in_boilerplate(link):
                    continue
                entries[url] = ListingEntry(
                    url=url, title=clean_text(text_of(link)), published_at=_card_time(link)
                )
        return list(entries.values()) or card_entries(self.tree, self.url, is_article_url)


def _card_time(link: _Element) -> datetime | None:
    """The date shown in the card around a link (``time@datetime`` or the muted date text)."""
    for card in list(link.iterancestors())[:2]:
        element = first(card, CARD_TIME)
        if element is not None:
            stamp = element.get("datetime")
            text = clean_text(text_of(element)).split("|")[0]
            return parse_iso(stamp) if stamp else parse_text_date(text, ("ru",))
    return None
