"""Bestnews extraction: every article and listing variant has a saved page
(``sources/bestnews/fixtures``, checked by ``tests/sources/test_saved_pages.py``); URL shapes."""

from __future__ import annotations

import pytest

from crawler.extract.saved import saved_pages
from sources import bestnews as source
from sources.bestnews import pages as bestnews

CASES = saved_pages(source.SOURCE.directory / "fixtures")


def test_every_variant_has_a_saved_page() -> None:
    names = {c.name for c in CASES}
    assert {"article_2023_template", "article_2026_template", "article_2026_text_date"} <= names
    assert {"category_vlast", "tag_page", "home_module"} <= names


@pytest.mark.parametrize(
    ("url", "article"),
    [
        ("https://bestnews.kz/vlast/48213-tokaev-prinyal-akima", True),
        ("https://bestnews.kz/vlast/tokaev-prinyal-akima", True),
        ("/kazakhstan/51110-v-almaty-otkryli-most", True),
        ("https://bestnews.kz/t/eksklyuziv", False),
        ("https://bestnews.kz/vlast", False),
        ("https://example.org/vlast/1-a", False),
    ],
)
def test_url_shapes(url: str, article: bool) -> None:
    assert bestnews.is_article_url(url) is article
