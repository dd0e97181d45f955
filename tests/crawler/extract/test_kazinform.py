"""Kazinform extraction from saved pages: every article, listing and feed variant, data-driven.

Each ``tests/fixtures/kazinform/<name>.html|xml`` has a ``<name>.json`` with the page URL, the kind
of page and the expected fields; ``body_lacks`` lists boilerplate that must not leak into the body.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from crawler.extract import kazinform
from crawler.extract.types import Extracted, ListingEntry

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "kazinform"
CASES = sorted(FIXTURES.glob("*.json"))


def _page(case: Path) -> bytes:
    return next(p for p in FIXTURES.glob(case.stem + ".*") if p.suffix != ".json").read_bytes()


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _article_fields(extracted: Extracted) -> dict[str, Any]:
    return {
        "title": extracted.title,
        "lead": extracted.lead,
        "body": extracted.body,
        "published_at": _iso(extracted.published_at),
        "author": extracted.author,
        "tags": extracted.tags,
        "language": extracted.language,
        "source_id": extracted.source_id,
    }


def _entries(entries: list[ListingEntry]) -> list[dict[str, Any]]:
    return [{"url": e.url, "title": e.title, "published_at": _iso(e.published_at)} for e in entries]


@pytest.mark.parametrize("case", CASES, ids=[c.stem for c in CASES])
def test_saved_page(case: Path) -> None:
    spec = json.loads(case.read_text("utf-8"))
    page = _page(case)
    if spec["kind"] == "article":
        extracted = kazinform.extract_article(page, spec["url"], spec["expected"]["language"])
        assert _article_fields(extracted) == spec["expected"]
        for leak in spec["body_lacks"]:
            assert leak not in f"{extracted.lead}\n{extracted.body}", leak
    elif spec["kind"] == "listing":
        assert _entries(kazinform.extract_listing(page, spec["url"])) == spec["expected"]
        assert kazinform.current_page(page) == spec["current_page"]
    else:
        assert _entries(kazinform.extract_feed(page, spec["url"])) == spec["expected"]


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


def test_broken_feed_gives_no_entries() -> None:
    assert kazinform.extract_feed(b"<html><body>not a feed", "https://www.inform.kz/") == []
    assert kazinform.extract_feed(b"", "https://www.inform.kz/") == []
