"""Replica of Kazinform: ``/lenta`` feeds of www.inform.kz (ru), kaz.inform.kz (kk) and
qazinform.com (en), 2026 ``news-card`` and 2024-25 ``allNewsCard`` cards, new (``-hex``) and old
(``_a<digits>``, ``/amp``) article URLs, and ETag validators."""

from __future__ import annotations

import html
import re
from datetime import datetime

from akimwatch.replicas.articles import ReplicaArticle, load_articles
from akimwatch.replicas.server import Reply, Request, Site
from crawler.extract.dates import ALMATY

HOSTS = {"ru": "www.inform.kz", "kk": "kaz.inform.kz", "en": "qazinform.com"}
PREFIX = {"ru": "/ru/", "kk": "/news/", "en": "/news/"}
MONTHS = {
    "ru": [
        "Январь",
        "Февраль",
        "Март",
        "Апрель",
        "Май",
        "Июнь",
        "Июль",
        "Август",
        "Сентябрь",
        "Октябрь",
        "Ноябрь",
        "Декабрь",
    ],
    "ru_gen": [
        "Января",
        "Февраля",
        "Марта",
        "Апреля",
        "Мая",
        "Июня",
        "Июля",
        "Августа",
        "Сентября",
        "Октября",
        "Ноября",
        "Декабря",
    ],
    "kk": [
        "Қаңтар",
        "Ақпан",
        "Наурыз",
        "Сәуір",
        "Мамыр",
        "Маусым",
        "Шілде",
        "Тамыз",
        "Қыркүйек",
        "Қазан",
        "Қараша",
        "Желтоқсан",
    ],
    "en": [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ],
}
E = html.escape


def stamp(value: datetime, language: str, genitive: bool = False) -> str:
    """``21:38, 18 Августа 2026`` in local time."""
    local = value.astimezone(ALMATY)
    months = MONTHS["ru_gen" if genitive and language == "ru" else language]
    return f"{local:%H:%M}, {local.day} {months[local.month - 1]} {local.year}"


class KazinformSite(Site):
    """Serves the three Kazinform feeds and their articles."""

    hosts = tuple(HOSTS.values())

    def __init__(self, page_size: int = 24, data: str = "kazinform") -> None:
        self.page_size = page_size
        self.articles = load_articles(data)

    def path_of(self, article: ReplicaArticle) -> str:
        """The article's path: old shape ``_a<digits>`` or new ``-<hex>``."""
        sep = "_a" if article.markup == "old" else "-"
        tail = "/" if article.language == "kk" else ""
        return f"{PREFIX[article.language]}{article.slug}{sep}{article.id}{tail}"

    def url_of(self, article: ReplicaArticle) -> str:
        """The article's real URL."""
        return f"https://{HOSTS[article.language]}{self.path_of(article)}"

    def handle(self, request: Request) -> Reply:
        """Feed pages and article pages."""
        language = next((lang for lang, host in HOSTS.items() if host == request.host), "ru")
        path = request.path.rstrip("/") or "/"
        if path in ("/lenta", f"/{language}/lenta", "/ru/lenta"):
            return self.listing(language, int(request.arg("page", "1") or 1))
        amp = path.endswith("/amp")
        found = self._find(path.removesuffix("/amp"), language)
        if found is None:
            return Reply(404, b"<html><body><h1>404</h1></body></html>")
        if request.headers.get("If-None-Match") == found.etag:
            return Reply(304, b"", headers={"ETag": found.etag})
        return Reply(200, self.article_page(found, amp).encode(), headers={"ETag": found.etag})

    def _find(self, path: str, language: str) -> ReplicaArticle | None:
        match = re.search(r"(?:-|_a)([0-9a-f]{6,8}|\d{6,8})$", path)
        if not match:
            return None
        return next(
            (a for a in self.articles if a.id == match.group(1) and a.language == language), None
        )

    def listing(self, language: str, page: int) -> Reply:
        """One feed page; past the last page the site keeps showing the last page."""
        items = [a for a in self.articles if a.language == language]
        pages = max(1, -(-len(items) // self.page_size))
        page = min(max(page, 1), pages)
        chunk = items[(page - 1) * self.page_size : page * self.page_size]
        cards = "\n".join(self._card(a) for a in chunk)
        pager = "".join(
            f'<li class="page-item{" active" if n == page else ""}"><a class="page-link" '
            f'href="?page={n}">{n}</a></li>'
            for n in range(1, pages + 1)
        )
        body = (
            f"<html><head><title>Лента | Kazinform</title></head><body>"
            f'<nav class="menu"><a href="/ru/">Главная</a></nav>'
            f'<div class="allNews__list">{cards}</div>'
            f'<ul class="pagination">{pager}</ul></body></html>'
        )
        return Reply(200, body.encode())

    def _card(self, article: ReplicaArticle) -> str:
        href = self.path_of(article)
        if article.markup in ("allNewsCard", "old"):
            return (
                f'<div class="allNewsCard"><a href="{href}"><div class="allNewsCard_title">'
                f'{E(article.title)}</div><div class="allNewsCard_time">'
                f"{stamp(article.published, article.language)}</div></a></div>"
            )
        return (
            f'<a href="{href}" class="news-card"><time class="meta-date">'
            f"{stamp(article.published, article.language, genitive=True)}</time>"
            f'<h3 class="card-title">{E(article.title)}</h3></a>'
        )

    def article_page(self, article: ReplicaArticle, amp: bool = False) -> str:
        """An article page of the 2024-26 site with its boilerplate around it."""
        iso = article.published.astimezone(ALMATY).isoformat()
        paragraphs = "".join(f"<p>{E(p)}</p>" for p in article.paragraphs)
        tags = "".join(f'<a href="/tags/{i}">{E(t)}</a>' for i, t in enumerate(article.tags))
        related = "".join(
            f'<li><a href="{self.path_of(a)}">{E(a.title)}</a></li>'
            for a in self.articles
            if a is not article and a.language == article.language
        )
        head = (
            f'<meta property="og:title" content="{E(article.title)} | Kazinform">'
            f'<meta name="article:published_time" content="{iso}">'
            f'<meta name="author" content="Kazinform">'
        )
        if amp:
            head += '<link rel="canonical" href="' + self.url_of(article) + '">'
        return (
            f"<html><head><title>{E(article.title)}</title>{head}</head><body>"
            '<div class="currency">USD 512.3 EUR 560.1</div>'
            f'<h1 class="article__title">{E(article.title)}</h1>'
            f'<div class="article__time">{stamp(article.published, article.language)}</div>'
            f'<div class="article__content"><div class="article__description"><p>'
            f"{E(article.lead)}</p></div>"
            f'<div class="article__body-text">{paragraphs}'
            '<div class="adfox" id="adfox_1">Реклама</div>'
            '<figure><img src="/i.jpg"><figcaption>Фото: Акорда</figcaption></figure></div>'
            f'<div class="article__tags">{tags}</div></div>'
            f'<div class="related-news"><h3>Читайте также</h3><ul>{related}</ul></div>'
            "</body></html>"
        )
