"""Blocks that list other articles, recognised by structure rather than by class names.

A listing block is a container of several items, each a link to another article of the same
site with its own date (a card: ``<div><a href=…>title</a><span>date</span></div>``), or a flat
run of such links and dates side by side; a lone card (a short block around one other article's
link) counts too. A date inside one is never the page's own. The block holding the headline (the
article itself, the first ``h1`` unless the site extractor names it) is never a card.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import datetime
from urllib.parse import urljoin, urlsplit

from lxml.etree import _Element

from crawler.extract.dates import find_text_date, parse_iso
from crawler.extract.html import text_of

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
        self.dates: list[tuple[_Element, datetime]] = []
        """Every date on the page in document order, with its element."""
        self.links: dict[int, set[str]] = defaultdict(set)
        self.dated: dict[int, int] = defaultdict(int)
        self.headed: set[int] = set()
        self._memo: dict[int, bool] = {}
        # Element proxies are kept alive so that their ids stay theirs while the maps are used.
        self.nodes = list(tree.iter())
        self.order = {id(node): i for i, node in enumerate(self.nodes)}
        if headline is None:
            headline = next((n for n in self.nodes if n.tag == "h1"), None)
        if headline is not None:
            self.headed.update(id(a) for a in [headline, *headline.iterancestors()])
        own = _key(url)
        for node in self.nodes:
            if not isinstance(node.tag, str) or node.tag in _SKIP:
                continue
            if node.tag == "a":
                target = urljoin(url, (node.get("href") or "").strip())
                if _key(target) != own and is_article(target):
                    self._mark(node, self.links, _key(target))
            value = date_of(node, now)
            if value is not None:
                self.dates.append((node, value))
                for ancestor in [node, *node.iterancestors()]:
                    self.dated[id(ancestor)] += 1

    @staticmethod
    def _mark(node: _Element, marks: dict[int, set[str]], value: str) -> None:
        for ancestor in [node, *node.iterancestors()]:
            marks[id(ancestor)].add(value)

    def in_listing(self, node: _Element) -> bool:
        """Whether ``node`` lies inside a card of another article (a short block with that
        article's link and a date) or a block that lists other dated articles."""
        return self.in_card(node) or any(self.is_listing(a) for a in node.iterancestors())

    def in_card(self, node: _Element) -> bool:
        """Whether ``node`` lies inside a short block holding another article's link."""
        for ancestor in [node, *node.iterancestors()]:
            key = id(ancestor)
            if key in self.headed or len(self.links[key]) > 1:
                return False
            if self.links[key] and len(text_of(ancestor)) < CARD_TEXT:
                return True
        return False

    def is_listing(self, container: _Element) -> bool:
        """Several dated items linking to other articles (cards, or flat link/date runs)."""
        key = id(container)
        if key not in self._memo:
            children = [c for c in container if isinstance(c.tag, str)]
            items = sum(1 for c in children if self._item(c))
            links = sum(1 for c in children if self._link(c))
            dates = sum(1 for c in children if self.dated[id(c)] and not self.links[id(c)])
            self._memo[key] = items >= 2 or (links >= 2 and dates >= 2)
        return self._memo[key]

    def _item(self, node: _Element) -> bool:
        """A card: one other article's link and a date, not the article itself."""
        key = id(node)
        return len(self.links[key]) == 1 and self.dated[key] > 0 and key not in self.headed

    def _link(self, node: _Element) -> bool:
        key = id(node)
        return len(self.links[key]) == 1 and not self.dated[key] and key not in self.headed


def _key(url: str) -> str:
    parts = urlsplit(url)
    return f"{(parts.hostname or '').removeprefix('www.')}{parts.path.rstrip('/')}"


def own_text(node: _Element) -> str:
    """An element's own text and its children's tails (all the text of a ``time``)."""
    if node.tag == "time":
        return "".join(str(t) for t in node.itertext())
    return (node.text or "") + "".join(child.tail or "" for child in node)


def date_of(node: _Element, now: datetime | None = None) -> datetime | None:
    """The date an element shows: a ``time``'s ``datetime`` or text, or a short own text in one
    of the known printed forms."""
    text = own_text(node)
    if node.tag == "time":
        return parse_iso(node.get("datetime")) or find_text_date(text, now)
    return find_text_date(text, now) if len(text) < 80 else None
