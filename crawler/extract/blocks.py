"""Blocks that list other articles, recognised by structure rather than by class names.

A listing block is a container of several items, each a link to another article of the same
site with its own date (a card: ``<div><a href=…>title</a><span>date</span></div>``), or a flat
run of such links and dates side by side; a lone card (a short block around one other article's
link) counts too. A date inside one is never the page's own. The block holding the headline (the
article itself, the first ``h1`` unless the site extractor names it) is never a card or a list.

Everything is computed on demand for the elements asked about (and remembered), so a page whose
own date sits beside its headline costs a few small subtree scans, not a walk of the whole page.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from urllib.parse import urljoin, urlsplit

from lxml.etree import _Element

from crawler.extract.dates import find_text_date, parse_iso
from crawler.extract.html import text_of, title_element

_SKIP = frozenset(("script", "style", "noscript", "template", "head"))
CARD_TEXT = 400  # a card is a title and a date, not an article's text


class Blocks:
    """Which elements of a page lie inside a block that lists other articles."""

    def __init__(
        self,
        tree: _Element,
        url: str,
        is_article: Callable[[str], bool],
        now: datetime | None = None,
        headline: _Element | None = None,
    ) -> None:
        self.url, self.is_article, self.now = url, is_article, now
        self._own, self._origin = _key(url), _origin(url)
        # Memo values hold their element, so that its id stays its own while the memo lives.
        self._links: dict[int, tuple[_Element, frozenset[str]]] = {}
        self._dated: dict[int, tuple[_Element, bool]] = {}
        self._listing: dict[int, tuple[_Element, bool]] = {}
        if headline is None:
            headline = title_element(tree, ("h1",))
        self._headed = [headline, *headline.iterancestors()] if headline is not None else []
        self.headed = {id(a) for a in self._headed}

    def links(self, node: _Element) -> frozenset[str]:
        """The other articles of the site that ``node`` (or its subtree) links to."""
        key = id(node)
        if key not in self._links:
            found = set()
            for link in node.iter("a"):
                href = (link.get("href") or "").strip()
                target = _absolute(self.url, self._origin, href) if href else ""
                if target and _key(target) != self._own and self.is_article(target):
                    found.add(_key(target))
            self._links[key] = (node, frozenset(found))
        return self._links[key][1]

    def dated(self, node: _Element) -> bool:
        """Whether ``node`` or its subtree shows a date."""
        key = id(node)
        if key not in self._dated:
            shown = any(date_of(n, self.now) is not None for n in _elements(node))
            self._dated[key] = (node, shown)
        return self._dated[key][1]

    def in_listing(self, node: _Element) -> bool:
        """Whether ``node`` lies in a card of another article or a block listing others (up to
        the block that holds the headline)."""
        for ancestor in [node, *node.iterancestors()]:
            if id(ancestor) in self.headed:
                return False
            links = self.links(ancestor)
            if len(links) == 1 and len(text_of(ancestor)) < CARD_TEXT:
                return True
            if len(links) > 1 and self.is_listing(ancestor):
                return True
        return False

    def is_listing(self, container: _Element) -> bool:
        """Several dated items linking to other articles (cards, or flat link/date runs)."""
        key = id(container)
        if key not in self._listing:
            items = links = dates = 0
            for child in container:
                if not isinstance(child.tag, str) or id(child) in self.headed:
                    continue
                linked, dated = len(self.links(child)), self.dated(child)
                items += linked == 1 and dated
                links += linked == 1 and not dated
                dates += dated and not linked
            self._listing[key] = (container, items >= 2 or (links >= 2 and dates >= 2))
        return self._listing[key][1]


def _elements(node: _Element) -> list[_Element]:
    return [n for n in node.iter() if isinstance(n.tag, str) and n.tag not in _SKIP]


def _key(url: str) -> str:
    """Host (without ``www.``) and path: one key per article whatever the query or fragment."""
    _, sep, rest = url.partition("://")
    if not sep or any(c in rest for c in "@[\\"):
        parts = urlsplit(url)
        return f"{(parts.hostname or '').removeprefix('www.')}{parts.path.rstrip('/')}"
    host, _, path = rest.partition("/")
    path = path.split("#", 1)[0].split("?", 1)[0]
    return f"{host.split(':', 1)[0].lower().removeprefix('www.')}/{path}".rstrip("/")


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _absolute(base: str, origin: str, href: str) -> str:
    """``href`` made absolute (a site-relative path without ``urljoin``'s cost)."""
    if href.startswith("/") and not href.startswith("//"):
        return origin + href
    return urljoin(base, href)


def own_text(node: _Element) -> str:
    """An element's own text and its children's tails (all the text of a ``time``)."""
    if node.tag == "time":
        return "".join(str(t) for t in node.itertext())
    return (node.text or "") + "".join(child.tail or "" for child in node)


def date_of(node: _Element, now: datetime | None = None) -> datetime | None:
    """The date an element shows: a ``time``'s ``datetime`` or text, or a short own text in one
    of the known printed forms."""
    if node.tag != "time" and not node.text and not len(node):
        return None
    text = own_text(node)
    if node.tag == "time":
        return parse_iso(node.get("datetime")) or find_text_date(text, now)
    return find_text_date(text, now) if len(text) < 80 else None
