"""Akorda (akorda.kz and mirror.akorda.kz): events listings, the RSS feed and article pages.

The current article markup is not publicly known, so extraction tries plausible site selectors
first (current and old site), then OpenGraph / JSON-LD meta, then the largest cluster of ``<p>``.
The date is optional on the page: the spider falls back to the listing or RSS date.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

from lxml.etree import _Element

from crawler.extract import page
from crawler.extract.cards import card_entries
from crawler.extract.dates import is_date_text, parse_text_date
from crawler.extract.html import (
    article_ld,
    clean_text,
    first,
    first_text,
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

LANGUAGES = {"ru": "ru", "kz": "kk", "en": "en"}
PATH_LANGUAGE = {v: k for k, v in LANGUAGES.items()}
# Current site ``/ru/<slug>-<id>``; old site (mirror) ``/ru/events/<group>/<subsection>/<slug>``.
ARTICLE_PATH = re.compile(
    r"^/(?:ru|kz|en)/(?:[a-z0-9-]+-\d{4,}|events/[a-z_]+/[a-z_]+/[\w%-]+)/?$", re.I
)
_CARD = re.compile(r"(?:^|\s)(?:card|list-block)(?:\s|$)")
SKIP = re.compile(r"deklaracii|/legal_acts/|/addresses/", re.I)
TITLE = ("h1.article__title", ".news-detail h1", ".media-title", "h1", ".article-title")
LEAD = (".article__lead", ".news-detail__lead", ".lead")
BODY = (
    ".article__body",
    ".article__text",
    ".news-detail__text",
    ".news-detail .text",
    ".wrapper .text",
    "div.text",
)
TAGS = (".article__tags a", ".tags a", "a[rel=tag]")


def language_of(url: str) -> str | None:
    """Our language code from an Akorda path prefix (``/kz/`` is Kazakh, ``kk``)."""
    head = urlsplit(url).path.strip("/").split("/", 1)[0]
    return LANGUAGES.get(head.lower())


def is_article(url: str) -> bool:
    """Whether a URL is an Akorda article (current or old-site shape)."""
    path = urlsplit(url).path
    return bool(ARTICLE_PATH.match(path)) and not SKIP.search(path)


class ListingPage(page.Page[list[ListingEntry]]):
    """An ``/events`` page: ``div.card`` with ``h3 a`` and an ``h5`` date (and the old site's
    ``div.list-block-title a``), else cards found by structure."""

    def to_record(self) -> list[ListingEntry]:
        """The listed articles with their card dates."""
        entries: dict[str, ListingEntry] = {}
        for link in select(self.tree, "div.card h3 a[href], div.list-block-title a[href]"):
            url = urljoin(self.url, link.get("href", "").strip())
            if is_article(url) and url not in entries:
                entries[url] = _entry(link, url)
        return list(entries.values()) or card_entries(self.tree, self.url, is_article)


def _entry(link: _Element, url: str) -> ListingEntry:
    card = next((a for a in link.iterancestors("div") if _CARD.search(a.get("class", ""))), None)
    stamp = first_text(card, ("h5", ".date", "time")) if card is not None else ""
    language = language_of(url) or "ru"
    return ListingEntry(
        url=url,
        title=clean_text(text_of(link)),
        published_at=parse_text_date(stamp, (language, "ru", "en")) if stamp else None,
    )


class FeedPage(page.FeedPage):
    """The RSS 2.0 feed; site-relative and absolute links both work."""

    def article_url(self, url: str) -> str | None:
        """The link, when it is an article."""
        return url if is_article(url) else None


class ArticlePage(page.ArticlePage):
    """An article page of any known or unknown markup, with generic fallbacks; the server's
    clock dates relative stamps such as "Сегодня, 14:30"."""

    def to_record(self) -> Extracted:
        """The article's fields."""
        tree, url = self.tree, self.url
        ld = article_ld(tree)
        headline = title_element(tree, TITLE)
        title = (
            (clean_text(text_of(headline)) if headline is not None else "")
            or split_site_name(meta(tree, "og:title"))
            or clean_text(str(ld.get("headline", "")))
        )
        body_node = first(tree, BODY)
        if body_node is None:
            body_node = main_block(tree)
        lead = first_text(tree, LEAD) or lead_before(body_node, headline, is_date_text)
        body = node_text(body_node)
        if lead and body.startswith(lead):
            body = body[len(lead) :].strip()
        return Extracted(
            title=title,
            lead=lead,
            body=body,
            published_at=page_published(tree, url, is_article, headline, self.now),
            author=_author(tree, ld),
            tags=_tags(tree, ld),
            language=language_of(url) or self.language,
            source_id=source_article_id("akorda", url),
        )


def _author(tree: _Element, ld: dict[str, object]) -> str | None:
    author = ld.get("author")
    if isinstance(author, list):
        author = author[0] if author else None
    if isinstance(author, dict):
        author = author.get("name")
    return clean_text(str(author)) if author else (meta(tree, "author") or None)


def _tags(tree: _Element, ld: dict[str, object]) -> list[str]:
    tags = [clean_text(text_of(a)).lstrip("#") for s in TAGS for a in select(tree, s)]
    keywords = ld.get("keywords")
    if isinstance(keywords, str):
        tags += [k.strip() for k in keywords.split(",")]
    elif isinstance(keywords, list):
        tags += [str(k).strip() for k in keywords]
    return [t for t in dict.fromkeys(tags) if t]
