"""Akorda extraction from saved pages: every listing, feed and article markup variant."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import Any

import pytest

from crawler.extract.html import parse
from sources.akorda import pages as akorda

FIXTURES = Path(__file__).resolve().parents[3] / "sources" / "akorda" / "fixtures"
CASES = sorted(FIXTURES.glob("*.expected.json"))


def _plain(value: Any) -> Any:
    return {k: v.isoformat() if hasattr(v, "isoformat") else v for k, v in asdict(value).items()}


def _extract(name: str, document: bytes, url: str, language: str) -> Any:
    if name.startswith("article"):
        return _plain(akorda.extract_article(document, url, language))
    if name.startswith("rss"):
        return [_plain(e) for e in akorda.extract_rss(document, url)]
    return [_plain(e) for e in akorda.extract_listing(document, url)]


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.name.removesuffix(".expected.json"))
def test_saved_page(case: Path) -> None:
    name = case.name.removesuffix(".expected.json")
    spec = json.loads(case.read_text("utf-8"))
    document = next(p for p in FIXTURES.glob(f"{name}.*") if p != case).read_bytes()
    assert _extract(name, document, spec["url"], spec["language"]) == spec["expected"]


def test_every_variant_has_a_case() -> None:
    names = {p.name.removesuffix(".expected.json") for p in CASES}
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
    entries = akorda.extract_rss((FIXTURES / "rss_ru.xml").read_bytes(), "https://www.akorda.kz/")
    assert all("lol" not in e.title for e in entries)


def test_rss_garbage_is_empty() -> None:
    assert akorda.extract_rss(b"<html><body>blocked</body></html>", "https://www.akorda.kz/") == []
    assert akorda.extract_rss(b"", "https://www.akorda.kz/") == []


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
    tree = parse(
        "<html><body><div class='related-news'><p>"
        + "Глава государства принял акима области. " * 20
        + "</p></div><div><p>Короткий текст статьи.</p><p>Второй абзац.</p></div></body></html>"
    )
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
    got = akorda.extract_article(page.encode(), "https://www.akorda.kz/ru/x-1", "ru")
    assert (got.lead, got.body) == (lead, "Один абзац.")
