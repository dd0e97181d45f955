"""Replica of bestnews.kz (Joomla, UIkit "wmarka" template): category blogs (``/vlast``,
``/kazakhstan``, …) and tag pages (``/t/<alias>``) paginated with ``?start=<offset>`` (an empty
list past the end, as Joomla does), the home page modules, and article pages in the 2023-25
template (JSON-LD, ``article:published_time``) and the 2026 one (``uk-dropcap``, ``21.03.2026``),
with and without the numeric id in the URL. Boilerplate (menus, the tag cloud, related and popular
modules) surrounds every article. ``layout=1..4`` serves cards and articles in a redesign
(:mod:`replicas.layouts`).
"""

from __future__ import annotations

import html
import json
import re
from datetime import datetime

from crawler.extract.dates import ALMATY
from replicas import layouts
from replicas.articles import CrawledArticle, ReplicaArticle, load_articles
from replicas.layouts import Link
from replicas.server import Reply, Request, Site

HOST = "bestnews.kz"
TAG_ALIASES = {
    "Президент Казахстана": "prezident-kazakhstana",
    "Акимы": "akimy",
    "Эксклюзив": "eksklyuziv",
}
MENU = (
    '<header class="uk-navbar-container"><nav class="uk-navbar"><ul class="uk-navbar-nav">'
    '<li><a href="/kazakhstan">Казахстан</a></li><li><a href="/vlast">Власть</a></li>'
    '<li><a href="/v-mire">В мире</a></li><li><a href="/t/video">Видео</a></li></ul></nav></header>'
)
TAG_CLOUD = (
    '<div class="tags-cloud uk-margin"><p>Читайте новости по меткам:</p>'
    '<a href="/t/goryachie-novosti">горячие новости 402</a> <a href="/t/barys">Барыс 358</a> '
    '<a href="/t/prezident-kazakhstana">Президент Казахстана 200</a> '
    '<a href="/t/akimy">Акимы 138</a></div>'
)
E = html.escape


def tag_alias(tag: str) -> str:
    """The ``/t/<alias>`` of a tag name."""
    return TAG_ALIASES.get(tag) or re.sub(r"\W+", "-", tag.lower()).strip("-")


class BestnewsSite(Site):
    """Serves bestnews.kz listings and articles."""

    hosts = (HOST, "www." + HOST)

    def __init__(self, page_size: int = 4, data: str = "bestnews", layout: int = 0) -> None:
        self.page_size = page_size
        self.articles = load_articles(data)
        self.layout = layouts.check(layout)

    def path_of(self, article: ReplicaArticle) -> str:
        """``/<category>/<id>-<alias>`` or, for articles without the id, ``/<category>/<alias>``."""
        category = article.extra.get("category", "kazakhstan")
        with_id = article.extra.get("id_in_url", True)
        alias = f"{article.id}-{article.slug}" if with_id else article.slug
        return f"/{category}/{alias}"

    def url_of(self, article: ReplicaArticle) -> str:
        """The article's real URL."""
        return f"https://{HOST}{self.path_of(article)}"

    def crawled(self) -> list[CrawledArticle]:
        """Every article, at its real URL."""
        return [CrawledArticle(article, self.url_of(article)) for article in self.articles]

    def handle(self, request: Request) -> Reply:
        """Home, category and tag listings, and article pages."""
        path = request.path.rstrip("/") or "/"
        start = int(request.arg("start", "0") or 0)
        if path == "/":
            return Reply(200, self.home().encode())
        newest = sorted(self.articles, key=lambda a: a.published, reverse=True)
        if path.startswith("/t/"):
            alias = path[3:]
            items = [a for a in newest if alias in {tag_alias(t) for t in a.tags}]
            return self.listing(items, start)
        segments = path.strip("/").split("/")
        if len(segments) == 1:
            items = [a for a in newest if a.extra.get("category") == segments[0]]
            return self.listing(items, start) if items else Reply(404, b"<h1>404</h1>")
        found = next((a for a in self.articles if self.path_of(a) == path), None)
        if found is None:
            return Reply(404, b"<html><body><h1>404</h1></body></html>")
        if request.headers.get("If-None-Match") == found.etag:
            return Reply(304, b"", headers={"ETag": found.etag})
        return Reply(200, self.article_page(found).encode(), headers={"ETag": found.etag})

    def article_page(self, article: ReplicaArticle) -> str:
        """The page in the article's template, or in the replica's redesigned layout."""
        if self.layout:
            return self.redesigned_page(article)
        return self.page_2026(article) if article.markup == "2026" else self.page_2023(article)

    def listing(self, items: list[ReplicaArticle], start: int) -> Reply:
        """A category blog or tag page from ``start``; an empty list past the end."""
        chunk = items[start : start + self.page_size]
        cards = "".join(self._card(a) for a in chunk)
        pager = "".join(
            f'<li><a href="?start={n}">{n // self.page_size + 1}</a></li>'
            for n in range(0, len(items), self.page_size)
        )
        return Reply(
            200,
            f"<html><head><title>Bestnews.kz</title></head><body>{MENU}"
            f'<div class="uk-grid" uk-grid>{cards}</div><ul class="uk-pagination">{pager}</ul>'
            f"{self._popular()}</body></html>".encode(),
        )

    def _card(self, article: ReplicaArticle) -> str:
        iso = article.published.astimezone(ALMATY).isoformat()
        if self.layout:
            return (
                f'<div class="wm-teaser wm-teaser--{self.layout}"><div class="wm-teaser__date">'
                f"{article.published.astimezone(ALMATY):%d.%m.%Y %H:%M}</div>"
                f'<h3 class="wm-teaser__title"><a href="{self.path_of(article)}">'
                f"{E(article.title)}</a></h3></div>"
            )
        return (
            f'<div><div class="uk-card uk-card-default"><div class="uk-card-body">'
            f'<h2 class="uk-h6 uk-text-bold uk-card-header"><a class="uk-link-heading" '
            f'itemprop="url" href="{self.path_of(article)}">{E(article.title)}</a></h2>'
            f'<dl class="uk-article-meta"><dd class="published"><time datetime="{iso}">'
            f"{article.published.astimezone(ALMATY):%d.%m.%Y}</time></dd></dl></div></div></div>"
        )

    def _popular(self) -> str:
        items = sorted(self.articles, key=lambda a: a.published)[:3]
        links = "".join(
            f'<div><h3 class="uk-h4 uk-link-heading"><a href="{self.path_of(a)}">{E(a.title)}</a>'
            f'</h3><small class="uk-text-muted">'
            f"{a.published.astimezone(ALMATY):%d.%m.%Y %H:%M} | 100</small></div>"
            for a in items
        )
        return f'<div class="popular-news uk-section"><h3>Популярное</h3>{links}</div>'

    def home(self) -> str:
        """The home page: ``mod_articles_category`` modules (``h3.uk-h4 a``)."""
        popular = self._popular()
        return f"<html><head><title>Bestnews.kz</title></head><body>{MENU}{popular}</body></html>"

    def _tags(self, article: ReplicaArticle) -> str:
        return "".join(
            f'<a class="uk-link-heading" href="/t/{tag_alias(t)}">#{E(t)}</a> '
            for t in article.tags
        )

    def _related(self, article: ReplicaArticle) -> str:
        links = "".join(
            f'<a href="{self.path_of(a)}">{E(a.title)}</a>'
            for a in self.articles
            if a is not article
        )
        return f'<div class="uk-card related"><h3>Похожие новости</h3>{links}</div>'

    def page_2023(self, article: ReplicaArticle) -> str:
        """The 2023-25 template: JSON-LD, OpenGraph/article meta, ``h2.uk-h3`` lead."""
        iso = article.published.astimezone(ALMATY).isoformat()
        ld = {
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "headline": article.title,
            "datePublished": iso,
            "dateModified": iso,
            "description": article.lead,
            "url": self.url_of(article),
            "author": {"@type": "Person", "name": "Редакция Bestnews"},
        }
        paragraphs = "".join(f"<p>{E(p)}</p>" for p in article.paragraphs)
        return (
            f"<html><head><title>{E(article.title)} | Bestnews.kz</title>"
            f'<meta property="og:title" content="{E(article.title)}">'
            f'<meta property="article:published_time" content="{iso}">'
            '<script type="application/ld+json">'
            f"{json.dumps(ld, ensure_ascii=False)}</script></head><body>{MENU}"
            '<article class="uk-article uk-container" itemscope '
            'itemtype="https://schema.org/Article"><h1 class="uk-article-title uk-margin-small" '
            f'itemprop="headline">{E(article.title)}</h1>'
            f'<h2 class="uk-margin-top uk-h3">{E(article.lead)}</h2>'
            '<dl class="uk-article-meta"><dd class="published">'
            f'<time datetime="{iso}" itemprop="datePublished">'
            f"{article.published.astimezone(ALMATY):%d.%m.%Y %H:%M}</time></dd></dl>"
            '<figure><img src="/images/a.jpg"><figcaption>Фото: Акорда</figcaption></figure>'
            f'<div itemprop="articleBody"><div class="uk-article-body">{paragraphs}'
            f"{self._related(article)}</div></div>"
            f"<small><p>{self._tags(article)}</p></small></article>"
            f"{TAG_CLOUD}{self._popular()}<footer>Copyright © 2012—2025 Bestnews.kz</footer>"
            "</body></html>"
        )

    def page_2026(self, article: ReplicaArticle) -> str:
        """The 2026 template: meta line first (``21.03.2026``), ``uk-dropcap`` body, no lead."""
        iso = article.published.astimezone(ALMATY).isoformat()
        ld = {"@type": "NewsArticle", "headline": article.title, "datePublished": iso}
        paragraphs = "".join(f"<p>{E(p)}</p>" for p in [article.lead, *article.paragraphs])
        return (
            f"<html><head><title>{E(article.title)} | Bestnews.kz</title>"
            '<script type="application/ld+json">'
            f"{json.dumps(ld, ensure_ascii=False)}</script></head><body>{MENU}"
            '<article class="uk-article"><div class="uk-container uk-container-small">'
            f'<time class="uk-margin-small-left" datetime="{iso}" itemprop="datePublished">'
            f"{article.published.astimezone(ALMATY):%d.%m.%Y}</time>"
            '<span class="uk-margin-small-left">2 минуты</span>'
            f'<h1 class="uk-article-title" itemprop="headline">{E(article.title)}</h1>'
            '<figure><picture><img src="/images/a.webp"></picture></figure>'
            f'<div class="uk-article-body uk-dropcap" itemprop="articleBody">{paragraphs}'
            "<p>Видео: Telegram-канал Акорды</p></div>"
            f"<p>{self._tags(article)}</p></div></article>{TAG_CLOUD}{self._popular()}"
            "</body></html>"
        )

    def related_links(self, article: ReplicaArticle) -> list[Link]:
        """Other articles, newest first, as dated links."""
        newest = sorted(self.articles, key=lambda a: a.published, reverse=True)
        return [
            Link(self.path_of(a), a.title, f"{a.published.astimezone(ALMATY):%d.%m.%Y}", iso_of(a))
            for a in newest
            if a is not article
        ][:6]

    def redesigned_page(self, article: ReplicaArticle) -> str:
        """Layouts 1-4 (see :mod:`replicas.layouts`); the 2026 template keeps its
        lead as the body's first paragraph."""
        now = datetime.now(ALMATY)
        links = self.related_links(article)
        new = article.markup == "2026"
        page = layouts.Page(
            title=article.title,
            lead="" if new else article.lead,
            paragraphs=[article.lead, *article.paragraphs] if new else article.paragraphs,
            date=self.date_html(article),
            updated=f'<span>Обновлено</span> <time datetime="{now.isoformat()}">'
            f"{now:%d.%m.%Y %H:%M}</time>",
            head=self._meta(article, now),
            heading="Новости",
            before=links[:3],
            after=links[3:],
            clock=layouts.clock(now, f"{now:%d.%m.%Y}"),
            css="wm",
        )
        return layouts.render(self.layout, page)

    def date_html(self, article: ReplicaArticle) -> str:
        """``time[datetime]`` with ``d.m.Y`` (1) or ``d.m.Y H:i`` (2), the printed ``d.m.Y
        H:i`` (3) or ``d.m.Y, H:i`` (4)."""
        local = article.published.astimezone(ALMATY)
        if self.layout in (1, 2):
            shown = f"{local:%d.%m.%Y}" if self.layout == 1 else f"{local:%d.%m.%Y %H:%M}"
            return f'<time datetime="{iso_of(article)}">{shown}</time>'
        return f"{local:%d.%m.%Y %H:%M}" if self.layout == 3 else f"{local:%d.%m.%Y, %H:%M}"

    def _meta(self, article: ReplicaArticle, now: datetime) -> str:
        """OpenGraph without dates (layout 2), JSON-LD with both dates (3), nothing else."""
        if self.layout == 2:
            return f'<meta property="og:title" content="{E(article.title)}">'
        if self.layout != 3:
            return ""
        ld = {
            "@type": "NewsArticle",
            "headline": article.title,
            "datePublished": iso_of(article),
            "dateModified": now.isoformat(),
        }
        return f'<script type="application/ld+json">{json.dumps(ld, ensure_ascii=False)}</script>'


def iso_of(article: ReplicaArticle) -> str:
    """The article's local ISO time."""
    return layouts.iso(article.published)
