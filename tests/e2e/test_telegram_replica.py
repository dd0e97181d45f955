"""Telegram end to end: real crawls of the channel-preview replica by ``python -m scrapy crawl
telegram`` and ``akimwatch run-once``, in every layout.

Every post with text is stored with its link, language, time and first line as the title; posts
that are only a photo or a video and service messages are not; an idle poll is one request; an
edit becomes a version; a closed channel is one clear error and a failed run; and a post about a
meeting that precedes Akorda's article alerts once, the article joining its meeting later.
"""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from crawling import ROOT, crawl, run_crawl, stored_articles, write_config
from sqlalchemy import select
from sqlalchemy.orm import Session

from benchmarks.receiver import WebhookReceiver
from replicas import ReplicaServer
from replicas.layouts import LAYOUTS
from sources.akorda.replica import AkordaSite
from sources.telegram.replica import TelegramSite
from storage.engine import make_engine
from storage.models import Article, ArticleVersion, CrawlRun, Meeting, MeetingArticle

pytestmark = pytest.mark.slow
MAIN = "import sys; from akimwatch.cli import main; sys.exit(main())"


def with_text(site: TelegramSite) -> list[Any]:
    """The posts a crawl stores: those with words (not a bare photo or video, not a service
    message)."""
    return [found.article for found in site.crawled()]


@pytest.fixture
def hook() -> Iterator[WebhookReceiver]:
    receiver = WebhookReceiver().start()
    yield receiver
    receiver.stop()


@pytest.mark.parametrize("layout", range(LAYOUTS))
def test_every_post_with_text_is_stored_and_an_idle_poll_is_one_request(
    tmp_path: Path, layout: int
) -> None:
    site = TelegramSite(layout=layout, page_size=4)
    config, db_url = write_config(tmp_path)
    with ReplicaServer([site]) as server:
        crawl("telegram", config, server)
        articles = stored_articles(db_url)
        assert sorted(articles) == sorted(site.url_of(p) for p in with_text(site))
        for post in with_text(site):
            stored = articles[site.url_of(post)]
            assert (stored.title, stored.language) == (post.title, post.language)
            assert stored.published_at == post.published
            assert stored.source_id == f"aqorda_resmi/{post.id}"
        engine = make_engine(db_url)
        with Session(engine) as session:
            (run,) = session.scalars(select(CrawlRun)).all()
        engine.dispose()
        assert run.items == len(articles)  # the pinned post, on two pages, is yielded once
        linked = articles["https://t.me/aqorda_resmi/9015"]
        assert any(link.startswith("https://www.akorda.kz/ru/") for link in linked.links)
        server.clear_log()
        crawl("telegram", config, server)
        polls = [e for e in server.requests_for() if e.path != "/robots.txt"]
        assert [(e.path, e.query) for e in polls] == [("/s/aqorda_resmi", {})]


def test_an_edited_post_becomes_a_new_version(tmp_path: Path) -> None:
    site = TelegramSite(page_size=20)
    config, db_url = write_config(tmp_path)
    with ReplicaServer([site]) as server:
        crawl("telegram", config, server)
        site.edit("9012", ["Президенту доложили о модернизации ТЭЦ и ремонте сетей региона."])
        crawl("telegram", config, server)
    engine = make_engine(db_url)
    with Session(engine) as session:
        article = session.scalars(
            select(Article).where(Article.source_id == "aqorda_resmi/9012")
        ).one()
        versions = session.scalars(
            select(ArticleVersion).where(ArticleVersion.article_id == article.id)
        ).all()
        assert article.version == 2 and len(versions) == 2
        assert "ремонте сетей" in article.body
    engine.dispose()


def test_the_recheck_pass_reads_each_post_s_embed_page(tmp_path: Path) -> None:
    site = TelegramSite(page_size=20)
    config, db_url = write_config(tmp_path)
    with ReplicaServer([site]) as server:
        crawl("telegram", config, server)
        site.articles = [
            p if p.id != "9005" else type(p)(**{**p.__dict__, "paragraphs": ["Доложено о зиме."]})
            for p in site.articles
        ]  # changed without the "edited" mark: only the re-check can see it
        server.clear_log()
        crawl("telegram", config, server, "recheck=1")
        embeds = [e for e in server.requests_for() if e.query.get("embed") == ["1"]]
        window = datetime.now(UTC) - timedelta(hours=72)  # crawl.recheck_max_age_hours
        assert len(embeds) == len([p for p in with_text(site) if p.published > window])
    article = stored_articles(db_url)["https://t.me/aqorda_resmi/9005"]
    assert article.version == 2 and article.body.endswith("Доложено о зиме.")


def test_a_channel_without_a_public_preview_is_one_clear_error(tmp_path: Path) -> None:
    config, _ = write_config(tmp_path)
    with ReplicaServer([TelegramSite()]) as server:
        done = run_crawl("telegram", config, server, "channels=closed_channel")
    assert done.returncode != 0
    errors = [line for line in done.stderr.splitlines() if "] ERROR:" in line]
    assert len(errors) == 1, done.stderr[-2000:]
    assert "t.me/closed_channel has no public preview" in errors[0]


def cli(config: Path, server: ReplicaServer, *args: str) -> str:
    """One ``akimwatch`` command against the replicas; its output (it must succeed)."""
    env = {**os.environ, "AKIMWATCH_CONFIG": str(config),
           "AKIMWATCH_HOST_OVERRIDES": server.overrides_env()}  # fmt: skip
    done = subprocess.run([sys.executable, "-c", MAIN, *args], env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=300, check=False)  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr[-2000:]
    return done.stdout


def test_a_post_before_the_akorda_article_alerts_once_and_the_article_joins_it(
    tmp_path: Path, hook: WebhookReceiver
) -> None:
    channel = f'[[channels]]\nname = "desk"\nkind = "webhook"\nurl = "{hook.url}"\n'
    config, db_url = write_config(tmp_path, channel)
    akorda = AkordaSite(layout=0)
    with ReplicaServer([TelegramSite(), akorda]) as server:
        cli(config, server, "run-once", "telegram")
        first = alerts(hook)
        cli(config, server, "run-once", "akorda")
        listed = json.loads(cli(config, server, "meetings", "--region", "karaganda", "--json"))
        table = cli(config, server, "meetings", "--lead")
        exported = cli(config, server, "export", "--format", "csv", "--region", "karaganda")
        cli(config, server, "feed", "--output", str(tmp_path / "feed.xml"))
    karaganda = [a for a in first if a["meeting"]["region"] == "Karaganda"]
    assert len(karaganda) == 1
    assert {a["outlet"] for a in karaganda[0]["meeting"]["articles"]} == {"Akorda (Telegram)"}
    assert karaganda[0]["meeting"]["lead"]["first"]["source"] == "telegram"
    assert alerts(hook) == first  # no second meeting.new for any meeting
    (meeting,) = listed
    delays = {s["source"]: s["delay_seconds"] for s in meeting["lead"]["sources"]}
    assert meeting["lead"]["first"]["source"] == "telegram"
    assert delays["telegram"] == 0 and delays["akorda"] > 0
    assert table.splitlines()[1].startswith("Akorda (Telegram)")
    (row,) = csv.DictReader(io.StringIO(exported))
    assert row["first_source"] == "telegram" and "akorda:" in row["source_delays"]
    assert "Первым сообщил: Akorda (Telegram) (Akorda +" in (tmp_path / "feed.xml").read_text()
    engine = make_engine(db_url)
    with Session(engine) as session:
        meeting = session.scalars(select(Meeting).where(Meeting.region == "Karaganda")).one()
        links = session.scalars(
            select(Article.source)
            .join(MeetingArticle)
            .where(MeetingArticle.meeting_id == meeting.id)
        ).all()
    engine.dispose()
    assert set(links) == {"telegram", "akorda"}


def alerts(hook: WebhookReceiver) -> list[dict[str, Any]]:
    """The ``meeting.new`` webhooks received so far."""
    bodies = [json.loads(body) for body in hook.bodies.values()]
    return [b for b in bodies if b["type"] == "meeting.new"]
