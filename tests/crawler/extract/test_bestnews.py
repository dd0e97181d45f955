"""Bestnews extraction from saved pages (``sources/bestnews/fixtures``): every article and listing
variant, data-driven."""

from __future__ import annotations

from pathlib import Path

import pytest
from saved_pages import cases, check_article, entries, load

from sources.bestnews import pages as bestnews

CASES = cases("bestnews")


@pytest.mark.parametrize("case", CASES, ids=[c.stem for c in CASES])
def test_saved_page(case: Path) -> None:
    spec, page = load(case)
    if spec["kind"] == "article":
        extracted = bestnews.extract_article(page, spec["url"])
        check_article(extracted, spec)
    else:
        assert entries(bestnews.extract_listing(page, spec["url"])) == spec["expected"]


def test_every_variant_has_a_saved_page() -> None:
    names = {c.stem for c in CASES}
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
