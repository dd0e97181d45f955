"""Akorda extraction from saved pages: every listing, feed and article markup variant."""

from __future__ import annotations

import pytest
from parsel import Selector

from crawler.extract.page import saved_response
from crawler.extract.saved import saved_pages
from crawler.extract.types import ListingEntry
from sources import akorda as source
from sources.akorda import pages as akorda

CASES = saved_pages(source.SOURCE.directory / "fixtures")
HTML = {"Content-Type": "text/html; charset=utf-8"}


def _feed(document: bytes) -> list[ListingEntry]:
    response = saved_response(
        "https://www.akorda.kz/ru/rss", document, {"Content-Type": "application/rss+xml"}
    )
    return akorda.FeedPage(response).to_record()


def test_every_variant_has_a_case() -> None:
    names = {case.name for case in CASES}
    assert {
        "listing_ru",
        "listing_kz",
        "listing_en",
        "listing_old_mirror",
        "rss_ru",
        "article_og_ru",
        "article_bare_ru",
        "article_old_mirror",
        "article_h5_kz",
        "article_meta_en",
        "article_news_first_ru",
        "article_undated_between_news_kz",
    } <= names


def test_rss_never_expands_entities() -> None:
    entries = _feed(next(c for c in CASES if c.name == "rss_ru").body)
    assert entries and all("lol" not in e.title for e in entries)


def test_rss_garbage_is_empty() -> None:
    assert _feed(b"<html><body>blocked</body></html>") == []
    assert _feed(b"") == []


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://www.akorda.kz/ru/glava-gosudarstva-prinyal-akima-2895622", True),
        ("https://mirror.akorda.kz/kz/events/astana_kazakhstan/visits_to_objects/x-y", True),
        ("https://www.akorda.kz/ru/events", False),
        ("https://www.akorda.kz/ru/deklaracii-2895001", False),
        ("https://www.akorda.kz/ru/president/president", False),
    ],
)
def test_is_article(url: str, expected: bool) -> None:
    assert akorda.is_article(url) is expected


def test_language_of() -> None:
    assert akorda.language_of("https://www.akorda.kz/kz/x-1234") == "kk"
    assert akorda.language_of("https://www.akorda.kz/en/x-1234") == "en"
    assert akorda.language_of("https://www.akorda.kz/") is None


def test_main_block_skips_related_news() -> None:
    tree = Selector(
        text="<html><body><div class='related-news'><p>"
        + "Глава государства принял акима области. " * 20
        + "</p></div><div><p>Короткий текст статьи.</p><p>Второй абзац.</p></div></body></html>"
    ).root
    block = akorda.main_block(tree)
    assert block is not None
    assert "Короткий" in block.text_content()  # type: ignore[attr-defined]


def test_a_bold_lead_longer_than_a_one_paragraph_body_stays_the_lead() -> None:
    lead = "Глава государства принял акима области и заслушал его доклад о развитии региона."
    page = (
        "<html><head><title>Заголовок</title></head><body><article><header><h1>Заголовок</h1>"
        f"</header><p><strong>{lead}</strong></p><section><p>Один абзац.</p></section>"
        "</article></body></html>"
    )
    response = saved_response("https://www.akorda.kz/ru/x-1", page.encode(), HTML)
    got = akorda.ArticlePage(response, "ru").to_record()
    assert (got.lead, got.body) == (lead, "Один абзац.")
