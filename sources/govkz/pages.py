"""gov.kz: the content-manager news API of the regional akimats: its page objects.

The list items carry the whole article (``body`` HTML), so no page is fetched per article. The
stored URL is the public frontend URL ``.../entities/<project>/press/news/details/<id>?lang=ru``.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from typing import Any

import bcrypt
from scrapy.http import Response

from crawler.extract.dates import parse_iso
from crawler.extract.html import clean_text
from crawler.extract.page import Page
from crawler.extract.types import Extracted, ListingEntry
from detect.normalize import strip_html
from storage.urls import source_article_id

API = "https://www.gov.kz/api/v1/public/content-manager/news"
K6 = "https://www.gov.kz/api/v1/public/_/c/k6"
ORIGIN = "https://www.gov.kz"
FRONTEND = "https://www.gov.kz/memleket/entities/{project}/press/news/details/{id}?lang={lang}"
HASH_SALT = b"$2a$10$HxyKf0Cy3Ecnp874AXBXOe"
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


@dataclass(frozen=True)
class ApiItem:
    """One news item of an API page: its listing entry (the frontend URL) and its fields."""

    entry: ListingEntry
    article: Extracted


class ApiPage(Page[list[ApiItem] | None]):
    """One page of a project's news in one language, as the API answered it."""

    def __init__(self, response: Response, project: str, language: str) -> None:
        super().__init__(response)
        self.project, self.language = project, language

    @property
    def refused(self) -> bool:
        """Whether the answer is the anti-bot refusal (HTTP 400 mentioning ``notAllowed``)."""
        return self.response.status in (400, 401, 403) and "notallowed" in self.text.lower()

    def to_record(self) -> list[ApiItem] | None:
        """The page's items (a JSON array or ``{"content": [...]}``); None when the answer is
        not a news page (an HTML block page, an error object, an HTTP error)."""
        if self.response.status != 200:
            return None
        try:
            data = json.loads(self.text)
        except ValueError:
            return None
        if isinstance(data, dict):
            data = data.get("content")
        if not isinstance(data, list):
            return None
        return [_item(i, self.project, self.language) for i in data if isinstance(i, dict)]


class TicketPage(Page[dict[str, str]]):
    """The k6 handshake's answer."""

    def to_record(self) -> dict[str, str]:
        """Its scalar key/value pairs, to send back as request headers (none on an error)."""
        try:
            data = json.loads(self.text) if self.response.status == 200 else None
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


def _item(item: dict[str, Any], project: str, language: str) -> ApiItem:
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
    return ApiItem(ListingEntry(url=url, title=title, published_at=published), extracted)


def _html_text(value: object) -> str:
    """Text of a CMS HTML fragment (plain strings pass through), one line per block."""
    return clean_text(strip_html(str(value))) if value else ""
