"""RSS parsing is safe against entity expansion ("billion laughs") and external entities (a local
file, a URL): the feed parsers return quickly with the entities unexpanded, and a real Akorda crawl
fed such feeds finishes, reads its events listing and stores nothing from the entities."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from scrapy.http import Response

from crawler.extract.page import FeedPage, saved_response
from crawler.extract.types import ListingEntry
from replicas import ReplicaServer
from replicas.server import Reply, Request
from sources.akorda import pages as akorda
from sources.akorda.replica import AkordaSite
from sources.kazinform import pages as kazinform
from testkit.hostile import billion_laughs_feed, external_entity_feed

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "e2e"))
from crawling import crawl, stored_articles, write_config

MARKER = "xxe-file-content-7f3a"
Parser = Callable[[bytes, str], list[ListingEntry]]


def _feed(page: Callable[[Response], FeedPage]) -> Parser:
    """A feed page object over an RSS answer at ``url``."""
    return lambda body, url: page(saved_response(url, body, RSS)).to_record()


RSS = {"Content-Type": "application/rss+xml; charset=utf-8"}
PARSERS = [
    pytest.param(_feed(akorda.FeedPage), "https://www.akorda.kz/ru/priem-12345", id="akorda"),
    pytest.param(_feed(kazinform.FeedPage), "https://www.inform.kz/ru/x-7a1c3e", id="kazinform"),
]


@pytest.mark.parametrize(("parse", "link"), PARSERS)
def test_billion_laughs_is_not_expanded(parse: Parser, link: str) -> None:
    started = time.perf_counter()
    entries = parse(billion_laughs_feed(link), link)
    assert time.perf_counter() - started < 1.0
    assert all(len(e.title) < 100 and "lollol" not in e.title for e in entries)


@pytest.mark.parametrize(("parse", "link"), PARSERS)
def test_external_entities_are_not_loaded(parse: Parser, link: str, tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text(MARKER, encoding="utf-8")
    with ReplicaServer([]) as probe:
        for target in (secret.as_uri(), f"{probe.url}/xxe-probe"):
            entries = parse(external_entity_feed(link, target), link)
            assert all(MARKER not in e.title for e in entries)
        assert probe.requests_for() == [], "the parser fetched an external entity"


@pytest.mark.slow
def test_akorda_crawl_survives_hostile_feeds(tmp_path: Path) -> None:
    site = AkordaSite()
    secret = tmp_path / "secret.txt"
    secret.write_text(MARKER, encoding="utf-8")
    with ReplicaServer([site]) as server:
        feeds = {
            "/ru/rss": billion_laughs_feed(site.url_of(site.listed("ru")[0])),
            "/kz/rss": external_entity_feed(site.path_of(site.listed("kk")[0]), secret.as_uri()),
            "/en/rss": external_entity_feed(
                site.path_of(site.listed("en")[0]), f"{server.url}/xxe-probe"
            ),
        }

        def hostile(request: Request) -> Reply | None:
            body = feeds.get(request.path)
            return Reply(200, body, "application/rss+xml") if body else None

        server.faults.append(hostile)
        config, db_url = write_config(tmp_path)
        started = time.monotonic()
        crawl("akorda", config, server, "languages=ru,kk,en")
        assert time.monotonic() - started < 60
        assert "/xxe-probe" not in {e.path for e in server.requests_for()}
    stored = stored_articles(db_url)
    listed = {site.url_of(a) for lang in ("ru", "kk", "en") for a in site.listed(lang)}
    assert listed <= set(stored), "the events listings were not read after the feeds"
    for article in stored.values():
        text = f"{article.title} {article.lead} {article.body}"
        assert MARKER not in text and "lollol" not in text
