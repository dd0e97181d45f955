"""Is a response the article? Block pages, pages cut short and texts that look cut, on own texts."""

from __future__ import annotations

import pytest
from scrapy.http import HtmlResponse, TextResponse

from crawler.completeness import cut_short, looks_cut, not_the_article

ARTICLE = (
    "<html><head><title>Президент принял акима области</title></head><body><article>"
    "<h1>Президент принял акима области</h1><p>Аким доложил о ходе посевной кампании.</p>"
    "<p>Глава государства дал ряд поручений.</p></article><footer>©</footer></body></html>"
)
PAGES = {
    "whole article": (ARTICLE, None),
    "upper-case tags": (ARTICLE.upper(), None),
    "cut mid-sentence, no closing tags": (ARTICLE[: ARTICLE.index("ходе") + 4], "cut"),
    "closing tags but the article never closed": (ARTICLE.replace("</article>", ""), "cut"),
    "firewall page": ("<html><head><title>Access denied</title></head><body><h1>Blocked</h1>"
                      "<p>Reference 42</p></body></html>", "blocked"),
    "challenge page": ("<html><head><title>Just a moment...</title></head><body><h1>Checking "
                       "your browser</h1></body></html>", "blocked"),
    "Russian block page": ("<html><head><title>Ошибка</title></head><body><h1>Доступ "
                           "запрещён</h1></body></html>", "blocked"),
    "article that mentions a denial": (ARTICLE.replace("Глава государства дал",
                                       "Access denied, сказал спикер, и дал"), None),
}  # fmt: skip


@pytest.mark.parametrize("page, expected", PAGES.values(), ids=PAGES.keys())
def test_not_the_article(page: str, expected: str | None) -> None:
    response = HtmlResponse("https://www.inform.kz/ru/x", body=page.encode(), encoding="utf-8")
    assert not_the_article(response) == expected


def test_a_json_answer_is_left_to_the_extractor() -> None:
    response = TextResponse("https://www.gov.kz/api", body=b'{"a": 1}', encoding="utf-8")
    assert not_the_article(response) is None


def test_cut_short_reads_only_the_document_tail() -> None:
    assert not cut_short(ARTICLE.encode())
    assert cut_short(ARTICLE.encode()[:-20])  # "</body></html>" gone with the footer


TEXTS = {
    "ends with a full stop": ("Аким доложил о ходе работ.", False),
    "ends with a quote": ("Он сказал: «Работа продолжается»", False),
    "ends with a question": ("Что дальше?", False),
    "cut mid-sentence": ("Аким доложил о ходе посевной кампании и", True),
    "empty": ("", False),
    "none": (None, False),
}


@pytest.mark.parametrize("text, cut", TEXTS.values(), ids=TEXTS.keys())
def test_looks_cut(text: str | None, cut: bool) -> None:
    assert looks_cut(text) is cut
