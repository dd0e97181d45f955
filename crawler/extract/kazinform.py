"""Kazinform (inform.kz, kaz.inform.kz, qazinform.com): article pages and listing cards."""

from __future__ import annotations

import re
from urllib.parse import urljoin

from crawler.extract.dates import parse_iso, parse_text_date
from crawler.extract.html import (
    clean_text,
    first,
    first_text,
    meta,
    node_text,
    parse,
    split_site_name,
)
from crawler.extract.types import Extracted, ListingEntry
from storage.urls import source_article_id

TITLE = ("h1.article__title", "div.title_article_bl", "h1")
TIME = ("div.article__time", "div.time_article_bl", "time", ".article__date")
LEAD = ("div.article__description",)
BODY = ("div.article__body-text", "div.body_article_bl", "div.article__content", "article")
TAGS = ("div.article__tags a", "div.keywords_bl a")
AUTHOR = ("div.article__author", "div.data_author_bl a")
ARTICLE_LINK = re.compile(
    r"^(?:https?://[^/]+)?/(?:ru/|kz/|en/|news/)?[\w%-]+(?:-[0-9a-f]{6,8}|_a\d{6,8})/?$"
)
_DATELINE = re.compile(
    r"^[A-ZА-ЯЁӘҒҚҢӨҰҮҺІ\-]{3,}(?:\s[A-ZА-ЯЁ\-]+)?\.\s*(?:KAZINFORM|КАЗИНФОРМ)\s*[-–—]\s*"
)


def extract_article(document: bytes | str, url: str, language: str) -> Extracted:
    """Extract a Kazinform article page (2024-26 site, the old ≤2023 site and AMP pages)."""
    tree = parse(document)
    title = first_text(tree, TITLE) or split_site_name(meta(tree, "og:title"))
    lead = node_text(first(tree, LEAD))
    body_node = first(tree, BODY)
    body = node_text(body_node)
    if lead and body.startswith(lead):
        body = body[len(lead) :].strip()
    body = _DATELINE.sub("", body)
    published = parse_iso(meta(tree, "article:published_time")) or parse_text_date(
        first_text(tree, TIME), (language, "ru", "en")
    )
    tags = [clean_text(a.text_content()).lstrip("#") for sel in TAGS for a in tree.cssselect(sel)]
    author = first_text(tree, AUTHOR) or meta(tree, "author") or None
    return Extracted(
        title=title,
        lead=lead,
        body=body,
        published_at=published,
        author=author,
        tags=[t for t in dict.fromkeys(tags) if t],
        language=language,
        source_id=source_article_id("kazinform", url),
    )


def extract_listing(document: bytes | str, base_url: str) -> list[ListingEntry]:
    """Article links of a feed or category page, whatever card markup the period used."""
    tree = parse(document)
    entries: dict[str, ListingEntry] = {}
    for link in tree.xpath("//a[@href]"):
        href = link.get("href", "").strip()
        if not ARTICLE_LINK.match(href):
            continue
        url = urljoin(base_url, href)
        card = _card(link)
        title = first_text(card, (".card-title", ".allNewsCard_title", ".catpageCard_title", "h3"))
        stamp = first_text(card, ("time", ".meta-date", ".allNewsCard_time", ".date"))
        entries.setdefault(
            url,
            ListingEntry(
                url=url,
                title=title or clean_text(link.text_content()),
                published_at=parse_text_date(stamp) if stamp else None,
            ),
        )
    return list(entries.values())


def _card(link):  # type: ignore[no-untyped-def]
    """The card element around a link: the link itself for 2026 cards, else its card parent."""
    for ancestor in [link, *link.iterancestors()][:4]:
        marker = ancestor.get("class", "")
        if "card" in marker.lower() or "anounce" in marker.lower():
            return ancestor
    return link


def current_page(document: bytes | str) -> int | None:
    """The active pager number (past the last page the site keeps showing the last page)."""
    tree = parse(document)
    text = first_text(tree, ("li.page-item.active", ".pagination .active"))
    return int(text) if text.isdigit() else None
