"""Generic HTML helpers: parsing, text of a node without boilerplate, meta tags and JSON-LD."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Any

from lxml import html as lxml_html
from lxml.etree import ParserError, _Element

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
_SPACE = re.compile(r"[ \t\u00a0\u200b]+")


def parse(document: bytes | str, encoding: str | None = None) -> _Element:
    """Parse a page into an lxml tree (an empty document for an empty or broken page)."""
    if isinstance(document, bytes) and encoding:
        document = document.decode(encoding, errors="replace")
    if not document or not document.strip():
        return lxml_html.fromstring("<html><body></body></html>")
    try:
        return lxml_html.fromstring(document)
    except (ParserError, ValueError):
        return lxml_html.fromstring("<html><body></body></html>")


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
    """The paragraphs of a content node, boilerplate blocks and photo credits removed."""
    if element is None:
        return ""
    element = _copy_without_noise(element)
    blocks = element.xpath(".//p | .//blockquote | .//li | .//h2 | .//h3")
    texts = (
        [clean_text(b.text_content()) for b in blocks]
        if blocks
        else [clean_text(element.text_content())]
    )
    return "\n".join(t for t in texts if t and not _CREDIT.match(t))


def _copy_without_noise(element: _Element) -> _Element:
    copy = lxml_html.fromstring(lxml_html.tostring(element))
    for node in list(copy.iter()):
        if node is not copy and isinstance(node.tag, str) and _is_noise(node):
            node.drop_tree()
    return copy


def first(tree: _Element, selectors: Iterable[str]) -> _Element | None:
    """The first element matched by any of the CSS selectors, tried in order."""
    for selector in selectors:
        found = tree.cssselect(selector)
        if found:
            return found[0]
    return None


def first_text(tree: _Element, selectors: Iterable[str]) -> str:
    """The cleaned text of the first element matched by any selector."""
    element = first(tree, selectors)
    return clean_text(element.text_content()) if element is not None else ""


def meta(tree: _Element, *names: str) -> str:
    """The content of the first ``<meta>`` whose property or name is one of ``names``."""
    for name in names:
        for attribute in ("property", "name", "itemprop"):
            found = tree.xpath(f"//meta[@{attribute}=$n]/@content", n=name)
            if found and str(found[0]).strip():
                return str(found[0]).strip()
    return ""


def json_ld(tree: _Element) -> list[dict[str, Any]]:
    """Every JSON-LD object on the page (``@graph`` flattened); broken blocks are skipped."""
    objects: list[dict[str, Any]] = []
    for script in tree.xpath("//script[@type='application/ld+json']/text()"):
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
    """``Title | Kazinform`` -> ``Title`` (split on the last ``|``)."""
    head, sep, _ = title.rpartition("|")
    return head.strip() if sep and head.strip() else title.strip()
