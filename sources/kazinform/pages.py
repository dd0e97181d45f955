"""Kazinform (inform.kz, kaz.inform.kz, qazinform.com): article pages, listing cards and RSS.

Covers the 2024-26 site (``<slug>-<hex>``), the old ≤2023 site (``_a<digits>``, its ``/amp``
pages), the feed cards of every period (2026 ``news-card``, 2024-25 ``allNewsCard``, category
``catpageCard``, old ``anounce-news``) and the RSS feeds. Links are recognised by their shape, not
by one class name, because the card markup changed with every redesign.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import datetime
from urllib.parse import urljoin, urlsplit

from lxml.etree import _Element

from crawler.extract import page
from crawler.extract.cards import card_entries
from crawler.extract.dates import is_date_text, parse_text_date
from crawler.extract.html import (
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

TITLE = ("h1.article__title", "div.title_article_bl", "h1")
LEAD = ("div.article__description",)
BODY = (
    "div.article__body-text",
    "div.body_article_bl",
    "div.article__content",
    "div.amp-article__body",
)
TAGS = ("div.article__tags a", "div.keywords_bl a")
AUTHOR = ("div.article__author", "div.data_author_bl a")
CARD_TITLE = (".card-title", ".allNewsCard_title", ".catpageCard_title", ".anounce-news__title")
CARD_TIME = ("time", ".meta-date", ".allNewsCard_time", ".catpageCard_time", ".anounce-news__date")
ARTICLE_PATH = re.compile(
    r"^/(?:ru|kz|en|news|amp)/[\w%-]+?(?:-[0-9a-f]{6,8}|_a\d{6,8}(?:/amp)?)/?$"
)
HOST_LANGUAGE = {
    "kaz.inform.kz": "kk",
    "qz.inform.kz": "kk",
    "qazinform.com": "en",
    "en.inform.kz": "en",
}
PATH_LANGUAGE = {"ru": "ru", "kz": "kk", "en": "en"}
_DATELINE = re.compile(
    r"^[^\W\d_][\w-]*(?:\s[\w-]+)?\.\s*(?:KAZINFORM|QAZINFORM|КАЗИНФОРМ|ҚАЗАҚПАРАТ)\s*[-–—]+\s*",
    re.I,
)
_STAMP = re.compile(r"^\s*\d{1,2}:\d{2},?\s+\d{1,2}\s+\S+\s+\d{4}|^\s*\d{1,2}\s+\S+\s+\d{4},?\s+\d")


def language_of(url: str, default: str = "ru") -> str:
    """The language a Kazinform URL is in: by host (kaz., qazinform.com) or path prefix."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if host in HOST_LANGUAGE:
        return HOST_LANGUAGE[host]
    prefix = parts.path.strip("/").split("/", 1)[0]
    return PATH_LANGUAGE.get(prefix, default)


def is_article_url(url: str) -> bool:
    """Whether a URL (absolute or site-relative) has the shape of a Kazinform article."""
    return bool(ARTICLE_PATH.match(urlsplit(url).path))


class ArticlePage(page.ArticlePage):
    """A Kazinform article page (2024-26 site, the old ≤2023 site, AMP pages and redesigns:
    generic title, lead and body fallbacks); the server's clock dates relative stamps."""

    def to_record(self) -> Extracted:
        """The article's fields."""
        tree, url = self.tree, self.url
        headline = title_element(tree, TITLE)
        title = (clean_text(text_of(headline)) if headline is not None else "") or (
            split_site_name(meta(tree, "og:title"))
        )
        body_node = first(tree, BODY)
        if body_node is None:
            body_node = main_block(tree)
        lead, body = _lead_and_body(tree, body_node, headline)
        tags = [clean_text(text_of(a)).lstrip("#") for sel in TAGS for a in select(tree, sel)]
        return Extracted(
            title=title,
            lead=lead,
            body=body,
            published_at=page_published(tree, url, is_article_url, headline, self.now),
            author=first_text(tree, AUTHOR) or meta(tree, "author") or None,
            tags=[t for t in dict.fromkeys(tags) if t],
            language=language_of(url, self.language or "ru"),
            source_id=source_article_id("kazinform", url),
        )


def _lead_and_body(
    tree: _Element, body_node: _Element | None, headline: _Element | None
) -> tuple[str, str]:
    """The lead (its block, else the text between headline and body) and the body without
    it, both without the ``CITY. KAZINFORM -`` dateline."""
    lead = _DATELINE.sub("", node_text(first(tree, LEAD)))
    lead = lead or _DATELINE.sub("", lead_before(body_node, headline, is_date_text))
    body = node_text(body_node)
    if lead and body.startswith(lead):
        body = body[len(lead) :].strip()
    return lead, _DATELINE.sub("", body)


@dataclass(frozen=True)
class Listing:
    """A feed or category page: its entries and the pager's active number (None: no pager)."""

    entries: list[ListingEntry]
    current_page: int | None


class ListingPage(page.Page[Listing]):
    """A feed or category page, whatever card markup the period used."""

    def to_record(self) -> Listing:
        """The page's article entries and its active pager number (past the last page the
        site keeps showing the last page)."""
        text = first_text(self.tree, ("li.page-item.active", ".pagination .active"))
        return Listing(_entries(self.tree, self.url), int(text) if text.isdigit() else None)


def _entries(tree: _Element, base_url: str) -> list[ListingEntry]:
    """Article links of a feed or category page, by their shape; dates from the cards."""
    entries: dict[str, ListingEntry] = {}
    for link in tree.iter("a"):
        href = (link.get("href") or "").strip()
        if not is_article_url(href) or in_boilerplate(link):
            continue
        url = urljoin(base_url, href).removesuffix("/amp")
        if url in entries:
            continue
        card = _card(link)
        title = first_text(card, CARD_TITLE) or clean_text(text_of(link))
        entries[url] = ListingEntry(url=url, title=title, published_at=_card_time(card))
    if all(e.published_at for e in entries.values()):
        return list(entries.values())
    cards = card_entries(tree, base_url, is_article_url, normalise=lambda u: u.removesuffix("/amp"))
    dated = {e.url: e.published_at for e in cards}
    return [replace(e, published_at=e.published_at or dated.get(e.url)) for e in entries.values()]


def _card(link: _Element) -> _Element:
    """The card element around a link: the link itself for 2026 cards, else its card parent."""
    for ancestor in [link, *link.iterancestors()][:4]:
        tokens = (ancestor.get("class") or "").lower().split()
        if any(t.endswith("card") or t == "anounce-news" for t in tokens):
            return ancestor
    return link


def _card_time(card: _Element) -> datetime | None:
    """The card's time: a known time element, else any element whose own text looks like one."""
    stamp = first_text(card, CARD_TIME)
    if not stamp:
        stamp = next(
            (
                e.text or ""
                for e in card.iter()
                if isinstance(e.tag, str) and _STAMP.match(e.text or "")
            ),
            "",
        )
    return parse_text_date(stamp) if stamp else None


class FeedPage(page.FeedPage):
    """An RSS 2.0 feed (AMP links folded to the article)."""

    def article_url(self, url: str) -> str | None:
        """The article a feed link points to."""
        url = url.removesuffix("/amp")
        return url if is_article_url(url) else None
