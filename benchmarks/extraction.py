"""Extraction throughput on saved article pages, next to the raw lxml parse rate of the same pages.

The pages are the saved Kazinform and Bestnews UTF-8 article pages (``sources/<name>/fixtures``),
each padded with the kind of boilerplate a real page carries (menus, a long related/popular list,
an inline script, a footer) to a realistic size of about 40-60 KB. One iteration of "extraction"
is the whole per-page work of a crawl on the response the downloader built: its page object
(one parse, with the response's encoding), site extraction (title, lead, body without
boilerplate, tags) + date; "raw parse" is
``lxml.html.fromstring`` alone. Both run on one core in this process.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path

from lxml import html as lxml_html
from scrapy.http import HtmlResponse, Response

from crawler.extract.page import ArticlePage
from crawler.extract.saved import saved_pages
from sources.bestnews import pages as bestnews
from sources.kazinform import pages as kazinform

SOURCES = Path(__file__).resolve().parents[1] / "sources"
HEADERS = {"Content-Type": "text/html; charset=utf-8"}
ARTICLE_PAGES: dict[str, type[ArticlePage]] = {
    "kazinform": kazinform.ArticlePage,
    "bestnews": bestnews.ArticlePage,
}


def _padding() -> bytes:
    """About 40 KB of typical page chrome, inserted before ``</body>``."""
    menu = "".join(f'<li><a href="/category/section_s{i}">Раздел {i}</a></li>' for i in range(120))
    items = "".join(
        f'<li class="news-item"><a href="/ru/novost-{i:04d}-{i:06x}">'
        f"Новость номер {i}: аким области провел совещание по вопросам развития региона</a>"
        f'<span class="date">12:{i % 60:02d}, 21 Марта 2026</span></li>'
        for i in range(150)
    )
    script = "var config = {" + ",".join(f'"k{i}": {i}' for i in range(900)) + "};"
    return (
        f'<nav class="main-menu"><ul>{menu}</ul></nav><div class="popular-news"><ul>{items}</ul>'
        f'</div><script>{script}</script><footer class="footer"><p>© Kazinform</p></footer>'
    ).encode()


def pages() -> list[tuple[str, Response]]:
    """``(source, response)`` for every saved UTF-8 article page, padded to a realistic size
    (the responses Scrapy's downloader hands the spider)."""
    padding = _padding()
    found: list[tuple[str, Response]] = []
    for source in ARTICLE_PAGES:
        for saved in saved_pages(SOURCES / source / "fixtures"):
            served = saved.spec["page"], saved.spec["headers"]["Content-Type"]
            if served != ("ArticlePage", HEADERS["Content-Type"]):
                continue
            page = saved.body.replace(b"</body>", padding + b"</body>", 1)
            found.append((source, HtmlResponse(saved.spec["url"], body=page, headers=HEADERS)))
    return found


def _rate(work: Callable[[], None], count: int, seconds: float) -> float:
    """Pages per second of ``work`` (which handles ``count`` pages), measured for ``seconds``."""
    work()  # warm-up
    done, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        work()
        done += count
    return done / (time.perf_counter() - start)


def run(quick: bool = False) -> dict[str, float]:
    """Extraction and raw-parse rates (pages/s, one core) and their ratio."""
    corpus = pages()
    seconds = 0.5 if quick else 3.0

    def extract_all() -> None:
        for source, response in corpus:
            ARTICLE_PAGES[source](response).to_record()

    def parse_all() -> None:
        for _, response in corpus:
            lxml_html.fromstring(response.body)

    extraction = _rate(extract_all, len(corpus), seconds)
    raw = _rate(parse_all, len(corpus), seconds)
    return {
        "extraction_pages_per_s": round(extraction, 1),
        "raw_parse_pages_per_s": round(raw, 1),
        "extraction_to_parse_ratio": round(extraction / raw, 3),
        "pages": float(len(corpus)),
        "mean_page_kb": round(sum(len(r.body) for _, r in corpus) / len(corpus) / 1024, 1),
    }


if __name__ == "__main__":
    print(json.dumps(run(), indent=2))
