"""Replica of the gov.kz content-manager news API with its anti-bot handshake.

``POST /api/v1/public/_/c/k6`` hands out a ticket (``{"x-ticket": ...}``) that ``/news`` requires as
a header; without it ``/news`` answers 400 ``{"error":"notAllowed"}``. ``expire_after=N`` revokes
every ticket once after N news pages (a ticket expiring mid-crawl); ``mode="hash"`` removes k6 and
demands the older ``token``/``hash`` headers instead. ``ticket_scope="chain"`` binds a ticket to
the first project and language it is used for (the portal might scope tickets so; then one shared
by every chain is refused elsewhere); ``"any"``, the default, accepts it anywhere. Some projects
answer a JSON array, others ``{"content": [...]}``; past the last page the answer is empty.
Language is ``Accept-Language``.
``layout=1..4`` varies what sources.md allows: the page shape, string or number ids, the
``created_date`` forms (fractions, ``Z``, ``+0000``, ``+05:00``, ``+0500``), the lead only in an
HTML ``short_description``, extra fields.
"""

from __future__ import annotations

import json
import threading
import uuid
from typing import Any

import bcrypt

from crawler.extract.dates import ALMATY
from replicas import layouts
from replicas.articles import CrawledArticle, ReplicaArticle, load_articles
from replicas.server import Reply, Request, Site
from sources.govkz.pages import frontend_url

NEWS = "/api/v1/public/content-manager/news"
K6 = "/api/v1/public/_/c/k6"
JSON = "application/json;charset=UTF-8"
TICKET_SCOPES = ("any", "chain")
NOT_ALLOWED = Reply(400, b'{"error":"notAllowed"}', JSON)


class GovkzSite(Site):
    """Serves the news API of the akimat projects in the data file."""

    hosts = ("www.gov.kz", "gov.kz")

    def __init__(
        self,
        page_size: int = 2,
        mode: str = "k6",
        expire_after: int | None = None,
        content_projects: tuple[str, ...] = ("astana",),
        first_page: int = 1,
        data: str = "govkz",
        layout: int = 0,
        ticket_scope: str = "any",
    ) -> None:
        if ticket_scope not in TICKET_SCOPES:
            raise ValueError(f"ticket_scope must be one of {TICKET_SCOPES}, not {ticket_scope!r}")
        self.page_size = page_size
        self.mode = mode
        self.expire_after = expire_after
        self.content_projects = content_projects
        self.first_page = first_page
        self.articles = load_articles(data)
        self.layout = layouts.check(layout)
        self.ticket_scope = ticket_scope
        self.tickets: dict[str, tuple[str, str] | None] = {}  # ticket: the chain it is bound to
        self.served = 0
        self._lock = threading.Lock()

    def handle(self, request: Request) -> Reply:
        """The k6 handshake and the news list."""
        if request.path == K6 and request.method == "POST":
            return self.k6() if self.mode == "k6" else Reply(404, b'{"error":"notFound"}', JSON)
        if request.path.rstrip("/") == NEWS:
            if not self.allowed(request):
                return NOT_ALLOWED
            return self.news(request)
        return Reply(200, b"<html><head></head><body><div id=root></div></body></html>")

    def k6(self) -> Reply:
        """A fresh ticket, as JSON and as a cookie."""
        ticket = uuid.uuid4().hex
        with self._lock:
            self.tickets[ticket] = None
        return Reply(
            200,
            json.dumps({"x-ticket": ticket}).encode(),
            JSON,
            headers={"Set-Cookie": f"k6t={ticket}; Path=/; HttpOnly"},
        )

    def allowed(self, request: Request) -> bool:
        """Whether the request carries a valid ticket (or token/hash pair in ``hash`` mode)."""
        headers = {k.lower(): v for k, v in request.headers.items()}
        with self._lock:
            if self.expire_after is not None and self.served >= self.expire_after:
                self.expire_after = None
                self.tickets.clear()
            if self.mode == "hash":
                token, hashed = headers.get("token", ""), headers.get("hash", "")
                return bool(token and hashed) and bcrypt.checkpw(token.encode(), hashed.encode())
            ticket = headers.get("x-ticket", "")
            if ticket not in self.tickets:
                return False
            if self.ticket_scope == "any":
                return True
            chain = (request.arg("projects").removeprefix("eq:"), _language(request))
            bound = self.tickets[ticket] = self.tickets[ticket] or chain
            return bound == chain

    def news(self, request: Request) -> Reply:
        """One page of a project's news in the requested language."""
        project = request.arg("projects").removeprefix("eq:")
        language = _language(request)
        page = int(request.arg("page", str(self.first_page)) or self.first_page)
        size = min(int(request.arg("size", "10") or 10), self.page_size)
        items = self.listed(project, language)
        start = (page - self.first_page) * size
        chunk = [self.item(a) for a in items[start : start + size]] if start >= 0 else []
        with self._lock:
            self.served += 1
        data: Any = chunk
        if project in self.content_projects or self.layout in (1, 4):
            data = {"content": chunk, "totalElements": len(items), "number": page}
        return Reply(200, json.dumps(data, ensure_ascii=False).encode(), JSON)

    def crawled(self) -> list[CrawledArticle]:
        """Every article, at the portal's page for it (the URL the spider stores)."""
        return [
            CrawledArticle(a, frontend_url(a.extra["project"], a.id, a.language))
            for a in self.articles
        ]

    def source_options(self) -> dict[str, Any]:
        """Every project the articles belong to."""
        return {"projects": sorted({a.extra["project"] for a in self.articles})}

    def listed(self, project: str, language: str) -> list[ReplicaArticle]:
        """A project's articles in a language, newest first."""
        return [
            a for a in self.articles if a.extra.get("project") == project and a.language == language
        ]

    def item(self, article: ReplicaArticle) -> dict[str, Any]:
        """The API's JSON for one article (``body`` is CMS HTML)."""
        paragraphs = "".join(f"<p>{p}</p>" for p in article.paragraphs)
        body = (
            f'<p style="text-align: justify;">{article.lead}</p>{paragraphs}'
            if article.lead
            else paragraphs
        )
        body += (
            '<p>&nbsp;</p><figure><img src="/uploads/x.jpg"><figcaption>Фото: пресс-служба'
            "</figcaption></figure>"
        )
        item: dict[str, Any] = {
            "id": str(article.id) if self.layout in (1, 3) else int(article.id),
            "title": article.title,
            "slug": article.slug,
            "created_date": self.created_date(article),
            "body": paragraphs if self.layout == 2 else body,
            "short_description": f"<p>{article.lead}</p>" if self.layout == 2 else article.lead,
            "heropic": f"/uploads/2026/1/1/{article.id}_original.jpg",
            "alt_image": "",
            "projects": article.extra.get("project"),
        }
        if self.layout == 3:
            item.update(views=12, tags=None, author="", publish_date=None)
        return item

    def created_date(self, article: ReplicaArticle) -> str:
        """Layout 0 by the article's style: ``2026-06-09T11:48:00Z`` or
        ``2025-02-14T16:23:11.000+0500``; layouts 1-4: UTC with ``.000+0000``, local with
        ``+05:00``, ``.000Z``, local with microseconds and ``+0500``."""
        local = article.published.astimezone(ALMATY)
        offset = article.extra.get("date_style") == "offset"
        style = self.layout or (-1 if offset else 0)
        return {
            -1: local.strftime("%Y-%m-%dT%H:%M:%S.000%z"),
            0: article.published.strftime("%Y-%m-%dT%H:%M:%SZ"),
            1: article.published.strftime("%Y-%m-%dT%H:%M:%S.000+0000"),
            2: local.isoformat(timespec="seconds"),
            3: article.published.strftime("%Y-%m-%dT%H:%M:%S.000Z"),
            4: local.strftime("%Y-%m-%dT%H:%M:%S.%f%z"),
        }[style]


def _language(request: Request) -> str:
    """The language asked for (``Accept-Language``)."""
    return (request.headers.get("Accept-Language") or "ru")[:2].lower()
