"""RSS 2.0 feeds, parsed safely: entities are never expanded, no DTD is loaded, nothing is fetched.

Several sources publish RSS; each source says which links are its articles.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from email.utils import parsedate_to_datetime
from functools import lru_cache
from urllib.parse import urljoin

from lxml import etree

from crawler.extract.dates import parse_iso, parse_text_date
from crawler.extract.html import clean_text
from crawler.extract.types import ListingEntry


@lru_cache(maxsize=8)
def _parser(encoding: str | None) -> etree.XMLParser:
    return etree.XMLParser(
        encoding=encoding,
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        recover=True,
    )


def rss_entries(
    document: bytes,
    base_url: str,
    article_url: Callable[[str], str | None],
    encoding: str | None = None,
) -> list[ListingEntry]:
    """The feed's items whose link ``article_url`` accepts (it returns the URL to keep, or None),
    first occurrence of each URL only; a broken or empty feed gives no entries. ``encoding``
    (the HTTP charset) overrides the XML declaration."""
    try:
        root = etree.fromstring(document, _parser(encoding))
    except (etree.XMLSyntaxError, LookupError):
        return []
    if root is None:
        return []
    entries: dict[str, ListingEntry] = {}
    for item in root.iter("item"):
        link = (item.findtext("link") or item.findtext("guid") or "").strip()
        url = article_url(urljoin(base_url, link)) if link else None
        if url and url not in entries:
            entries[url] = ListingEntry(
                url=url,
                title=clean_text(item.findtext("title")),
                published_at=rfc822_date(item.findtext("pubDate")),
            )
    return list(entries.values())


def rfc822_date(stamp: str | None) -> datetime | None:
    """An RFC 822 ``pubDate`` (ISO or text dates also accepted) as aware UTC."""
    stamp = (stamp or "").strip()
    if not stamp:
        return None
    try:
        return parse_iso(parsedate_to_datetime(stamp).isoformat())
    except (TypeError, ValueError):
        return parse_iso(stamp) or parse_text_date(stamp)
