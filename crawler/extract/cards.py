"""Listing cards of any markup: each link to an article, the block around it that holds no other
article's link, and the date shown in that block (for listings whose card classes changed)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from urllib.parse import urljoin

from lxml.etree import _Element

from crawler.extract.blocks import Blocks, date_of
from crawler.extract.html import clean_text, in_boilerplate, text_of
from crawler.extract.types import ListingEntry


def card_entries(
    tree: _Element,
    base_url: str,
    is_article: Callable[[str], bool],
    now: datetime | None = None,
    normalise: Callable[[str], str] = lambda url: url,
) -> list[ListingEntry]:
    """One entry per article linked from the page (outside menus and boilerplate), with the
    title of its longest link and the date of its card."""
    blocks = Blocks(tree, base_url, is_article, now)
    found: dict[str, ListingEntry] = {}
    for link in tree.iter("a"):
        url = normalise(urljoin(base_url, (link.get("href") or "").strip()))
        if not is_article(url) or in_boilerplate(link):
            continue
        title = clean_text(text_of(link))
        known = found.get(url)
        if known is not None and len(known.title) >= len(title):
            continue
        card = _card(link, blocks)
        when = next(
            filter(None, (date_of(n, now) for n in card.iter() if isinstance(n.tag, str))), None
        )
        if known is not None:
            when = known.published_at or when
        found[url] = ListingEntry(url=url, title=title, published_at=when)
    return [e for e in found.values() if e.title]


def _card(link: _Element, blocks: Blocks) -> _Element:
    """The largest ancestor of a link that links to no other article."""
    card = link
    for ancestor in link.iterancestors():
        if len(blocks.links(ancestor)) > 1:
            break
        card = ancestor
    return card
