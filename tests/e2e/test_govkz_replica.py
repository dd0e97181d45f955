"""Real crawls of the gov.kz API replica: the handshake, one ticket shared by every chain (and
the fallback to a handshake per chain when the portal scopes tickets), a ticket expiring
mid-crawl, the token/hash fallback, both page shapes and the empty last page."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from crawling import crawl as run_crawl
from crawling import stored_articles
from sqlalchemy import select
from sqlalchemy.orm import Session

from akimwatch.demo import write_config
from replicas.layouts import LAYOUTS
from replicas.server import ReplicaServer
from sources.govkz.pages import frontend_url
from sources.govkz.replica import K6, NEWS, TICKET_SCOPES, GovkzSite
from sources.govkz.spider import SHARED_REFUSALS
from storage.engine import make_engine
from storage.migrate import upgrade
from storage.models import Article, CrawlRun

PROJECTS = ("karaganda", "astana")
TABLES = f"[sources.govkz]\nprojects = {json.dumps(PROJECTS)}\n"
pytestmark = pytest.mark.slow


def crawl(tmp_path: Path, server: ReplicaServer, *args: str) -> dict[str, Article]:
    """Run one crawl of two projects into the test's database; the stored articles by URL."""
    url = f"sqlite:///{tmp_path / 'govkz.db'}"
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    run_crawl("govkz", write_config(tmp_path, url, server.overrides(), TABLES), server, *args)
    return stored_articles(url)


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


def handshakes(server: ReplicaServer) -> int:
    return sum(1 for e in server.requests_for() if e.path == K6)


def last_run_stats(tmp_path: Path) -> dict[str, int]:
    engine = make_engine(f"sqlite:///{tmp_path / 'govkz.db'}")
    with Session(engine) as session:
        run = session.scalars(select(CrawlRun).order_by(CrawlRun.id.desc())).first()
        assert run is not None
        stats = dict(run.stats)
    engine.dispose()
    return stats


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
        # one shared handshake, then one per refusal (the shared ticket's or a chain's own)
        assert handshakes(server) == 1 + statuses.count(400)
        server.clear_log()
        crawl(tmp_path, server)
        assert news_pages(server) == [200] * 6  # page 1 of each project and language only


@pytest.mark.parametrize("scope", TICKET_SCOPES)
def test_one_ticket_for_every_chain_unless_the_portal_scopes_it(tmp_path: Path, scope: str) -> None:
    """A portal taking any ticket anywhere: one handshake per crawl. One scoping tickets to a
    project and language: the shared ticket is refused twice, then every chain handshakes for
    itself; every article is stored either way."""
    site = GovkzSite(ticket_scope=scope)
    chains = len(PROJECTS) * 3
    with ReplicaServer([site]) as server:
        for _ in range(2):  # a crawl storing everything, then an idle one
            server.clear_log()
            check_all_stored(site, crawl(tmp_path, server))
            statuses, refused = news_pages(server), last_run_stats(tmp_path)
            if scope == "any":
                assert handshakes(server) == 1
                assert 400 not in statuses
                assert "akimwatch/govkz_shared_ticket_refused" not in refused
            else:  # the ticket's own chain, two refused probes, the rest on their own
                assert handshakes(server) == chains
                assert statuses.count(400) == SHARED_REFUSALS
                assert refused["akimwatch/govkz_shared_ticket_refused"] == SHARED_REFUSALS
        assert statuses.count(200) == chains  # idle: page 1 of each project and language


def test_share_ticket_off_is_a_handshake_per_chain(tmp_path: Path) -> None:
    site = GovkzSite()
    with ReplicaServer([site]) as server:
        check_all_stored(site, crawl(tmp_path, server, "share_ticket=0"))
        assert handshakes(server) == len(PROJECTS) * 3


def test_token_hash_fallback_and_start_page(tmp_path: Path) -> None:
    site = GovkzSite(mode="hash", first_page=0)
    with ReplicaServer([site]) as server:
        stored = crawl(tmp_path, server, "start_page=0")
        check_all_stored(site, stored)
        assert set(news_pages(server)) == {200}


@pytest.mark.parametrize("layout", range(LAYOUTS))
def test_every_api_layout_stores_the_same_true_records(tmp_path: Path, layout: int) -> None:
    """A crawl per API variant (page shape, id type, date forms, lead only in the summary)."""
    site = GovkzSite(layout=layout)
    with ReplicaServer([site]) as server:
        stored = crawl(tmp_path, server)
    listed = [a for a in site.articles if a.extra["project"] in PROJECTS]
    right = [
        a
        for a in listed
        if stored[frontend_url(a.extra["project"], a.id, a.language)].published_at == a.published
    ]
    print(f"govkz layout {layout}: {len(right)}/{len(listed)} articles with true published_at")
    check_all_stored(site, stored)
