"""gov.kz API extraction from saved answers: both page shapes, the empty page, the handshake."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import Any

import bcrypt
import pytest

from sources.govkz import pages as govkz

FIXTURES = Path(__file__).resolve().parents[3] / "sources" / "govkz" / "fixtures"
CASES = sorted(FIXTURES.glob("*.expected.json"))


def _plain(value: Any) -> Any:
    return {k: v.isoformat() if hasattr(v, "isoformat") else v for k, v in asdict(value).items()}


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.name.removesuffix(".expected.json"))
def test_saved_page(case: Path) -> None:
    spec = json.loads(case.read_text("utf-8"))
    raw = (FIXTURES / case.name.replace(".expected.json", ".json")).read_bytes()
    items = govkz.news_items(raw)
    assert items is not None
    got = []
    for item in items:
        entry, article = govkz.extract_item(item, spec["project"], spec["language"])
        got.append({"entry": _plain(entry), "article": _plain(article)})
    assert got == spec["expected"]


def test_not_a_news_page() -> None:
    assert govkz.news_items((FIXTURES / "block_page.html").read_bytes()) is None
    assert govkz.news_items((FIXTURES / "not_allowed.json").read_bytes()) is None
    assert govkz.news_items(b'{"errors": [{"message": "boom"}]}') is None


def test_not_allowed() -> None:
    body = (FIXTURES / "not_allowed.json").read_bytes()
    assert govkz.not_allowed(400, body)
    assert not govkz.not_allowed(200, body)
    assert not govkz.not_allowed(400, b'{"error": "badRequest"}')


def test_ticket_headers_keep_scalar_pairs() -> None:
    headers = govkz.ticket_headers((FIXTURES / "k6.json").read_bytes())
    assert headers == {"x-ticket": "6f1c2a9e0d6b4f7a9c3e5b1d2f4a6c8e", "x-ts": "1767225600"}
    assert govkz.ticket_headers(b"<html>") == {}
    assert govkz.ticket_headers(b"[1, 2]") == {}


def test_token_headers_are_a_valid_bcrypt_pair() -> None:
    headers = govkz.token_headers()
    assert len(headers["token"]) == 32
    assert headers["hash"].startswith("$2a$10$HxyKf0Cy3Ecnp874AXBXOe")
    assert bcrypt.checkpw(headers["token"].encode(), headers["hash"].encode())
    assert govkz.token_headers()["token"] != headers["token"]


def test_urls() -> None:
    assert govkz.frontend_url("karaganda", "928267", "ru") == (
        "https://www.gov.kz/memleket/entities/karaganda/press/news/details/928267?lang=ru"
    )
    assert govkz.api_url("astana", 3).endswith(
        "news?sort-by=created_date:DESC&projects=eq:astana&page=3&size=10"
    )


def test_default_projects_cover_every_region() -> None:
    assert len(set(govkz.PROJECTS)) == 20
    assert {"astana", "almaty", "shymkent", "abay", "ulytau", "zhetysu", "almobl"} <= set(
        govkz.PROJECTS
    )
