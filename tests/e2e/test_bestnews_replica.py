"""Bestnews end to end: real crawls of the replica by ``python -m scrapy crawl bestnews``.

Category and tag listings with ``?start=`` offsets, both article templates and both URL shapes;
every article is checked field by field against the replica's data file, a second crawl fetches
listing pages only, and backfill walks every listing to its empty page past the end.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from crawling import crawl, stored_articles, stored_rows, write_config

from replicas import ReplicaServer
from replicas.articles import ReplicaArticle
from replicas.layouts import LAYOUTS
from sources.bestnews.replica import BestnewsSite

pytestmark = pytest.mark.slow
FIELDS = ("url", "title", "lead", "body", "published_at", "language", "tags", "source_id")
LISTINGS = {"/vlast", "/kazakhstan", "/t/prezident-kazakhstana"}


@pytest.fixture
def site() -> BestnewsSite:
    return BestnewsSite(page_size=4)


@pytest.fixture
def server(site: BestnewsSite) -> Iterator[ReplicaServer]:
    with ReplicaServer([site]) as server:
        yield server


def expected(site: BestnewsSite, article: ReplicaArticle) -> dict[str, Any]:
    """What the store must hold (the 2026 template has no lead: it opens the body)."""
    new = article.markup == "2026"
    return {
        "url": site.url_of(article),
        "title": article.title,
        "lead": "" if new else article.lead,
        "body": "\n".join([article.lead, *article.paragraphs] if new else article.paragraphs),
        "published_at": article.published,
        "language": "ru",
        "tags": article.tags,
        "source_id": article.id if article.extra.get("id_in_url", True) else None,
    }


def test_every_article_stored_field_by_field_then_only_listings_refetched(
    tmp_path: Path, server: ReplicaServer, site: BestnewsSite
) -> None:
    config, db_url = write_config(tmp_path)
    crawl("bestnews", config, server)
    rows = stored_rows(db_url, FIELDS)
    assert sorted(rows) == sorted(site.url_of(a) for a in site.articles)
    for article in site.articles:
        assert rows[site.url_of(article)] == expected(site, article)
    assert {a.extra.get("id_in_url", True) for a in site.articles} == {True, False}
    assert {a.markup for a in site.articles} == {"2023", "2026"}
    server.clear_log()
    crawl("bestnews", config, server)
    assert {e.path for e in server.requests_for()} <= {*LISTINGS, "/robots.txt"}
    assert {e.path for e in server.requests_for()} >= LISTINGS


def test_backfill_walks_each_listing_to_its_end(
    tmp_path: Path, server: ReplicaServer, site: BestnewsSite
) -> None:
    config, db_url = write_config(tmp_path)
    crawl("bestnews", config, server, "since=2023-01-01")
    rows = stored_rows(db_url, FIELDS)
    assert sorted(rows) == sorted(site.url_of(a) for a in site.articles)
    oldest = min(site.articles, key=lambda a: a.published)
    assert rows[site.url_of(oldest)]["published_at"] == datetime(2023, 12, 5, 12, 30, tzinfo=UTC)
    starts = sorted(
        int(e.query.get("start", ["0"])[0]) for e in server.requests_for() if e.path == "/vlast"
    )
    in_vlast = sum(a.extra["category"] == "vlast" for a in site.articles)
    assert starts == [0, 4, in_vlast]  # the last page, then the empty one past the end


def test_only_the_languages_the_site_has_are_crawled(tmp_path: Path, server: ReplicaServer) -> None:
    config, db_url = write_config(tmp_path)
    crawl("bestnews", config, server, "languages=kk,en")
    assert [e.path for e in server.requests_for()] == []
    assert stored_articles(db_url) == {}


@pytest.mark.parametrize("layout", range(LAYOUTS))
def test_every_layout_stores_the_same_true_records(tmp_path: Path, layout: int) -> None:
    """A crawl per layout (redesigned cards and pages, dated news of other articles around the
    text, the clock and an updated time in headers): every record equals the article's."""
    site = BestnewsSite(page_size=4, layout=layout)
    config, db_url = write_config(tmp_path)
    with ReplicaServer([site]) as server:
        crawl("bestnews", config, server)
    rows = stored_rows(db_url, (*FIELDS[:-2], "source_id"))
    assert sorted(rows) == sorted(site.url_of(a) for a in site.articles)
    right = [a for a in site.articles if rows[site.url_of(a)]["published_at"] == a.published]
    count = f"{len(right)}/{len(site.articles)}"
    print(f"bestnews layout {layout}: {count} articles with true published_at")
    for article in site.articles:
        want = {k: v for k, v in expected(site, article).items() if k != "tags"}
        assert rows[site.url_of(article)] == want
