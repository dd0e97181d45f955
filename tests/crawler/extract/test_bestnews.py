"""Bestnews extraction from saved pages: every article, listing and feed variant, data-driven.

Each ``tests/fixtures/bestnews/<name>.html`` has a ``<name>.json`` with the page URL, the kind
of page and the expected fields; ``body_lacks`` lists boilerplate that must not leak into the body.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from crawler.extract import bestnews
from crawler.extract.types import Extracted, ListingEntry

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "bestnews"
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
        extracted = bestnews.extract_article(page, spec["url"])
        assert _article_fields(extracted) == spec["expected"]
        for leak in spec["body_lacks"]:
            assert leak not in f"{extracted.lead}\n{extracted.body}", leak
    else:
        assert _entries(bestnews.extract_listing(page, spec["url"])) == spec["expected"]


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
