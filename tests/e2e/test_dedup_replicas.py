"""De-duplication end to end: every replica crawled at once by the production entry point gives
one meeting row and one alert per meeting and channel; a re-check pass finds an edit and answers
the rest with 304."""

from __future__ import annotations

import subprocess
from collections import Counter
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from crawling import ROOT, crawl, crawl_command, crawl_env, route_saved, write_config
from sqlalchemy import select

from replicas import ReplicaServer
from sources.akorda.replica import AkordaSite
from sources.bestnews.replica import BestnewsSite
from sources.govkz.replica import GovkzSite
from sources.kazinform.replica import KazinformSite
from storage.clock import utcnow
from storage.engine import make_engine, session_factory
from storage.models import Article, ArticleVersion, Meeting, Outbox

pytestmark = pytest.mark.slow
SPIDERS = ("kazinform", "akorda", "bestnews", "govkz")
DESK = '[[channels]]\nname = "desk"\nkind = "webhook"\nurl = "http://127.0.0.1:9/desk"\n'
DESK += 'events = ["article.changed"]\n'


@pytest.fixture
def kazinform() -> KazinformSite:
    return KazinformSite(page_size=8)


@pytest.fixture
def server(kazinform: KazinformSite) -> Iterator[ReplicaServer]:
    with ReplicaServer([kazinform, AkordaSite(), BestnewsSite(), GovkzSite()]) as server:
        yield server


def rows(db_url: str) -> tuple[list[Meeting], list[Outbox]]:
    route_saved(db_url)
    engine = make_engine(db_url)
    with session_factory(engine)() as session:
        meetings = list(session.scalars(select(Meeting)))
        for meeting in meetings:
            _ = [link.article.language for link in meeting.links]
        outbox = list(session.scalars(select(Outbox)))
    engine.dispose()
    return meetings, outbox


def test_all_sources_at_once_give_one_alert_per_meeting_and_channel(
    tmp_path: Path, server: ReplicaServer
) -> None:
    config, db_url = write_config(tmp_path)
    children = [
        subprocess.Popen(crawl_command(spider), env=crawl_env(config, server), cwd=ROOT,
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        for spider in SPIDERS
    ]  # fmt: skip
    for child in children:
        _, errors = child.communicate(timeout=180)
        assert child.returncode == 0, errors[-3000:]
    meetings, outbox = rows(db_url)
    assert meetings
    new = Counter(
        (row.meeting_id, row.channel) for row in outbox if row.event_type == "meeting.new"
    )
    assert set(new.values()) == {1}
    silent = [m for m in meetings if m.id not in {meeting_id for meeting_id, _ in new}]
    for meeting in silent:  # stored without an alert: every report is older than 48 hours
        published = [link.article.published_at for link in meeting.links]
        assert all(p and utcnow() - p > timedelta(hours=48) for p in published), meeting.meeting_key
    karaganda = [m for m in meetings if m.region == "Karaganda"]
    assert len(karaganda) == 1
    languages = {link.article.language for link in karaganda[0].links}
    assert {"ru", "kk", "en"} <= languages, languages


def test_recheck_finds_an_edit_and_answers_the_rest_with_304(
    tmp_path: Path, server: ReplicaServer, kazinform: KazinformSite
) -> None:
    config, db_url = write_config(tmp_path, DESK)
    crawl("kazinform", config, server, "languages=ru")
    before = rows(db_url)
    edited = next(a for a in kazinform.articles if a.language == "ru" and a.id == "7a1c3e")
    edited.paragraphs = [*edited.paragraphs, "Дополнено: аким доложил о ремонте школ."]
    server.clear_log()
    crawl("kazinform", config, server, "languages=ru", "recheck=1")
    statuses = Counter(
        entry.status for entry in server.requests_for() if entry.path != "/robots.txt"
    )
    recent = [
        a for a in kazinform.articles
        if a.language == "ru" and utcnow() - a.published <= timedelta(hours=72)
    ]  # fmt: skip
    assert statuses == {200: 1, 304: len(recent) - 1}
    engine = make_engine(db_url)
    with session_factory(engine)() as session:
        versions = list(session.scalars(select(ArticleVersion).where(ArticleVersion.version == 2)))
        article = session.get(Article, versions[0].article_id)
    engine.dispose()
    assert len(versions) == 1 and article is not None and article.url == kazinform.url_of(edited)
    assert "+Дополнено: аким доложил о ремонте школ." in versions[0].diff
    after = rows(db_url)
    assert len(after[0]) == len(before[0])
    assert sorted(r.delivery_key for r in after[1]) == sorted(r.delivery_key for r in before[1])


def test_recheck_requests_serialise_so_a_jobdir_crawl_can_resume(
    tmp_path: Path, server: ReplicaServer, kazinform: KazinformSite
) -> None:
    """With ``JOBDIR`` Scrapy keeps the queue on disk: a callback it cannot name (a partial, a
    lambda) would be logged as unserializable and the crawl could not be resumed."""
    config, _ = write_config(tmp_path, DESK)
    crawl("kazinform", config, server, "languages=ru")
    server.clear_log()
    command = [*crawl_command("kazinform", "languages=ru", "recheck=1"),
               "-s", f"JOBDIR={tmp_path / 'job'}", "-s", "SCHEDULER_DEBUG=True"]  # fmt: skip
    done = subprocess.run(command, env=crawl_env(config, server), cwd=ROOT,
                          capture_output=True, text=True, timeout=180, check=False)  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    assert "Unable to serialize request" not in done.stderr, done.stderr[-3000:]
    assert 304 in {entry.status for entry in server.requests_for()}
    assert (tmp_path / "job" / "requests.seen").exists()
