"""Real crawls of the gov.kz API replica: the handshake, a ticket expiring mid-crawl, the
token/hash fallback, both page shapes and the empty last page."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from akimwatch.demo import write_config
from akimwatch.replicas.govkz import K6, NEWS, GovkzSite
from akimwatch.replicas.server import ReplicaServer
from crawler.extract.govkz import frontend_url
from storage.engine import make_engine
from storage.migrate import upgrade
from storage.models import Article

ROOT = Path(__file__).resolve().parents[2]
PROJECTS = ("karaganda", "astana")
pytestmark = pytest.mark.slow


def crawl(tmp_path: Path, server: ReplicaServer, *args: str) -> dict[str, Article]:
    """Run one crawl of two projects into the test's database; the stored articles by URL."""
    url = f"sqlite:///{tmp_path / 'govkz.db'}"
    engine = make_engine(url)
    upgrade(engine)
    config = write_config(tmp_path, url, server.overrides(), PROJECTS)
    env = {
        **os.environ,
        "AKIMWATCH_CONFIG": str(config),
        "SCRAPY_SETTINGS_MODULE": "crawler.settings",
    }
    done = subprocess.run(
        [sys.executable, "-m", "scrapy", "crawl", "govkz", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert "] ERROR:" not in done.stderr, done.stderr[-3000:]
    with Session(engine) as session:
        stored = {a.url: a for a in session.scalars(select(Article))}
    engine.dispose()
    return stored


def check_all_stored(site: GovkzSite, stored: dict[str, Article]) -> None:
    expected = [a for a in site.articles if a.extra["project"] in PROJECTS]
    assert set(stored) == {frontend_url(a.extra["project"], a.id, a.language) for a in expected}
    for article in expected:
        row = stored[frontend_url(article.extra["project"], article.id, article.language)]
        assert row.title == article.title
        assert row.lead == article.lead
        assert row.body == "\n".join(article.paragraphs)
        assert row.published_at == article.published
        assert row.language == article.language
        assert row.source_id == f"{article.id}:{article.language}"


def news_pages(server: ReplicaServer) -> list[int]:
    return [e.status for e in server.requests_for() if e.path == NEWS]


def test_handshake_expiry_and_empty_page(tmp_path: Path) -> None:
    site = GovkzSite(expire_after=3)
    with ReplicaServer([site]) as server:
        stored = crawl(tmp_path, server)
        check_all_stored(site, stored)
        statuses = news_pages(server)
        assert 400 in statuses  # the ticket expired mid-crawl and was renewed
        chains = [site.listed(p, lang) for p in PROJECTS for lang in ("ru", "kk", "en")]
        # every page with items, then one empty page per chain, and nothing past it
        assert statuses.count(200) == sum(-(-len(c) // site.page_size) + 1 for c in chains)
        handshakes = [e for e in server.requests_for() if e.path == K6]
        assert len(handshakes) == 2 * 3 + statuses.count(400)
        server.clear_log()
        crawl(tmp_path, server)
        assert news_pages(server) == [200] * 6  # page 1 of each project and language only


def test_token_hash_fallback_and_start_page(tmp_path: Path) -> None:
    site = GovkzSite(mode="hash", first_page=0)
    with ReplicaServer([site]) as server:
        stored = crawl(tmp_path, server, "-a", "start_page=0")
        check_all_stored(site, stored)
        assert set(news_pages(server)) == {200}
