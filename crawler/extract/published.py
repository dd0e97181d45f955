"""An article page's publication time, ranked from the candidates a page offers.

1. Structured data: JSON-LD ``datePublished``, ``article:published_time`` (and its variants),
   microdata ``itemprop=datePublished``.
2. The date nearest the headline in document order: a ``time`` (its ``datetime``, else its
   text) or an element whose own text is a date in one of the sources' known forms.
3. A date in the URL (``/2026/03/21/``).

Never a candidate: a date inside a block that lists other articles (recognised by structure, see
:mod:`crawler.extract.blocks`), an "updated"/"modified" date, a date in a page header, menu or
footer that does not hold the headline (the site's clock). The listing, feed or API date the
spider reached the page from is weighed against this one by :func:`reconcile`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from lxml.etree import _Element

from crawler.extract.blocks import Blocks, date_of
from crawler.extract.dates import local_to_utc, parse_iso
from crawler.extract.html import article_ld, meta, select, text_of, title_element
from detect.dates import is_local_midnight

STRUCTURED_META = ("article:published_time", "og:article:published_time", "datePublished")
_UPDATED = re.compile(
    r"обновл|изменен|редакт|updated|modified|edited|жаңарт|өзгерт|datemodified", re.I
)
_SITE_CHROME = frozenset(("header", "nav", "footer"))
_URL_DATE = re.compile(r"/(20\d{2})[/-](\d{1,2})[/-](\d{1,2})(?:/|$)")
_HEADINGS = frozenset(("h1", "h2", "h3", "h4"))
_SKIP = frozenset(("script", "style", "noscript", "template", "head", "title", "option"))
CONFLICT = timedelta(days=1)


@dataclass(frozen=True)
class Reconciled:
    """The time to store, and the page's own time when the listing's was kept over it."""

    published_at: datetime | None
    page_published_at: datetime | None = None

    @property
    def conflict(self) -> bool:
        """Whether the page and the listing disagreed by more than a day."""
        return self.page_published_at is not None


def page_published(
    tree: _Element,
    url: str,
    is_article: Callable[[str], bool],
    headline: _Element | None = None,
    now: datetime | None = None,
) -> datetime | None:
    """The page's publication time by the ranking above (None when the page shows none)."""
    found = parse_iso(str(article_ld(tree).get("datePublished") or "")) or parse_iso(
        meta(tree, *STRUCTURED_META)
    )
    if found:
        return found
    anchor = headline if headline is not None else _headline(tree)
    blocks = Blocks(tree, url, is_article, now, anchor)
    return microdata(tree, blocks) or nearest_date(tree, blocks, anchor) or url_date(url)


def microdata(tree: _Element, blocks: Blocks) -> datetime | None:
    """An ``itemprop=datePublished`` time outside blocks that list other articles."""
    for node in select(tree, "[itemprop=datePublished]"):
        if node.tag == "meta" or not blocks.in_listing(node):
            value = parse_iso(node.get("datetime") or node.get("content"))
            if value:
                return value
    return None


def nearest_date(tree: _Element, blocks: Blocks, headline: _Element | None) -> datetime | None:
    """The article's date nearest the headline in document order, looking outwards from it
    (earlier first at equal distance; from the top when there is no headline)."""
    for node in outwards(headline) if headline is not None else tree.iter():
        if not isinstance(node.tag, str) or node.tag in _SKIP:
            continue
        value = date_of(node, blocks.now)
        if value is not None and not _excluded(node, blocks, headline):
            return value
    return None


def outwards(node: _Element) -> Iterator[_Element]:
    """``node``, then the elements before and after it in document order, alternately, the
    nearest first (elements are visited lazily: a near date ends the walk early)."""
    yield node
    before, after = _before(node), _after(node)
    while True:
        earlier, later = next(before, None), next(after, None)
        if earlier is None and later is None:
            return
        yield from (n for n in (earlier, later) if n is not None)


def _before(node: _Element) -> Iterator[_Element]:
    """The elements before ``node`` in reverse document order (ancestors included)."""
    for level in [node, *node.iterancestors()]:
        for sibling in level.itersiblings(preceding=True):
            yield from reversed(list(sibling.iter()))
        parent = level.getparent()
        if parent is not None:
            yield parent


def _after(node: _Element) -> Iterator[_Element]:
    """The elements after ``node`` in document order (its descendants first)."""
    inside = node.iter()
    next(inside)
    yield from inside
    for level in [node, *node.iterancestors()]:
        for sibling in level.itersiblings():
            yield from sibling.iter()


def _excluded(node: _Element, blocks: Blocks, headline: _Element | None) -> bool:
    """A date that is not the article's publication date."""
    if _updated(node) or blocks.in_listing(node):
        return True
    return any(
        a.tag in _SITE_CHROME and (headline is None or not _contains(a, headline))
        for a in node.iterancestors()
    )


def _updated(node: _Element) -> bool:
    """An "updated"/"modified" date: by its label, its own or its parent's text before it, or
    its itemprop/class."""
    labels = [node.get("itemprop", ""), node.get("class", ""), text_of(node)[:80]]
    previous, parent = node.getprevious(), node.getparent()
    if previous is not None:
        label = (previous.text or "").strip()
        labels += [label if len(label) <= 40 and previous.tag not in _HEADINGS else ""]
        labels.append((previous.tail or "")[-40:])
    elif parent is not None:
        labels.append((parent.text or "")[-40:])
    return bool(_UPDATED.search(" ".join(labels)))


def _contains(ancestor: _Element, node: _Element) -> bool:
    return any(a is ancestor for a in node.iterancestors())


def _headline(tree: _Element) -> _Element | None:
    return title_element(tree, ("h1",))


def url_date(url: str) -> datetime | None:
    """A ``/YYYY/MM/DD/`` date in the URL, as local midnight."""
    match = _URL_DATE.search(url)
    if match is None:
        return None
    try:
        year, month, day = (int(g) for g in match.groups())
        return local_to_utc(datetime(year, month, day))
    except ValueError:
        return None


def reconcile(page: datetime | None, listing: datetime | None) -> Reconciled:
    """The page's time against the listing/feed/API time the spider came with: more than a
    day apart, the listing's is kept (and the page's reported); a page date without a time
    gives way to a listing time on the same day."""
    if page is None or listing is None:
        return Reconciled(page or listing)
    if abs(page - listing) > CONFLICT:
        return Reconciled(listing, page)
    same_day = page <= listing < page + CONFLICT
    if same_day and is_local_midnight(page) and not is_local_midnight(listing):
        return Reconciled(listing)
    return Reconciled(page)
