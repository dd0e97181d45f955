"""gov.kz: the content-manager news API of the regional akimats (pure functions).

The list items carry the whole article (``body`` HTML), so no page is fetched per article. The
stored URL is the public frontend URL ``.../entities/<project>/press/news/details/<id>?lang=ru``.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

import bcrypt

from crawler.extract.dates import parse_iso
from crawler.extract.html import clean_text, parse
from crawler.extract.types import Extracted, ListingEntry
from storage.urls import source_article_id

API = "https://www.gov.kz/api/v1/public/content-manager/news"
K6 = "https://www.gov.kz/api/v1/public/_/c/k6"
ORIGIN = "https://www.gov.kz"
FRONTEND = "https://www.gov.kz/memleket/entities/{project}/press/news/details/{id}?lang={lang}"
HASH_SALT = b"$2a$10$HxyKf0Cy3Ecnp874AXBXOe"
BLOCKS = frozenset(("p", "div", "li", "br", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "blockquote"))
DROP = frozenset(("figure", "figcaption", "script", "style", "iframe", "noscript"))
# The 17 oblasts and 3 cities. Evidence: a site footer (sources.md §3.2) for the pre-2022 slugs;
# ``abay`` (idx:71439037552), ``ulytau`` (idx:34504426198), ``almobl`` ("Акимат Алматинской
# области", idx:56168517574) and ``zhetysu`` as Zhetysu region (idx:66904554714) are best
# guesses for the regions formed or renamed in 2022: check them live.
PROJECTS = (
    "astana",
    "almaty",
    "shymkent",
    "abay",
    "aqmola",
    "aktobe",
    "almobl",
    "atyrau",
    "akimvko",
    "zhambyl",
    "zhetysu",
    "bko",
    "karaganda",
    "kostanay",
    "kyzylorda",
    "mangystau",
    "pavlodar",
    "sko",
    "ontustik",
    "ulytau",
)


def frontend_url(project: str, item_id: str, language: str) -> str:
    """The public page of a news item (what users open and what we store)."""
    return FRONTEND.format(project=project, id=item_id, lang=language)


def api_url(project: str, page: int, size: int = 10) -> str:
    """One page of a project's news, newest first."""
    return f"{API}?sort-by=created_date:DESC&projects=eq:{project}&page={page}&size={size}"


def news_items(document: bytes | str) -> list[dict[str, Any]] | None:
    """The items of an API page (a JSON array or ``{"content": [...]}``); None when the answer
    is not a news page (an HTML block page, an error object)."""
    try:
        data = json.loads(document)
    except ValueError:
        return None
    if isinstance(data, dict):
        data = data.get("content")
    if not isinstance(data, list):
        return None
    return [item for item in data if isinstance(item, dict)]


def not_allowed(status: int, document: bytes | str) -> bool:
    """Whether an answer is the anti-bot refusal (HTTP 400 mentioning ``notAllowed``)."""
    text = document.decode("utf-8", "replace") if isinstance(document, bytes) else document
    return status in (400, 401, 403) and "notallowed" in text.lower()


def ticket_headers(document: bytes | str) -> dict[str, str]:
    """The key/value pairs of a k6 answer, to send back as request headers."""
    try:
        data = json.loads(document)
    except ValueError:
        return {}
    if not isinstance(data, dict):
        return {}
    return {
        str(key): str(value)
        for key, value in data.items()
        if isinstance(value, str | int) and not isinstance(value, bool) and str(value)
    }


def token_headers() -> dict[str, str]:
    """The older ``token``/``hash`` pair: a random hex token and its bcrypt with a fixed salt."""
    token = uuid.uuid4().hex
    return {"token": token, "hash": bcrypt.hashpw(token.encode(), HASH_SALT).decode()}


def extract_item(
    item: dict[str, Any], project: str, language: str
) -> tuple[ListingEntry, Extracted]:
    """One API item as the listing entry (frontend URL) and the article's fields."""
    item_id = str(item.get("id", "")).strip()
    url = frontend_url(project, item_id, language)
    title = clean_text(str(item.get("title") or ""))
    published = parse_iso(str(item.get("created_date") or ""))
    lead = _html_text(item.get("short_description"))
    body = _html_text(item.get("body"))
    if lead and body.startswith(lead):
        body = body[len(lead) :].strip()
    extracted = Extracted(
        title=title,
        lead=lead,
        body=body,
        published_at=published,
        author=clean_text(str(item["author"])) if item.get("author") else None,
        tags=[],
        language=language,
        source_id=source_article_id("govkz", url),
    )
    return ListingEntry(url=url, title=title, published_at=published), extracted


def _html_text(value: object) -> str:
    """Text of a CMS HTML fragment, one line per block (text outside ``<p>`` kept), figures,
    captions and scripts removed; plain strings pass through."""
    if not value:
        return ""
    text = str(value)
    if "<" not in text:
        return clean_text(text)
    root = parse(f"<div>{text}</div>")
    for node in list(root.iter()):
        if node.tag in DROP:
            node.drop_tree()  # type: ignore[attr-defined]
        elif node.tag in BLOCKS:
            node.text = "\n" + (node.text or "")
            node.tail = "\n" + (node.tail or "")
    return clean_text("".join(str(t) for t in root.itertext()))
