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
    """The site header's clock: a ``<time>`` holding the current date."""
    stamp = (now or datetime.now(UTC)).astimezone(ALMATY)
    return (
        f'<header class="site-top"><div class="site-top__row"><time datetime="{stamp.isoformat()}">'
        f"{E(text)}</time><span>Астана +3°</span></div></header>"
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
