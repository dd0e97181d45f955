"""URL canonicalization and source ids, from a table of real URL shapes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from storage.urls import canonical_url, source_article_id, url_key

CASES = json.loads(Path(__file__).with_name("url_cases.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("case", CASES, ids=[c["url"] for c in CASES])
def test_canonical_url_and_id(case: dict[str, str]) -> None:
    assert canonical_url(case["url"]) == case["canonical"]
    assert source_article_id(case["source"], case["url"]) == case["id"]


def test_key_is_shared_by_variants_and_differs_across_languages() -> None:
    assert url_key("https://www.inform.kz/en/a_a3697561/amp") == url_key(
        "http://inform.kz/en/a_a3697561/"
    )
    gov = "https://www.gov.kz/memleket/entities/karaganda/press/news/details/1?lang="
    assert url_key(gov + "ru") != url_key(gov + "kk")
