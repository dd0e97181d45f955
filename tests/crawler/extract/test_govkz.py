"""gov.kz API extraction from saved answers: both page shapes, the empty page, the handshake."""

from __future__ import annotations

from typing import Any

import bcrypt

from crawler.extract.page import saved_response
from crawler.extract.saved import saved_pages
from sources import govkz as source
from sources.govkz import pages as govkz

CASES = {case.name: case for case in saved_pages(source.SOURCE.directory / "fixtures")}
JSON = {"Content-Type": "application/json"}


def _api(body: bytes, status: int = 200) -> govkz.ApiPage:
    return govkz.ApiPage(
        saved_response(govkz.api_url("astana", 1), body, JSON, status), "astana", "ru"
    )


def _tickets(body: bytes) -> dict[str, Any]:
    return govkz.TicketPage(saved_response(govkz.K6, body, JSON)).to_record()


def test_every_answer_has_a_saved_page() -> None:
    assert {"list_array_ru", "list_content_kk", "empty", "empty_content"} <= set(CASES)
    assert {"block_page", "not_allowed", "k6"} <= set(CASES)


def test_not_a_news_page() -> None:
    assert govkz.ApiPage(CASES["block_page"].response(), "astana", "ru").to_record() is None
    assert _api(CASES["not_allowed"].body).to_record() is None
    assert _api(b'{"errors": [{"message": "boom"}]}').to_record() is None
    assert _api(CASES["list_array_ru"].body, status=500).to_record() is None


def test_not_allowed() -> None:
    body = CASES["not_allowed"].body
    assert _api(body, 400).refused
    assert govkz.ApiPage(CASES["not_allowed"].response(), "astana", "ru").refused
    assert not _api(body, 200).refused
    assert not _api(b'{"error": "badRequest"}', 400).refused


def test_ticket_headers_keep_scalar_pairs() -> None:
    headers = _tickets(CASES["k6"].body)
    assert headers == {"x-ticket": "6f1c2a9e0d6b4f7a9c3e5b1d2f4a6c8e", "x-ts": "1767225600"}
    assert _tickets(b"<html>") == {}
    assert _tickets(b"[1, 2]") == {}


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
