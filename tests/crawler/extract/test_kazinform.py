"""Kazinform extraction: every article, listing and feed variant has a saved page
(``sources/kazinform/fixtures``, checked by ``tests/sources/test_saved_pages.py``); URL shapes."""

from __future__ import annotations

import pytest

from crawler.extract.page import saved_response
from crawler.extract.saved import saved_pages
from sources import kazinform as source
from sources.kazinform import pages as kazinform

CASES = saved_pages(source.SOURCE.directory / "fixtures")


def test_every_variant_has_a_saved_page() -> None:
    names = {c.name for c in CASES}
    assert {"ru_2026_meeting", "ru_old_a_article", "en_old_amp", "kk_2025_text_date"} <= names
    assert {"lenta_2026_news_card", "lenta_2025_allnewscard", "category_catpagecard"} <= names
    assert {"old_anounce_news", "rss_ru", "ru_2026_meeting_windows1251"} <= names


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


@pytest.mark.parametrize("body", [b"<html><body>not a feed", b""])
def test_broken_feed_gives_noentries(body: bytes) -> None:
    response = saved_response("https://www.inform.kz/rss/rus.xml", body)
    assert kazinform.FeedPage(response).to_record() == []
