"""The foundation, end to end: the Kazinform Russian feed replica crawled by the production entry
point, stored once, not refetched, and resumed after a SIGKILL."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from crawling import ROOT, crawl, crawl_command, crawl_env, route_saved, write_config
from sqlalchemy import func, select

from replicas import ReplicaServer
from replicas.server import Reply, Request
from sources.kazinform.replica import KazinformSite
from storage.engine import make_engine, session_factory
from storage.models import Article, CrawlRun, Meeting, MeetingArticle, Outbox

pytestmark = pytest.mark.slow


@pytest.fixture
def site() -> KazinformSite:
    return KazinformSite(page_size=5)


@pytest.fixture
def server(site: KazinformSite) -> Iterator[ReplicaServer]:
    with ReplicaServer([site]) as server:
        yield server


def snapshot(db_url: str) -> dict[str, object]:
    route_saved(db_url)
    engine = make_engine(db_url)
    with session_factory(engine)() as session:
        urls = sorted(session.scalars(select(Article.url)))
        relevant = list(session.scalars(select(Article.id).where(Article.relevant)))
        state = {
            "urls": urls,
            "relevant": len(relevant),
            "meetings": session.scalar(select(func.count()).select_from(Meeting)),
            "links": session.scalar(select(func.count()).select_from(MeetingArticle)),
            "outbox": sorted(session.scalars(select(Outbox.delivery_key))),
        }
    engine.dispose()
    return state


def test_crawl_stores_each_article_once_and_second_crawl_adds_nothing(
    tmp_path: Path, server: ReplicaServer, site: KazinformSite
) -> None:
    config, db_url = write_config(tmp_path)
    crawl("kazinform", config, server, "languages=ru")
    first = snapshot(db_url)
    expected = sorted(site.url_of(a) for a in site.articles if a.language == "ru")
    assert first["urls"] == expected
    assert all(str(url).startswith("https://www.inform.kz/ru/") for url in expected)
    assert first["relevant"] >= 2
    assert first["meetings"] == len(first["outbox"]) >= 2
    server.clear_log()
    crawl("kazinform", config, server, "languages=ru")
    assert snapshot(db_url) == first
    paths = {entry.path for entry in server.requests_for()}
    assert paths <= {"/ru/lenta", "/robots.txt"}, paths


def _slow_articles(request: Request) -> Reply | None:
    if "lenta" not in request.path and request.path != "/robots.txt":
        time.sleep(0.4)
    return None


def test_sigkill_midway_leaves_a_consistent_database_that_the_next_run_completes(
    tmp_path: Path, server: ReplicaServer, site: KazinformSite
) -> None:
    config, db_url = write_config(tmp_path)
    server.faults.append(_slow_articles)
    command = [
        *crawl_command("kazinform", "languages=ru"),
        "-s",
        "AKIMWATCH_STORE_BATCH_SIZE=2",
        "-s",
        "CONCURRENT_REQUESTS_PER_DOMAIN=1",
    ]
    child = subprocess.Popen(
        command,
        env=crawl_env(config, server),
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and len(snapshot(db_url)["urls"]) < 3:  # type: ignore[arg-type]
        time.sleep(0.2)
    os.killpg(child.pid, signal.SIGKILL)
    child.wait()
    partial = snapshot(db_url)
    assert 3 <= len(partial["urls"]) < len(site.articles)  # type: ignore[arg-type]
    server.faults.clear()
    crawl("kazinform", config, server, "languages=ru")
    final = snapshot(db_url)
    assert final["urls"] == sorted(site.url_of(a) for a in site.articles if a.language == "ru")
    assert final["meetings"] == len(final["outbox"])  # type: ignore[arg-type]
    engine = make_engine(db_url)
    with session_factory(engine)() as session:
        runs = list(session.scalars(select(CrawlRun).order_by(CrawlRun.id)))
    assert runs[0].finished_at is None and runs[-1].finish_reason == "finished"
