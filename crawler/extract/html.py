"""Generic HTML helpers over a parsed page (:attr:`crawler.extract.page.Page.tree`): the text of
a node without boilerplate, meta tags and JSON-LD."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from functools import lru_cache
from typing import Any

from lxml import etree
from lxml import html as lxml_html
from lxml.cssselect import CSSSelector
from lxml.etree import XPath, _Element

BOILERPLATE = (
    "script",
    "style",
    "noscript",
    "iframe",
    "figcaption",
    "figure",
    "nav",
    "aside",
    "form",
    "footer",
    "header",
    "button",
    "svg",
    "template",
)
_NOISE = re.compile(
    r"adfox|banner|related|popular|share|social|tags?-?cloud|subscribe|comments?|currency|"
    r"weather|breadcrumb|menu|widget|advert|promo|read-?also|see-?also|recommend",
    re.I,
)
_CREDIT = re.compile(r"^(фото|коллаж|видео|photo|collage|video|сурет|фото/видео)\s*[:：]", re.I)
_READ_ALSO = re.compile(
    r"^(?:(?:читайте также|также читайте|читайте новости по меткам|по теме|read also|see also|"
    r"оқи отырыңыз)\b|(?:новости по теме|related news|related|popular|популярное|самое читаемое|"
    r"тақырыпқа қатысты)\s*:?\s*$)",
    re.I,
)
_BLOCKS = frozenset(("p", "blockquote", "li", "h2", "h3"))
_CONTAINERS = frozenset(("ul", "ol", "div", "section", "table", "dl"))
_META = XPath("//meta[@content]")
MIN_BODY = 20  # characters: less is a caption or a date, not an article's text
_SPACE = re.compile(r"[ \t\u00a0\u200b]+")


def html_tree(document: bytes, encoding: str) -> _Element:
    """A page's bytes parsed into an lxml tree, decoded as ``encoding`` (an empty document for
    an empty or broken page; an encoding lxml does not know is decoded by Python instead)."""
    try:
        root = etree.fromstring(document, _parser(encoding)) if document.strip() else None
    except LookupError:
        utf8 = document.decode(encoding, "replace").encode("utf-8", "surrogatepass")
        return html_tree(utf8, "utf-8")
    except (etree.ParserError, etree.XMLSyntaxError, ValueError):
        root = None
    return root if root is not None else lxml_html.document_fromstring("<html><body></body></html>")


@lru_cache(maxsize=16)
def _parser(encoding: str) -> lxml_html.HTMLParser:
    return lxml_html.HTMLParser(encoding=encoding)


def clean_text(text: str | None) -> str:
    """Collapse runs of spaces within lines and trim."""
    if not text:
        return ""
    lines = (_SPACE.sub(" ", line).strip() for line in text.splitlines())
    return "\n".join(line for line in lines if line)


def _is_noise(element: _Element) -> bool:
    if element.tag in BOILERPLATE:
        return True
    marker = f"{element.get('class', '')} {element.get('id', '')}"
    return bool(marker.strip()) and bool(_NOISE.search(marker))


def in_boilerplate(element: _Element) -> bool:
    """Whether an element or one of its ancestors is a boilerplate block (related news, menus)."""
    return any(_is_noise(node) for node in [element, *element.iterancestors()])


def node_text(element: _Element | None) -> str:
    """The paragraphs of a content node, boilerplate blocks, link lists and photo credits removed.

    Walks the tree once without copying it: noise subtrees (by tag, class or id), lists that are
    mostly links (related news, tag clouds, menus) and "read also" lines are skipped.
    """
    if element is None:
        return ""
    blocks: list[str] = []
    _collect(element, blocks)
    texts = blocks if blocks else [clean_text(_text(element))]
    return "\n".join(t for t in texts if t and not _CREDIT.match(t) and not _READ_ALSO.match(t))


def _collect(element: _Element, blocks: list[str]) -> None:
    for child in element:
        if not isinstance(child.tag, str) or _is_noise(child):
            continue
        if child.tag in _BLOCKS:
            blocks.append(clean_text(_text(child)))
        elif not (child.tag in _CONTAINERS and _is_link_list(child)):
            _collect(child, blocks)


def _text(element: _Element) -> str:
    """Text of an element without its noise descendants (``<br>`` becomes a line break)."""
    parts = [element.text or ""]
    for child in element:
        if isinstance(child.tag, str) and not _is_noise(child):
            parts.append("\n" if child.tag == "br" else _text(child))
        parts.append(child.tail or "")
    return "".join(parts)


def _is_link_list(element: _Element) -> bool:
    """A block that is mostly links: related-news lists, tag clouds, menus."""
    links = element.findall(".//a")
    if len(links) < 2:
        return False
    linked = sum(len(text_of(a).strip()) for a in links)
    return linked >= 0.6 * max(len(text_of(element).strip()), 1)


def text_of(element: _Element) -> str:
    """All text of an element and its descendants (typed ``text_content``)."""
    return str(element.xpath("string()"))


def strings(result: object) -> list[str]:
    """An XPath result as a list of strings (typed)."""
    return [str(item) for item in result] if isinstance(result, list) else []


@lru_cache(maxsize=512)
def _compiled(selector: str) -> CSSSelector:
    return CSSSelector(selector, translator="html")


def select(tree: _Element, selector: str) -> list[_Element]:
    """Elements matched by a CSS selector (compiled once per selector, not per call)."""
    return elements(_compiled(selector)(tree))


def elements(result: object) -> list[_Element]:
    """An XPath or CSS result as a list of elements (typed)."""
    return [e for e in result if isinstance(e, _Element)] if isinstance(result, list) else []


def first(tree: _Element, selectors: Iterable[str]) -> _Element | None:
    """The first element matched by any of the CSS selectors, tried in order."""
    for selector in selectors:
        found = select(tree, selector)
        if found:
            return found[0]
    return None


def title_element(tree: _Element, selectors: Iterable[str]) -> _Element | None:
    """The article's title element: the first match of the selectors outside the site's header,
    menu and footer (a logo in an ``h1``), else the first match at all."""
    fallback: _Element | None = None
    for selector in selectors:
        for found in select(tree, selector):
            if not in_site_chrome(found):
                return found
            fallback = found if fallback is None else fallback
    return fallback


def in_site_chrome(element: _Element) -> bool:
    """Inside the page's header, menu or footer (an article's own ``<header>`` is not)."""
    tags = {ancestor.tag for ancestor in element.iterancestors()}
    return not tags & {"article", "main"} and bool(tags & {"header", "nav", "footer"})


def first_text(tree: _Element, selectors: Iterable[str]) -> str:
    """The cleaned text of the first element matched by any selector."""
    element = first(tree, selectors)
    return clean_text(text_of(element)) if element is not None else ""


def meta(tree: _Element, *names: str) -> str:
    """The content of the first ``<meta>`` whose property or name is one of ``names``."""
    tags = elements(_META(tree))
    for name in names:
        for attribute in ("property", "name", "itemprop"):
            for tag in tags:
                content = (tag.get("content") or "").strip()
                if tag.get(attribute) == name and content:
                    return content
    return ""


def json_ld(tree: _Element) -> list[dict[str, Any]]:
    """Every JSON-LD object on the page (``@graph`` flattened); broken blocks are skipped."""
    objects: list[dict[str, Any]] = []
    for script in strings(tree.xpath("//script[@type='application/ld+json']/text()")):
        try:
            data = json.loads(str(script))
        except ValueError:
            continue
        for item in data if isinstance(data, list) else [data]:
            if isinstance(item, dict):
                objects.extend(g for g in item.get("@graph", [item]) if isinstance(g, dict))
    return objects


def article_ld(tree: _Element) -> dict[str, Any]:
    """The first JSON-LD object that describes an article, or an empty dict."""
    for item in json_ld(tree):
        kind = item.get("@type")
        kinds = kind if isinstance(kind, list) else [kind]
        if any(str(k).endswith("Article") for k in kinds):
            return item
    return {}


def split_site_name(title: str) -> str:
    """``Title | Outlet`` -> ``Title`` (split on the last ``|``)."""
    head, sep, _ = title.rpartition("|")
    return head.strip() if sep and head.strip() else title.strip()


def main_block(tree: _Element) -> _Element | None:
    """The element holding the most paragraph text in its direct ``<p>`` children, outside
    boilerplate blocks (related news, menus, footers); a paragraph wholly in bold is a lead or a
    subheading, not body text, and does not count. A one-paragraph winner followed by another
    block of text is a lead: the block after it is the body."""
    blocks: dict[int, tuple[_Element, int, int]] = {}
    for paragraph in tree.iter("p"):
        parent = paragraph.getparent()
        if parent is None or id(parent) in blocks or in_boilerplate(parent):
            continue
        texts = [len(text_of(p).strip()) for p in parent if p.tag == "p" and not _bold(p)]
        blocks[id(parent)] = (parent, sum(texts), len(texts))
    ordered = [b for b in blocks.values() if b[1] > 0]
    if not ordered:
        return None
    best = max(ordered, key=lambda b: b[1])
    later = [b for b in ordered[ordered.index(best) + 1 :] if b[1] >= MIN_BODY]
    if best[2] == 1 and later:
        best = max(later, key=lambda b: b[1])
    return best[0]


def _bold(paragraph: _Element) -> bool:
    """Whether all the text of a ``<p>`` is inside one ``<strong>`` or ``<b>`` child."""
    children = [c for c in paragraph if isinstance(c.tag, str)]
    if len(children) != 1 or children[0].tag not in ("strong", "b"):
        return False
    outside = (paragraph.text or "") + (children[0].tail or "")
    return not outside.strip()


def lead_before(
    body: _Element | None, headline: _Element | None, is_date: Callable[[str], bool]
) -> str:
    """The text block between the headline and the body (a lead under another class name):
    the nearest preceding element with text that is not a date, a figure, boilerplate or a
    block of links; nothing once the headline is reached."""
    node = body
    while node is not None and headline is not None:
        for sibling in node.itersiblings(preceding=True):
            if not isinstance(sibling.tag, str):
                continue
            if sibling is headline or any(a is sibling for a in headline.iterancestors()):
                return ""
            text = clean_text(_text(sibling)) if not _is_noise(sibling) else ""
            if not text or is_date(text) or len(sibling.findall(".//a")) > 1:
                continue
            return text
        node = node.getparent()
    return ""
