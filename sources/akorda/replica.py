"""Replica of Akorda: ``/<ru|kz|en>/events?page=N`` listings (``div.card``, ``h3 a``, ``h5`` dates),
RSS feeds with site-relative links (one absolute), article pages in three markups (a guessed
current page with OpenGraph/JSON-LD, a bare ``h1`` + paragraphs page without a date, and the old
site's ``.media-title``/``.date``/``.text``), and ``mirror.akorda.kz``, which also lists the old
site's id-less ``/events/<group>/<subsection>/<slug>`` articles. ``layout=1..4`` serves every
listing and article page in a redesign instead (:mod:`replicas.layouts`)."""

from __future__ import annotations

import html
import json
from datetime import datetime
from email.utils import format_datetime

from crawler.extract.dates import ALMATY
from replicas import layouts
from replicas.articles import CrawledArticle, ReplicaArticle, load_articles
from replicas.layouts import Link
from replicas.server import Reply, Request, Site

WWW, MIRROR = "www.akorda.kz", "mirror.akorda.kz"
PREFIX = {"ru": "ru", "kk": "kz", "en": "en"}
MONTHS = {
    "ru": "января февраля марта апреля мая июня июля августа сентября октября ноября декабря",
    "kk": "қаңтар ақпан наурыз сәуір мамыр маусым шілде тамыз қыркүйек қазан қараша желтоқсан",
    "en": "January February March April May June July August September October November December",
}
E = html.escape


def card_date(value: datetime, language: str, variant: int = 0) -> str:
    """``21 марта 2026 года``, ``2026 жылғы 21 наурыз`` (or ``21 наурыз 2026 ж.``),
    ``March 21, 2026``, in local time."""
    local = value.astimezone(ALMATY)
    month = MONTHS[language].split()[local.month - 1]
    if language == "ru":
        return f"{local.day} {month} {local.year} года"
    if language == "kk":
        return (
            f"{local.day} {month} {local.year} ж."
            if variant % 2
            else (f"{local.year} жылғы {local.day} {month}")
        )
    return f"{month} {local.day}, {local.year}"


class AkordaSite(Site):
    """Serves the events listings, feeds and articles of www.akorda.kz and its mirror."""

    hosts = (WWW, MIRROR)

    def __init__(
        self, page_size: int = 3, feed_size: int = 3, data: str = "akorda", layout: int = 0
    ) -> None:
        self.page_size = page_size
        self.feed_size = feed_size
        self.articles = load_articles(data)
        self.layout = layouts.check(layout)

    def path_of(self, article: ReplicaArticle) -> str:
        """``/ru/<slug>-<id>``, or the old site's ``/ru/events/<group>/<subsection>/<slug>``."""
        prefix = PREFIX[article.language]
        if article.markup == "old":
            return f"/{prefix}/events/{article.extra['section']}/{article.slug}"
        return f"/{prefix}/{article.slug}-{article.id}"

    def url_of(self, article: ReplicaArticle, host: str = WWW) -> str:
        """The article's real URL on ``host``."""
        return f"https://{host}{self.path_of(article)}"

    def listed(self, language: str, host: str = WWW) -> list[ReplicaArticle]:
        """Articles a host lists, newest first (old-site pages only on the mirror)."""
        return [
            a
            for a in self.articles
            if a.language == language and (host == MIRROR or a.markup != "old")
        ]

    def feed(self, language: str) -> list[ReplicaArticle]:
        """Articles in a language's RSS feed."""
        return self.listed(language)[: self.feed_size]

    def crawled(self) -> list[CrawledArticle]:
        """The articles the main host lists (the old site's pages are listed only on the mirror,
        which the spider does not crawl); pages other than ``og`` print the day only, unless the
        RSS feed gives the time of the item."""
        return [
            CrawledArticle(article, self.url_of(article), self._day_only(article))
            for article in self.articles
            if article in self.listed(article.language)
        ]

    def _day_only(self, article: ReplicaArticle) -> bool:
        return article.markup != "og" and article not in self.feed(article.language)

    def handle(self, request: Request) -> Reply:
        """Listings, feeds and article pages."""
        parts = request.path.strip("/").split("/")
        language = next((k for k, v in PREFIX.items() if v == parts[0]), None)
        if language is None:
            return Reply(404, b"<html><body><h1>404</h1></body></html>")
        rest = "/".join(parts[1:])
        if rest == "events":
            return self.listing(language, request.host, int(request.arg("page", "1") or 1))
        if rest == "rss":
            return Reply(200, self.rss(language, request.host), "application/rss+xml")
        found = next(
            (a for a in self.articles if self.path_of(a) == "/" + request.path.strip("/")), None
        )
        if found is None:
            return Reply(404, b"<html><body><h1>404</h1></body></html>")
        return Reply(200, self.article_page(found).encode(), headers={"ETag": found.etag})

    def listing(self, language: str, host: str, page: int) -> Reply:
        """One events page (past the last page: a page without cards)."""
        items = self.listed(language, host)
        chunk = items[(page - 1) * self.page_size : page * self.page_size] if page > 0 else []
        cards = "".join(self._card(a, i) for i, a in enumerate(chunk))
        pages = -(-len(items) // self.page_size)
        pager = "".join(
            f'<li class="page-item{" active" if n == page else ""}">'
            f'<a class="page-link" href="?page={n}">{n}</a></li>'
            for n in range(1, pages + 1)
        )
        body = (
            f"<html><head><meta charset=utf-8><title>События | Акорда</title></head><body>{_MENU}"
            f'<div class="container"><div class="row">{cards}</div>'
            f'<ul class="pagination">{pager}</ul></div>{_FOOTER}</body></html>'
        )
        return Reply(200, body.encode())

    def _card(self, article: ReplicaArticle, index: int) -> str:
        if self.layout:
            return self._redesigned_card(article, index)
        return (
            '<div class="col-md-4"><div class="card">'
            '<img class="image_main_block" src="/assets/media/photo_smallThumb.jpg">'
            f'<div class="card-body"><h3><a href="{self.path_of(article)}">{E(article.title)}</a>'
            f"</h3><h5>{card_date(article.published, article.language, index)}</h5></div>"
            "</div></div>"
        )

    def rss(self, language: str, host: str) -> bytes:
        """RSS 2.0 with site-relative links; the last item has an absolute one."""
        items = self.feed(language)
        xml = "".join(
            f"<item><title>{E(a.title)}</title><link>"
            f"{self.url_of(a, host) if i == len(items) - 1 else self.path_of(a)}</link>"
            f"<description>{E(a.lead or a.paragraphs[0])}</description>"
            f"<pubDate>{format_datetime(a.published.astimezone(ALMATY))}</pubDate></item>"
            for i, a in enumerate(items)
        )
        return (
            '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
            f"<title>Akorda</title><link>https://{host}/{PREFIX[language]}</link>{xml}"
            "</channel></rss>"
        ).encode()

    def _redesigned_card(self, article: ReplicaArticle, index: int) -> str:
        """A listing card of a redesign: other classes, the date before or after the link."""
        href, title = self.path_of(article), E(article.title)
        date = card_date(article.published, article.language, index)
        day = article.published.astimezone(ALMATY).date().isoformat()
        if self.layout == 1:
            return (
                f'<div class="event-item"><a class="event-item__link" href="{href}">'
                f'<span class="event-item__title">{title}</span></a>'
                f'<div class="event-item__date">{date}</div></div>'
            )
        if self.layout == 2:
            return (
                f'<article class="ev"><time datetime="{day}">{date}</time>'
                f'<h2><a href="{href}">{title}</a></h2></article>'
            )
        if self.layout == 3:
            return f'<li class="feed-li"><span>{date}</span> <a href="{href}">{title}</a></li>'
        return (
            f'<div class="x7f"><div><h4><a href="{href}">{title}</a></h4><p>{date}</p></div></div>'
        )

    def related_links(self, article: ReplicaArticle) -> list[Link]:
        """Other articles of the language, as dated links."""
        return [
            Link(
                self.path_of(a),
                a.title,
                card_date(a.published, a.language),
                layouts.iso(a.published),
            )
            for a in self.listed(article.language)
            if a is not article
        ][:4]

    def article_page(self, article: ReplicaArticle) -> str:
        """The page in the article's markup, with related news (headlines about akims) around it."""
        if self.layout:
            return self.redesigned_page(article)
        paragraphs = "".join(f"<p>{E(p)}</p>" for p in article.paragraphs)
        related = "".join(
            self._card(a, 0) for a in self.listed(article.language)[:3] if a is not article
        )
        aside = f'<div class="related-news"><h2>Другие новости</h2>{related}</div>'
        if article.markup == "old":
            main = (
                '<div class="wrapper"><div class="breadcrumbs">События / Акорда</div>'
                f'<div class="media-title">{E(article.title)}</div>'
                f'<div class="date">{card_date(article.published, article.language)}</div>'
                f'<div class="text">{paragraphs}</div><a href="/ru/events">Назад</a>'
                '<div class="share">Twitter Facebook Print</div></div>'
            )
            return f"{_head(article.title)}<body>{main}</body></html>"
        if article.markup == "bare":
            return (
                f"{_head(article.title)}<body>{_MENU}"
                f"<main><h1>{E(article.title)}</h1><div>{paragraphs}</div></main>"
                f"{aside}{_FOOTER}</body></html>"
            )
        return self._og_page(article, paragraphs, aside)

    def _og_page(self, article: ReplicaArticle, paragraphs: str, aside: str) -> str:
        iso = article.published.astimezone(ALMATY).isoformat()
        ld = {
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "headline": article.title,
            "datePublished": iso,
            "keywords": ", ".join(article.tags),
            "publisher": {"@type": "Organization", "name": "Akorda"},
        }
        lead = f'<div class="news-detail__lead">{E(article.lead)}</div>' if article.lead else ""
        tags = "".join(f'<a href="/tags/{i}">{E(t)}</a>' for i, t in enumerate(article.tags))
        return (
            f"<html><head><meta charset=utf-8><title>{E(article.title)} | Акорда</title>"
            f'<meta property="og:title" content="{E(article.title)} | Akorda">'
            f'<meta property="og:type" content="article">'
            f'<script type="application/ld+json">{json.dumps(ld, ensure_ascii=False)}</script>'
            f'</head><body>{_MENU}<div class="container"><div class="news-detail">'
            f"<h1>{E(article.title)}</h1>"
            f"<h5>{card_date(article.published, article.language)}</h5>{lead}"
            f'<div class="news-detail__text">{paragraphs}</div>'
            f'<div class="tags">{tags}</div></div>{aside}</div>{_FOOTER}</body></html>'
        )

    def printed_date(self, article: ReplicaArticle) -> str:
        """The article's date as a redesign prints it (a time only where the site knows one)."""
        if article.markup != "og":
            return card_date(article.published, article.language, self.layout)
        local = article.published.astimezone(ALMATY)
        if self.layout == 4:
            return f"{local:%d.%m.%Y, %H:%M}"
        return f"{card_date(article.published, article.language, self.layout)}, {local:%H:%M}"

    def redesigned_page(self, article: ReplicaArticle) -> str:
        """Layouts 1-4 of an article page (see :mod:`replicas.layouts`)."""
        links = self.related_links(article)
        now = datetime.now(ALMATY)
        page = layouts.Page(
            title=article.title,
            lead=article.lead,
            paragraphs=article.paragraphs,
            date=self.date_html(article),
            updated=f'<span>Обновлено:</span> <time datetime="{now.isoformat()}">'
            f"{card_date(now, article.language)}</time>",
            head=self._meta(article, now) if self.layout == 3 else "",
            heading={"ru": "Другие события", "kk": "Басқа оқиғалар", "en": "Other events"}[
                article.language
            ],
            before=links[:2],
            after=links[2:],
            clock=layouts.clock(now, card_date(now, article.language)),
            css="ak",
        )
        return layouts.render(self.layout, page)

    def date_html(self, article: ReplicaArticle) -> str:
        """The date as the layout shows it: a ``<time>`` with the exact ISO time in layouts 1
        and 2 where the site knows one, else the printed date (none for a bare page)."""
        if article.markup == "bare":
            return ""
        date = E(self.printed_date(article))
        if article.markup == "og" and self.layout in (1, 2):
            return f'<time datetime="{layouts.iso(article.published)}">{date}</time>'
        return f"<span>{date}</span>" if self.layout == 2 else date

    def _meta(self, article: ReplicaArticle, now: datetime) -> str:
        ld: dict[str, object] = {"@context": "https://schema.org", "@type": "NewsArticle"}
        ld["headline"] = article.title
        if article.markup == "og":
            ld["datePublished"] = layouts.iso(article.published)
            ld["dateModified"] = now.isoformat()
        return (
            f'<meta property="og:title" content="{E(article.title)} | Akorda">'
            f'<script type="application/ld+json">{json.dumps(ld, ensure_ascii=False)}</script>'
        )


_MENU = (
    '<header class="header"><nav class="menu"><a href="/ru/president">Президент</a>'
    '<a href="/ru/events">События</a></nav></header>'
)
_FOOTER = "<footer><p>© 2026 Официальный сайт Президента Республики Казахстан</p></footer>"


def _head(title: str) -> str:
    return f"<html><head><meta charset=utf-8><title>{E(title)}</title></head>"
