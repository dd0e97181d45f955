"""Kazinform end to end in every language: real crawls of the replica by ``python -m scrapy crawl``.

Every article is checked field by field against the replica's data file (the expected values), a
second crawl fetches listing pages only, backfill reaches the oldest page and stops there, and the
RSS feeds take over when the feed pages stop yielding cards (their articles are stored, the run is
bad: the layout changed).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from crawling import crawl, run_crawl, stored_articles, stored_rows, write_config
from sqlalchemy import select
from sqlalchemy.orm import Session

from crawler.extract.dates import ALMATY
from replicas import ReplicaServer
from replicas.articles import ReplicaArticle
from replicas.layouts import LAYOUTS
from replicas.server import Reply, Request
from sources.kazinform.replica import KazinformSite
from storage.engine import make_engine
from storage.models import CrawlRun

pytestmark = pytest.mark.slow
FIELDS = ("url", "title", "lead", "body", "published_at", "language", "source_id")
LISTING_PATHS = {"/ru/lenta", "/lenta", "/robots.txt"}


@pytest.fixture
def site() -> KazinformSite:
    return KazinformSite(page_size=5)


@pytest.fixture
def server(site: KazinformSite) -> Iterator[ReplicaServer]:
    with ReplicaServer([site]) as server:
        yield server


def expected(site: KazinformSite, article: ReplicaArticle) -> dict[str, Any]:
    """What the store must hold for a replica article (old pages print the lead in the body)."""
    old = article.markup == "old"
    return {
        "url": site.url_of(article),
        "title": article.title,
        "lead": "" if old else article.lead,
        "body": "\n".join([article.lead, *article.paragraphs] if old else article.paragraphs),
        "published_at": article.published,
        "language": article.language,
        "source_id": f"a{article.id}" if old else article.id,
    }


def test_every_language_stored_field_by_field_then_only_listings_refetched(
    tmp_path: Path, server: ReplicaServer, site: KazinformSite
) -> None:
    config, db_url = write_config(tmp_path)
    crawl("kazinform", config, server)
    rows = stored_rows(db_url, FIELDS)
    assert sorted(rows) == sorted(site.url_of(a) for a in site.articles)
    for article in site.articles:
        assert rows[site.url_of(article)] == expected(site, article)
    assert {a.language for a in site.articles} == {"ru", "kk", "en"}
    assert any(r["published_at"].utcoffset() == timedelta(0) for r in rows.values())
    server.clear_log()
    crawl("kazinform", config, server)
    assert {e.path for e in server.requests_for()} <= LISTING_PATHS
    hosts = {e.host for e in server.requests_for() if e.path != "/robots.txt"}
    assert hosts == {"www.inform.kz", "kaz.inform.kz", "qazinform.com"}
    added = ReplicaArticle(
        id="ab12cd34",
        language="kk",
        slug="zhana-makala",
        title="Жаңа мақала",
        lead="Жаңа мақаланың лиды.",
        paragraphs=["Бірінші абзац."],
        published=datetime.now(UTC).replace(second=0, microsecond=0),
    )
    site.articles.append(added)
    server.clear_log()
    crawl("kazinform", config, server)
    articles = {e.path for e in server.requests_for() if e.path.rstrip("/") not in LISTING_PATHS}
    assert articles == {site.path_of(added)}
    assert stored_rows(db_url, FIELDS)[site.url_of(added)] == expected(site, added)


def test_backfill_reaches_the_oldest_page_and_stops_there(
    tmp_path: Path, server: ReplicaServer, site: KazinformSite
) -> None:
    config, db_url = write_config(tmp_path)
    oldest = min(a.published for a in site.articles if a.language == "ru")
    pages = -(-len(site.in_language("ru")) // site.page_size)
    crawl("kazinform", config, server, "languages=ru", f"since={oldest:%Y-%m-%d}")
    requested = sorted(_lenta(server))
    assert requested == list(range(1, pages + 2))  # the last page, then one that repeats it
    assert sorted(stored_articles(db_url)) == sorted(site.url_of(a) for a in site.in_language("ru"))
    old = stored_rows(db_url, FIELDS)[site.url_of(site.in_language("ru")[-1])]
    assert old["published_at"] == datetime(2018, 3, 14, 5, 0, tzinfo=UTC)  # UTC+6 then


def test_short_backfill_stops_at_its_date(
    tmp_path: Path, server: ReplicaServer, site: KazinformSite
) -> None:
    config, db_url = write_config(tmp_path)
    since = (datetime.now(ALMATY) - timedelta(hours=36)).date()
    crawl("kazinform", config, server, "languages=ru", f"since={since:%Y-%m-%d}")
    ru = site.in_language("ru")
    wanted = [a for a in ru if a.published.astimezone(ALMATY).date() >= since]
    assert sorted(stored_articles(db_url)) == sorted(site.url_of(a) for a in wanted)
    last_needed = len(wanted) // site.page_size + 1  # the page where older articles begin
    assert max(_lenta(server)) == last_needed < -(-len(ru) // site.page_size)


def _broken_feed_pages(request: Request) -> Reply | None:
    if request.path.endswith("/lenta"):
        return Reply(200, b"<html><body><div class='redesign'>new layout</div></body></html>")
    if request.path == "/rss/rus.xml":
        return Reply(404, b"not here")
    return None


def test_rss_takes_over_when_the_feed_pages_yield_no_cards(
    tmp_path: Path, server: ReplicaServer, site: KazinformSite
) -> None:
    config, db_url = write_config(tmp_path)
    server.faults.append(_broken_feed_pages)
    server.faults.append(
        lambda r: Reply(200, site.feed("ru").encode()) if r.path == "/rss/ru.xml" else None
    )
    result = run_crawl("kazinform", config, server, "languages=ru")
    assert result.returncode == 1, result.stderr[-3000:]  # the layout changed: a bad run
    reason = "0 articles from 1 listing pages (the RSS feed took over)"
    assert reason in result.stderr, result.stderr[-3000:]
    paths = [e.path for e in server.requests_for()]
    assert "/rss/rus.xml" in paths and "/rss/ru.xml" in paths
    assert sorted(stored_articles(db_url)) == sorted(site.url_of(a) for a in site.in_language("ru"))


def _lenta(server: ReplicaServer) -> list[int]:
    """The page numbers of the feed pages requested."""
    return [
        int(e.query.get("page", ["1"])[0])
        for e in server.requests_for()
        if e.path.rstrip("/").endswith("/lenta")
    ]


def test_a_failing_article_is_retried_after_a_pause(
    tmp_path: Path, server: ReplicaServer, site: KazinformSite
) -> None:
    config, db_url = write_config(tmp_path)
    target = site.path_of(site.in_language("en")[0])
    arrivals: list[float] = []

    def unavailable_once(request: Request) -> Reply | None:
        if request.path != target:
            return None
        arrivals.append(time.monotonic())
        return Reply(503, b"busy") if len(arrivals) == 1 else None

    server.faults.append(unavailable_once)
    crawl("kazinform", config, server, "languages=en")
    served = [e.status for e in server.requests_for() if e.path == target]
    assert served == [503, 200]
    assert arrivals[1] - arrivals[0] >= 0.9  # RETRY_BACKOFF_BASE = 1 s
    assert sorted(stored_articles(db_url)) == sorted(site.url_of(a) for a in site.in_language("en"))


@pytest.mark.parametrize("layout", range(LAYOUTS))
def test_every_layout_stores_the_same_true_records(tmp_path: Path, layout: int) -> None:
    """A crawl per layout (redesigned cards and pages, dated news of other articles around the
    text, the clock and an updated time in headers): every record equals the article's."""
    site = KazinformSite(page_size=5, layout=layout)
    config, db_url = write_config(tmp_path)
    with ReplicaServer([site]) as server:
        crawl("kazinform", config, server)
    rows = stored_rows(db_url, FIELDS)
    assert sorted(rows) == sorted(site.url_of(a) for a in site.articles)
    right = [a for a in site.articles if rows[site.url_of(a)]["published_at"] == a.published]
    count = f"{len(right)}/{len(site.articles)}"
    print(f"kazinform layout {layout}: {count} articles with true published_at")
    for article in site.articles:
        assert rows[site.url_of(article)] == expected(site, article)


def test_a_page_date_days_from_the_listing_keeps_the_listing_date_and_is_counted(
    tmp_path: Path, server: ReplicaServer, site: KazinformSite
) -> None:
    article = site.in_language("ru")[1]
    misdated = replace(article, published=article.published - timedelta(days=3))
    path = site.path_of(article)
    server.faults.append(
        lambda r: Reply(200, site.article_page(misdated).encode()) if r.path == path else None
    )
    config, db_url = write_config(tmp_path)
    crawl("kazinform", config, server, "languages=ru")
    assert stored_rows(db_url, ("published_at", "page_published_at"))[site.url_of(article)] == {
        "published_at": article.published,
        "page_published_at": misdated.published,
    }
    engine = make_engine(db_url)
    with Session(engine) as session:
        run = session.scalars(select(CrawlRun)).one()
        assert run.stats["akimwatch/date_conflicts"] == 1
    engine.dispose()
