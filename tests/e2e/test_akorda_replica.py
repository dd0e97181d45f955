"""Real crawls of the Akorda replica through the production entry point (scrapy crawl)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, time
from pathlib import Path

import pytest
from crawling import crawl as run_crawl
from crawling import stored_articles

from akimwatch.demo import write_config
from crawler.extract.dates import ALMATY
from replicas.articles import ReplicaArticle
from replicas.layouts import LAYOUTS
from replicas.server import ReplicaServer
from sources.akorda.replica import MIRROR, AkordaSite
from storage.engine import make_engine
from storage.migrate import upgrade
from storage.models import Article

pytestmark = pytest.mark.slow


@pytest.fixture
def site() -> AkordaSite:
    return AkordaSite()


@pytest.fixture
def server(site: AkordaSite) -> Iterator[ReplicaServer]:
    with ReplicaServer([site]) as running:
        yield running


def crawl(tmp_path: Path, server: ReplicaServer, *args: str) -> dict[str, Article]:
    """Run one crawl into the test's database; the stored articles by URL."""
    url = f"sqlite:///{tmp_path / 'akorda.db'}"
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    run_crawl("akorda", write_config(tmp_path, url, server.overrides()), server, *args)
    return stored_articles(url)


def expected_time(site: AkordaSite, article: ReplicaArticle) -> datetime:
    """The page's JSON-LD time; for a page without a date, the RSS time when the feed carries
    it, else the listing's date (local midnight)."""
    if article.markup != "bare" or article in site.feed(article.language):
        return article.published
    local = article.published.astimezone(ALMATY).date()
    return datetime.combine(local, time(), ALMATY).astimezone(UTC)


@pytest.mark.parametrize("language", ["ru", "kk", "en"])
def test_crawl_stores_every_article_then_fetches_only_listings(
    tmp_path: Path, server: ReplicaServer, site: AkordaSite, language: str
) -> None:
    stored = crawl(tmp_path, server, f"languages={language}")
    listed = site.listed(language)
    assert set(stored) == {site.url_of(a) for a in listed}
    for article in listed:
        row = stored[site.url_of(article)]
        assert row.title == article.title
        assert row.lead == article.lead
        assert row.body == "\n".join(article.paragraphs)
        assert row.language == language
        assert row.source == "akorda"
        assert row.source_id == article.id
        assert row.published_at == expected_time(site, article), article.markup
    server.clear_log()
    crawl(tmp_path, server, f"languages={language}")
    paths = {e.path for e in server.requests_for("akorda.kz") if e.path != "/robots.txt"}
    prefix = {"ru": "/ru", "kk": "/kz", "en": "/en"}[language]
    assert paths == {f"{prefix}/rss", f"{prefix}/events"}


def test_backfill_reaches_the_oldest_page_and_stops(
    tmp_path: Path, server: ReplicaServer, site: AkordaSite
) -> None:
    oldest = site.listed("ru")[-1].published.astimezone(ALMATY).date()
    stored = crawl(tmp_path, server, "languages=ru", f"since={oldest.isoformat()}")
    assert set(stored) == {site.url_of(a) for a in site.listed("ru")}
    pages = [e for e in server.requests_for() if e.path == "/ru/events"]
    last = -(-len(site.listed("ru")) // site.page_size)
    assert len(pages) == last + 1  # the oldest page, then the empty page past it


def test_backfill_stops_at_the_since_date(
    tmp_path: Path, server: ReplicaServer, site: AkordaSite
) -> None:
    newest = site.listed("ru")[0].published.astimezone(ALMATY).date()
    stored = crawl(tmp_path, server, "languages=ru", f"since={newest.isoformat()}")
    assert all(
        a.published_at and a.published_at.astimezone(ALMATY).date() >= newest
        for a in stored.values()
    )
    pages = [e for e in server.requests_for() if e.path == "/ru/events"]
    since = [a for a in site.listed("ru") if a.published.astimezone(ALMATY).date() >= newest]
    assert len(pages) == len(since) // site.page_size + 1  # down to the page with an older one


def test_mirror_host_with_old_site_urls(
    tmp_path: Path, server: ReplicaServer, site: AkordaSite
) -> None:
    stored = crawl(tmp_path, server, "languages=ru", f"host={MIRROR}")
    old = next(a for a in site.articles if a.markup == "old")
    row = stored[site.url_of(old, MIRROR)]
    assert row.title == old.title
    assert row.body == "\n".join(old.paragraphs)
    local = old.published.astimezone(ALMATY).date()
    assert row.published_at == datetime.combine(local, time(), ALMATY).astimezone(UTC)
    assert {e.host for e in server.requests_for()} == {MIRROR}


@pytest.mark.parametrize("layout", range(LAYOUTS))
def test_every_layout_stores_every_article_with_its_true_time(tmp_path: Path, layout: int) -> None:
    """A crawl per layout (redesigned pages and listings, dated news of other articles around
    the text): the same records, every article with its true publication time."""
    site = AkordaSite(layout=layout)
    with ReplicaServer([site]) as server:
        stored = crawl(tmp_path, server)
    listed = [a for language in ("ru", "kk", "en") for a in site.listed(language)]
    assert set(stored) == {site.url_of(a) for a in listed}
    right = [a for a in listed if stored[site.url_of(a)].published_at == expected_time(site, a)]
    print(f"akorda layout {layout}: {len(right)}/{len(listed)} articles with true published_at")
    for article in listed:
        row = stored[site.url_of(article)]
        assert (row.title, row.lead, row.body, row.language) == (
            article.title,
            article.lead,
            "\n".join(article.paragraphs),
            article.language,
        )
    assert len(right) == len(listed)
