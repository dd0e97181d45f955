"""Page layouts a redesign of a replicated site could bring, shared by the HTML replicas.

Layout 0 is the markup each replica always served. Layouts 1-4 are redesigns written as someone
else would write them: other class names, the sidebar before the content, blocks of dated news
about other articles before and after the text, the site's clock in the page header, an
"updated" time beside the published one, meta tags dropped, other printed date forms.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import UTC, datetime

from crawler.extract.dates import ALMATY

LAYOUTS = 5
E = html.escape


@dataclass(frozen=True)
class Link:
    """Another article, as a related-news block shows it."""

    href: str
    title: str
    date: str
    iso: str


def check(layout: int) -> int:
    """``layout`` if the replicas know it (a clear error otherwise)."""
    if not 0 <= layout < LAYOUTS:
        raise ValueError(f"layout must be 0..{LAYOUTS - 1}, not {layout}")
    return layout


def iso(value: datetime) -> str:
    """Local ISO 8601 with the offset, as the sites print ``datetime`` attributes."""
    return value.astimezone(ALMATY).isoformat()


def clock(now: datetime | None, text: str) -> str:
    """The site header: the logo in an ``h1`` and the clock, a ``<time>`` holding the current
    date."""
    stamp = (now or datetime.now(UTC)).astimezone(ALMATY)
    return (
        f'<header class="site-top"><h1 class="site-top__logo"><a href="/">Newsroom</a></h1>'
        f'<div class="site-top__row"><time datetime="{stamp.isoformat()}">{E(text)}</time>'
        "<span>Астана +3°</span></div></header>"
    )


def cards(links: list[Link], style: int) -> str:
    """A block of dated links to other articles, in one of four structures."""
    if style == 0:
        return "".join(
            f'<div class="b-item"><a href="{E(x.href)}">{E(x.title)}</a>'
            f'<span class="b-item__d">{E(x.date)}</span></div>'
            for x in links
        )
    if style == 1:
        return (
            "<ul>"
            + "".join(
                f'<li><time datetime="{x.iso}">{E(x.date)}</time> '
                f'<a href="{E(x.href)}">{E(x.title)}</a></li>'
                for x in links
            )
            + "</ul>"
        )
    if style == 2:  # a flat run: link, date, link, date
        return "".join(
            f'<a href="{E(x.href)}">{E(x.title)}</a><small>{E(x.date)}</small>' for x in links
        )
    return "".join(
        f'<div class="tile"><div class="tile__meta">{E(x.date)}</div>'
        f'<h4><a href="{E(x.href)}">{E(x.title)}</a></h4></div>'
        for x in links
    )


def block(heading: str, links: list[Link], style: int, css: str = "col-side") -> str:
    """A titled block of dated news (``css`` is a neutral class: no "related" or "popular")."""
    return f'<div class="{css}"><div class="{css}__h">{E(heading)}</div>{cards(links, style)}</div>'


@dataclass(frozen=True)
class Page:
    """What a redesigned article page shows, already formatted by the site's replica."""

    title: str
    lead: str
    paragraphs: list[str]
    date: str
    """The date element's HTML as this layout prints it ("" for a page without a date)."""
    updated: str
    """The "updated" stamp's HTML (shown by the article-header layout)."""
    head: str
    """Extra ``<head>`` HTML (meta tags, JSON-LD; "" for none)."""
    heading: str
    before: list[Link]
    after: list[Link]
    clock: str
    css: str
    """The redesign's class prefix."""


def render(layout: int, page: Page) -> str:
    """The page in redesign ``layout`` (1-4)."""
    body = {1: _sidebar_first, 2: _article_header, 3: _strips, 4: _flat}[layout](page)
    head = f"<meta charset=utf-8><title>{E(page.title)}</title>{page.head}"
    return f"<html><head>{head}</head><body>{body}<footer><p>© 2026</p></footer></body></html>"


def _texts(page: Page) -> str:
    return "".join(f"<p>{E(p)}</p>" for p in page.paragraphs)


def _sidebar_first(page: Page) -> str:
    """The clock, a menu, dated news, then the content column (other news at its end)."""
    c = page.css
    return (
        f'{page.clock}<div class="{c}-nav"><a href="/">Главная</a></div>'
        + block(page.heading, page.before, 0)
        + f'<div class="{c}-content"><h1 class="{c}-heading">{E(page.title)}</h1>'
        + f'<div class="{c}-meta">{page.date}</div>'
        + (f'<div class="{c}-intro"><p>{E(page.lead)}</p></div>' if page.lead else "")
        + f'<div class="{c}-rich">{_texts(page)}</div>'
        + block(page.heading, page.after, 1, "more-col")
        + "</div>"
    )


def _article_header(page: Page) -> str:
    """An ``<article>`` whose header shows an "updated" stamp before the date; a flat run of
    news inside the article between the lead and the text, cards after it."""
    c = page.css
    return (
        f'{page.clock}<article class="{c}-post"><header class="{c}-post__head">'
        f"<h1>{E(page.title)}</h1><div>{page.updated} {page.date}</div></header>"
        + (f"<p><strong>{E(page.lead)}</strong></p>" if page.lead else "")
        + block(page.heading, page.before, 2, "inline-box")
        + f'<section class="{c}-post__body">{_texts(page)}</section></article>'
        + block(page.heading, page.after, 3)
    )


def _strips(page: Page) -> str:
    """Strips of news above and below a story whose date is a plain ``div``."""
    c = page.css
    return (
        f"{page.clock}{block(page.heading, page.before, 3, 'top-strip')}"
        f'<div class="{c}-story"><h1>{E(page.title)}</h1>'
        + (f"<div>{page.date}</div>" if page.date else "")
        + (f'<div class="{c}-story__sum">{E(page.lead)}</div>' if page.lead else "")
        + f'<div class="{c}-story__txt">{_texts(page)}</div></div>'
        + block(page.heading, page.after, 0, "bottom-strip")
    )


def _flat(page: Page) -> str:
    """Hashed class names, no semantic elements, runs of news on both sides."""
    return (
        f'{page.clock}<div class="q1">{cards(page.before, 2)}</div>'
        f'<div class="q2"><h1 class="q3">{E(page.title)}</h1>'
        + (f'<div class="q4">{page.date}</div>' if page.date else "")
        + (f'<div class="q5">{E(page.lead)}</div>' if page.lead else "")
        + f'<div class="q6">{_texts(page)}</div></div>'
        + f'<div class="q7">{cards(page.after, 1)}</div>'
    )
