"""Kazinform extraction from saved pages (``sources/kazinform/fixtures``): every article, listing
and feed variant, data-driven."""

from __future__ import annotations

from pathlib import Path

import pytest
from saved_pages import cases, check_article, entries, load

from sources.kazinform import pages as kazinform

CASES = cases("kazinform")


@pytest.mark.parametrize("case", CASES, ids=[c.stem for c in CASES])
def test_saved_page(case: Path) -> None:
    spec, page = load(case)
    if spec["kind"] == "article":
        extracted = kazinform.extract_article(page, spec["url"], spec["expected"]["language"])
        check_article(extracted, spec)
    elif spec["kind"] == "listing":
        assert entries(kazinform.extract_listing(page, spec["url"])) == spec["expected"]
        assert kazinform.current_page(page) == spec["current_page"]
    else:
        assert entries(kazinform.extract_feed(page, spec["url"])) == spec["expected"]


def test_every_variant_has_a_saved_page() -> None:
    names = {c.stem for c in CASES}
    assert {"ru_2026_meeting", "ru_old_a_article", "en_old_amp", "kk_2025_text_date"} <= names
    assert {"lenta_2026_news_card", "lenta_2025_allnewscard", "category_catpagecard"} <= names
    assert {"old_anounce_news", "rss_ru"} <= names


@pytest.mark.parametrize(
    ("url", "language", "article"),
    [
        ("https://www.inform.kz/ru/slug-32af94", "ru", True),
        ("https://kaz.inform.kz/news/slug-fbf80170/", "kk", True),
        ("https://qazinform.com/news/slug-2863a6", "en", True),
        ("https://www.inform.kz/kz/asyl-mura_a2471636", "kk", True),
        ("https://qz.inform.kz/amp/shko-da_a4110189", "kk", True),
        ("https://www.inform.kz/ru/lenta", "ru", False),
        ("https://www.inform.kz/category/ekonomika_s1", "ru", False),
    ],
)
def test_url_shapes(url: str, language: str, article: bool) -> None:
    assert kazinform.is_article_url(url) is article
    assert kazinform.language_of(url) == language


def test_broken_feed_gives_noentries() -> None:
    assert kazinform.extract_feed(b"<html><body>not a feed", "https://www.inform.kz/") == []
    assert kazinform.extract_feed(b"", "https://www.inform.kz/") == []
