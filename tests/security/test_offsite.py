"""The spiders never fetch anything outside their source's domains: listings and RSS feeds that
link to look-alike and foreign hosts, and an article redirecting off the site, are crawled for real
against the replicas, which also answer for the foreign hosts so any fetch would be logged."""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from scrapy.settings import Settings
from sqlalchemy import select
from sqlalchemy.orm import Session

import crawler.settings
from crawler.middlewares.offsite import within
from crawler.spiders.base import ListingSpider
from replicas import ReplicaServer
from replicas.server import Fault
from sources import names
from sources.akorda.replica import AkordaSite
from sources.akorda.spider import AkordaSpider
from sources.bestnews.replica import BestnewsSite
from sources.bestnews.spider import BestnewsSpider
from sources.govkz.spider import GovkzSpider
from sources.kazinform.replica import KazinformSite
from sources.kazinform.spider import KazinformSpider
from sources.telegram.replica import TelegramSite
from sources.telegram.spider import TelegramSpider
from storage.engine import make_engine
from storage.models import CrawlRun
from testkit.faults import empty_listing, matcher
from testkit.hostile import (
    ForeignSite,
    foreign_hosts,
    off_domain_links,
    redirect_off_domain,
)

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "e2e"))
from crawling import crawl, run_crawl, stored_articles, write_config

SPIDERS: list[type[ListingSpider]] = [
    KazinformSpider, AkordaSpider, GovkzSpider, BestnewsSpider, TelegramSpider,
]  # fmt: skip
OFFSITE = "scrapy.downloadermiddlewares.offsite.OffsiteMiddleware"
Replica = KazinformSite | AkordaSite | BestnewsSite


@dataclass
class Case:
    """A source, its replica, the domain its look-alikes imitate, and extra faults to apply."""

    spider: type[ListingSpider]
    site: Callable[[], Replica]
    domain: str
    args: tuple[str, ...] = ()
    extra: Callable[[], list[Fault]] = field(default=list)


def _kazinform_rss() -> list[Fault]:
    """The English feed page shows no cards, so the spider reads its (hostile) RSS feed."""
    return [empty_listing(matcher("qazinform.com", lambda r: r.path.endswith("/lenta")))]


CASES = [
    Case(
        KazinformSpider,
        lambda: KazinformSite(page_size=4),
        "inform.kz",
        ("languages=ru,en",),
        _kazinform_rss,
    ),
    Case(AkordaSpider, AkordaSite, "akorda.kz", ("languages=ru",)),
    Case(BestnewsSpider, lambda: BestnewsSite(page_size=4), "bestnews.kz"),
]


def test_every_spider_declares_its_domains_and_offsite_filtering_is_on() -> None:
    settings = Settings()
    settings.setmodule(crawler.settings)
    middlewares = settings.getwithbase("DOWNLOADER_MIDDLEWARES")
    assert middlewares.get(OFFSITE) is not None, "OffsiteMiddleware was disabled"
    assert {spider.name for spider in SPIDERS} == set(names())
    for spider in SPIDERS:
        assert spider.allowed_domains, spider.name
        assert all("/" not in d and d.count(".") >= 1 for d in spider.allowed_domains)


def _foreign_requests(server: ReplicaServer, hosts: list[str]) -> list[str]:
    return [f"{e.host}{e.path}" for e in server.requests_for() if e.host in hosts]


def _last_run(db_url: str) -> CrawlRun:
    engine = make_engine(db_url)
    with Session(engine) as session:
        run = session.scalars(select(CrawlRun).order_by(CrawlRun.id.desc())).first()
        assert run is not None
        session.expunge(run)
    engine.dispose()
    return run


@pytest.mark.slow
@pytest.mark.parametrize("case", CASES, ids=lambda c: c.spider.name)
def test_spider_never_fetches_links_outside_its_domains(case: Case, tmp_path: Path) -> None:
    site, hosts, served = case.site(), foreign_hosts(case.domain), list[str]()
    listed = next(a for a in site.articles if a.language == "ru" and a.markup != "old")
    redirected = site.path_of(listed)
    with ReplicaServer([site, ForeignSite(hosts)]) as server:
        server.faults += case.extra()
        server.faults.append(redirect_off_domain(redirected, f"https://{hosts[2]}{redirected}"))
        server.faults.append(off_domain_links(site.handle, hosts, served))
        config, db_url = write_config(tmp_path)
        crawl(case.spider.name, config, server, *case.args)
        assert _foreign_requests(server, hosts) == []
        assert redirected in {e.path for e in server.requests_for()}, "redirect not exercised"
    assert len(served) >= 2, "the hostile links were never offered"
    stored = {urlsplit(url).hostname or "" for url in stored_articles(db_url)}
    assert stored, "nothing was crawled"
    assert all(within(h, case.spider.allowed_domains) for h in stored), stored
    assert int(_last_run(db_url).stats.get("akimwatch/offsite_dropped", 0)) >= 1  # the redirect


@pytest.mark.slow
def test_kazinform_hostile_rss_links_are_offered_and_dropped(tmp_path: Path) -> None:
    site, hosts = KazinformSite(page_size=4), foreign_hosts("qazinform.com")
    served: list[str] = []
    with ReplicaServer([site, ForeignSite(hosts)]) as server:
        server.faults += _kazinform_rss()
        server.faults.append(off_domain_links(site.handle, hosts, served))
        config, db_url = write_config(tmp_path)
        done = run_crawl("kazinform", config, server, "languages=en")
        assert _foreign_requests(server, hosts) == []
    assert done.returncode == 1 and "(the RSS feed took over)" in done.stderr  # layout changed
    assert "/rss/en.xml" in served
    english = {site.url_of(a) for a in site.in_language("en")}
    assert set(stored_articles(db_url)) == english


@pytest.mark.slow
def test_telegram_never_follows_the_links_its_posts_carry(tmp_path: Path) -> None:
    """Posts link to akorda.kz (and t.me pages answer for it here): nothing but t.me is asked."""
    site = TelegramSite(page_size=4)
    assert any(post.extra.get("links") for post in site.articles)
    with ReplicaServer([site, AkordaSite()]) as server:
        config, db_url = write_config(tmp_path)
        crawl("telegram", config, server)
        assert {e.host for e in server.requests_for()} == {"t.me"}
    assert any(article.links for article in stored_articles(db_url).values())
