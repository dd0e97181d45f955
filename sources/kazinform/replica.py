"""Replica of Kazinform: ``/lenta`` feeds of www.inform.kz (ru), kaz.inform.kz (kk) and
qazinform.com (en), 2026 ``news-card`` and 2024-25 ``allNewsCard`` cards, new (``-hex``) and old
(``_a<digits>`` with its ``/amp`` page) articles, the RSS feeds, ETag and Last-Modified validators.

Past the last feed page the site keeps showing the last page, as the real one does. ``layout=1..4``
serves feed cards and article pages in a redesign (:mod:`replicas.layouts`): other
classes, printed times in every known form including "Сегодня, HH:MM".
"""

from __future__ import annotations

import html
import re
from datetime import datetime
from email.utils import format_datetime, parsedate_to_datetime

from crawler.extract.dates import ALMATY
from replicas import layouts
from replicas.articles import CrawledArticle, ReplicaArticle, load_articles
from replicas.layouts import Link
from replicas.server import Reply, Request, Site

HOSTS = {"ru": "www.inform.kz", "kk": "kaz.inform.kz", "en": "qazinform.com"}
PREFIX = {"ru": "/ru/", "kk": "/news/", "en": "/news/"}
FEEDS = {"ru": "/rss/rus.xml", "kk": "/rss/kz.xml", "en": "/rss/en.xml"}
MONTHS = {
    "ru": "Январь Февраль Март Апрель Май Июнь Июль Август Сентябрь Октябрь Ноябрь Декабрь",
    "ru_gen": "Января Февраля Марта Апреля Мая Июня Июля Августа Сентября Октября Ноября Декабря",
    "kk": "Қаңтар Ақпан Наурыз Сәуір Мамыр Маусым Шілде Тамыз Қыркүйек Қазан Қараша Желтоқсан",
    "en": "January February March April May June July August September October November December",
}
DATELINE = {
    "ru": "АСТАНА. КАЗИНФОРМ – ",
    "kk": "АСТАНА. ҚАЗАҚПАРАТ – ",
    "en": "ASTANA. KAZINFORM – ",
}
E = html.escape


def month(value: datetime, language: str, genitive: bool = False) -> str:
    """The month name a Kazinform page prints."""
    key = "ru_gen" if genitive and language == "ru" else language
    return MONTHS[key].split()[value.month - 1]


def stamp(value: datetime, language: str, genitive: bool = False) -> str:
    """``21:38, 18 Августа 2026`` in local time (new site)."""
    local = value.astimezone(ALMATY)
    return f"{local:%H:%M}, {local.day} {month(local, language, genitive)} {local.year}"


def old_stamp(value: datetime, language: str) -> str:
    """``22 сентября 2020, 16:00`` / ``22 September 2020, 16:00`` (old site)."""
    local = value.astimezone(ALMATY)
    name = month(local, language, genitive=True)
    name = name if language == "en" else name.lower()
    return f"{local.day} {name} {local.year}, {local:%H:%M}"


class KazinformSite(Site):
    """Serves the three Kazinform feeds, their RSS and their articles."""

    hosts = tuple(HOSTS.values())

    def __init__(self, page_size: int = 24, data: str = "kazinform", layout: int = 0) -> None:
        self.page_size = page_size
        self.articles = load_articles(data)
        self.layout = layouts.check(layout)

    def in_language(self, language: str) -> list[ReplicaArticle]:
        """Articles of one language, newest first."""
        items = [a for a in self.articles if a.language == language]
        return sorted(items, key=lambda a: a.published, reverse=True)

    def path_of(self, article: ReplicaArticle) -> str:
        """The article's path: old shape ``_a<digits>`` or new ``-<hex>``."""
        sep = "_a" if article.markup == "old" else "-"
        tail = "/" if article.language == "kk" else ""
        return f"{PREFIX[article.language]}{article.slug}{sep}{article.id}{tail}"

    def url_of(self, article: ReplicaArticle) -> str:
        """The article's real URL."""
        return f"https://{HOSTS[article.language]}{self.path_of(article)}"

    def crawled(self) -> list[CrawledArticle]:
        """Every article, at its real URL."""
        return [CrawledArticle(article, self.url_of(article)) for article in self.articles]

    def handle(self, request: Request) -> Reply:
        """Feed pages, RSS and article pages."""
        language = next((lang for lang, host in HOSTS.items() if host == request.host), "ru")
        path = request.path.rstrip("/") or "/"
        if path in ("/lenta", f"/{language}/lenta", "/ru/lenta"):
            return self.listing(language, int(request.arg("page", "1") or 1))
        if path == FEEDS[language]:
            return Reply(200, self.feed(language).encode(), "application/rss+xml; charset=utf-8")
        amp = path.endswith("/amp")
        found = self._find(path.removesuffix("/amp"), language)
        if found is None:
            return Reply(404, b"<html><body><h1>404</h1></body></html>")
        headers = {"ETag": found.etag, "Last-Modified": format_datetime(found.published, True)}
        if self._not_modified(request, found):
            return Reply(304, b"", headers=headers)
        page = self.amp_page(found) if amp else self.article_page(found)
        return Reply(200, page.encode(), headers=headers)

    def _not_modified(self, request: Request, article: ReplicaArticle) -> bool:
        if "If-None-Match" in request.headers:
            return request.headers["If-None-Match"] == article.etag
        since = request.headers.get("If-Modified-Since")
        return since is not None and parsedate_to_datetime(since) >= article.published

    def _find(self, path: str, language: str) -> ReplicaArticle | None:
        match = re.search(r"(?:-|_a)([0-9a-f]{6,8}|\d{6,8})$", path)
        if not match:
            return None
        return next(
            (a for a in self.articles if a.id == match.group(1) and a.language == language), None
        )

    def listing(self, language: str, page: int) -> Reply:
        """One feed page; past the last page the site keeps showing the last page."""
        items = self.in_language(language)
        pages = max(1, -(-len(items) // self.page_size))
        page = min(max(page, 1), pages)
        chunk = items[(page - 1) * self.page_size : page * self.page_size]
        cards = "\n".join(self._card(a) for a in chunk)
        pager = "".join(
            f'<li class="page-item{" active" if n == page else ""}"><a class="page-link" '
            f'href="?page={n}">{n}</a></li>'
            for n in range(1, pages + 1)
        )
        popular = "".join(f'<a href="{self.path_of(a)}">{E(a.title)}</a>' for a in items[-2:])
        body = (
            f"<html><head><title>Лента | Kazinform</title></head><body>"
            f'<nav class="menu"><a href="/ru/">Главная</a><a href="/ru/lenta">Лента</a></nav>'
            f'<div class="allNews__list">{cards}</div>'
            f'<aside class="popular">{popular}</aside>'
            f'<ul class="pagination">{pager}</ul></body></html>'
        )
        return Reply(200, body.encode())

    def _card(self, article: ReplicaArticle) -> str:
        href = self.path_of(article)
        if self.layout:
            return self._redesigned_card(article)
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

    def _redesigned_card(self, article: ReplicaArticle) -> str:
        """A feed card of a redesign: other classes, the time outside the link."""
        href, title = self.path_of(article), E(article.title)
        when = stamp(article.published, article.language, genitive=self.layout % 2 == 0)
        if self.layout in (1, 3):
            return (
                f'<div class="lenta-row"><span class="lenta-row__when">{when}</span>'
                f'<a class="lenta-row__link" href="{href}">{title}</a></div>'
            )
        return (
            f'<div class="nf-{self.layout}"><h3><a href="{href}">{title}</a></h3>'
            f'<time datetime="{layouts.iso(article.published)}">{when}</time></div>'
        )

    def feed(self, language: str) -> str:
        """The RSS 2.0 feed of a language (newest items)."""
        items = "".join(
            f"<item><title>{E(a.title)}</title><link>{self.url_of(a)}</link>"
            f"<pubDate>{format_datetime(a.published.astimezone(ALMATY))}</pubDate></item>"
            for a in self.in_language(language)[:50]
        )
        return (
            '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
            f"<title>Kazinform</title><link>https://{HOSTS[language]}/</link>{items}"
            "</channel></rss>"
        )

    def _related(self, article: ReplicaArticle) -> str:
        return "".join(
            f'<li><a href="{self.path_of(a)}">{E(a.title)}</a></li>'
            for a in self.in_language(article.language)
            if a is not article
        )

    def article_page(self, article: ReplicaArticle) -> str:
        """An article page: the 2024-26 site, or the old site for ``_a`` articles."""
        if self.layout:
            return self.redesigned_page(article)
        if article.markup == "old":
            return self.old_page(article)
        iso = article.published.astimezone(ALMATY).isoformat()
        paragraphs = "".join(f"<p>{E(p)}</p>" for p in article.paragraphs)
        tags = "".join(f'<a href="/tags/{i}">{E(t)}</a>' for i, t in enumerate(article.tags))
        return (
            f"<html><head><title>{E(article.title)}</title>"
            f'<meta property="og:title" content="{E(article.title)} | Kazinform">'
            f'<meta name="article:published_time" content="{iso}">'
            '<meta name="author" content="Kazinform"></head><body>'
            '<header><div class="currency">USD 512.3 EUR 560.1</div>'
            '<nav class="menu"><a href="/ru/lenta">Лента</a></nav></header>'
            f'<h1 class="article__title">{E(article.title)}</h1>'
            f'<div class="article__time">{stamp(article.published, article.language)}</div>'
            f'<div class="article__content"><div class="article__description"><p>'
            f"{E(article.lead)}</p></div>"
            f'<div class="article__body-text">{paragraphs}'
            '<div class="adfox" id="adfox_1">Реклама</div>'
            "<p>Коллаж: Kazinform / Akorda / Freepik</p>"
            '<figure><img src="/i.jpg"><figcaption>Фото: Акорда</figcaption></figure>'
            f"<h3>Читайте также</h3><ul>{self._related(article)}</ul></div>"
            f'<div class="article__tags">{tags}</div></div>'
            f'<div class="related-news"><h3>Новости по теме</h3><ul>{self._related(article)}'
            "</ul></div></body></html>"
        )

    def _old_body(self, article: ReplicaArticle) -> str:
        first, *rest = [article.lead, *article.paragraphs]
        return f"<p>{DATELINE[article.language]}{E(first)}</p>" + "".join(
            f"<p>{E(p)}</p>" for p in rest
        )

    def old_page(self, article: ReplicaArticle) -> str:
        """The ≤2023 site: no meta time, a printed date, a dateline, related frame, author."""
        keywords = "".join(f'<a href="/ru/t_t{i}">{E(t)}</a> ' for i, t in enumerate(article.tags))
        return (
            f"<html><head><title>{E(article.title)} - Kazinform</title></head><body>"
            '<div class="currency_bl">Курсы валют: usd/kzt 447.9 eur/kzt 482.16</div>'
            '<div class="weather_bl">Погода: Астана +7</div>'
            f'<div class="title_article_bl">{E(article.title)}</div>'
            f'<div class="time_article_bl">{old_stamp(article.published, article.language)}'
            f'</div><div class="body_article_bl">{self._old_body(article)}</div>'
            '<div class="data_author_bl">Автор: <a href="/ru/author/1">Kazinform</a></div>'
            f'<div class="keywords_bl">{keywords}</div>'
            f'<div class="frame_news_article_adapt"><div>Новости по теме</div>'
            f"<ul>{self._related(article)}</ul></div></body></html>"
        )

    def related_links(self, article: ReplicaArticle) -> list[Link]:
        """Other articles of the language, as dated links."""
        return [
            Link(self.path_of(a), a.title, stamp(a.published, a.language), layouts.iso(a.published))
            for a in self.in_language(article.language)
            if a is not article
        ][:6]

    def redesigned_page(self, article: ReplicaArticle) -> str:
        """Layouts 1-4: an old article keeps its lead as the first paragraph with the dateline."""
        now = datetime.now(ALMATY)
        links = self.related_links(article)
        old = article.markup == "old"
        first = f"{DATELINE[article.language]}{article.lead}"
        page = layouts.Page(
            title=article.title,
            lead="" if old else article.lead,
            paragraphs=[first, *article.paragraphs] if old else article.paragraphs,
            date=self.date_html(article, now),
            updated=f"<span>{UPDATED[article.language]}:</span> "
            f'<time datetime="{now.isoformat()}">{stamp(now, article.language)}</time>',
            head=f'<meta property="og:title" content="{E(article.title)} | Kazinform">'
            if self.layout == 2
            else "",
            heading=HEADINGS[article.language],
            before=links[:3],
            after=links[3:],
            clock=layouts.clock(now, stamp(now, article.language)),
            css="kz",
        )
        return layouts.render(self.layout, page)

    def date_html(self, article: ReplicaArticle, now: datetime) -> str:
        """The printed time; layout 2 puts it in a ``<time>`` with the ISO value."""
        when = E(printed(article, self.layout, now))
        if self.layout == 2:
            return f'<time datetime="{layouts.iso(article.published)}">{when}</time>'
        return f'<span class="d">{when}</span>' if self.layout == 1 else when

    def amp_page(self, article: ReplicaArticle) -> str:
        """The old AMP variant (``…_a<id>/amp``), opening with "Go to the main site"."""
        return (
            f'<!doctype html><html amp><head><title>{E(article.title)}</title><link rel="canonical"'
            f' href="{self.url_of(article)}"></head><body><header><a href="/">Go to the main site'
            f'</a></header><article class="amp-article"><h1>{E(article.title)}</h1>'
            f'<div class="amp-date">{old_stamp(article.published, article.language)}</div>'
            f'<div class="amp-article__body">{self._old_body(article)}</div>'
            f'<div class="amp-related"><h3>Related news</h3><ul>{self._related(article)}</ul>'
            "</div></article></body></html>"
        )


HEADINGS = {"ru": "Новости по теме", "kk": "Тақырыпқа қатысты", "en": "Related news"}
UPDATED = {"ru": "Обновлено", "kk": "Жаңартылды", "en": "Updated"}
TODAY = {"ru": "Сегодня", "kk": "Бүгін", "en": "Today"}


def printed(article: ReplicaArticle, layout: int, now: datetime) -> str:
    """The article's time as redesign ``layout`` prints it: the new site's stamp (genitive or
    nominative month), the old site's, a "| GMT" suffix, or "Сегодня, HH:MM" for today."""
    local = article.published.astimezone(ALMATY)
    if layout == 4 and local.date() == now.astimezone(ALMATY).date():
        return f"{TODAY[article.language]}, {local:%H:%M}"
    if layout == 3 or article.markup == "old":
        return old_stamp(article.published, article.language)
    if layout == 4:
        return f"{stamp(article.published, article.language)} | GMT +5"
    return stamp(article.published, article.language, genitive=layout == 2)
