"""Fixtures of the web tests: a database of meetings (hostile texts among them) and the
application served on a free loopback port."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from core.config import Config, load
from storage.models import (
    Article,
    ArticleVersion,
    CrawlRun,
    Meeting,
    MeetingArticle,
    Outbox,
    SourceHealth,
)
from web.server import Background

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
HOSTILE = '<script>alert("title")</script><img src=x onerror=alert(1)>'
HOSTILE_BODY = '"><svg onload=alert(2)></svg><iframe src="javascript:alert(3)">'
WORD = "Жезказганского"  # a word only one article's text holds
REGIONS = ("Karaganda", "Astana", "Almaty", "Aktobe")
KINDS = ("reception", "reception", "working_trip", "collective")
SOURCES = (("kazinform", "ru"), ("akorda", "kk"), ("bestnews", "ru"), ("govkz", "en"))


@dataclass
class Seeded:
    """What the seeded database holds, for the assertions."""

    meetings: int
    hostile_meeting: int
    versioned_meeting: int
    word_meeting: int
    dead_entry: int


def clock() -> datetime:
    """The tests' fixed now."""
    return NOW


def _article(number: int, source: str, language: str, title: str, body: str) -> Article:
    url = f"https://example.kz/{source}/news-{number}"
    published = NOW - timedelta(days=number, hours=2)
    return Article(
        url_key=hashlib.sha1(url.encode()).hexdigest(), canonical_url=url, url=url, source=source,
        language=language, title=title, lead="", body=body, published_at=published,
        first_seen_at=published + timedelta(minutes=number % 7), last_checked_at=published,
        content_hash=hashlib.sha256(body.encode()).hexdigest(), relevant=True,
    )  # fmt: skip


def _meeting(session: Session, number: int, day: date, title: str, body: str, reports: int) -> int:
    region = REGIONS[number % len(REGIONS)]
    kind = KINDS[number % len(KINDS)]
    meeting = Meeting(
        meeting_key=f"{day}:{region}:{number}", local_date=day,
        region=None if kind == "collective" else region,
        regions=[region, "Astana"] if kind == "collective" else [], akim=f"Akimov {number}",
        kind=kind, title=title, summary=body[:80],
    )  # fmt: skip
    session.add(meeting)
    for index in range(reports):
        source, language = SOURCES[(number + index) % len(SOURCES)]
        article = _article(number * 10 + index, source, language, title, body)
        session.add(article)
        session.flush()
        session.add(MeetingArticle(meeting=meeting, article=article, evidence=body[:60]))
    session.flush()
    return meeting.id


def _versions(session: Session, meeting_id: int) -> None:
    link = session.query(MeetingArticle).filter_by(meeting_id=meeting_id).first()
    assert link is not None
    article = link.article
    article.version = 2
    session.add_all([
        ArticleVersion(article=article, version=1, title=article.title, lead="",
                       body="Старый текст", content_hash="a" * 64,
                       fetched_at=NOW - timedelta(days=2)),
        ArticleVersion(article=article, version=2, title=article.title, lead=None, body=None,
                       content_hash="b" * 64, fetched_at=NOW - timedelta(days=1),
                       diff="--- before\n+++ after\n@@ -1 +1 @@\n-Старый текст\n+Новый текст"),
    ])  # fmt: skip


def _operations(session: Session) -> int:
    session.add_all([
        CrawlRun(spider="kazinform", started_at=NOW - timedelta(hours=1),
                 finished_at=NOW - timedelta(minutes=55), finish_reason="finished", pages=5,
                 listing_pages=1, items=3, new_articles=3, stats={}),
        CrawlRun(spider="akorda", started_at=NOW - timedelta(hours=2),
                 finished_at=NOW - timedelta(hours=2), finish_reason="shutdown", stats={}),
        SourceHealth(source="akorda", state="failing", failures_in_row=3,
                     last_problem="ended with shutdown", changed_at=NOW),
        Outbox(delivery_key="k1", channel="desk", event_type="meeting.new", status="pending",
               created_at=NOW - timedelta(minutes=30)),
        Outbox(delivery_key="k2", channel="desk", event_type="meeting.new", status="pending",
               attempts=2, last_error="HTTP 500", created_at=NOW - timedelta(minutes=10)),
        Outbox(delivery_key="k4", channel="ops", event_type="health", status="sent",
               payload={"subject": HOSTILE}, created_at=NOW - timedelta(hours=3)),
    ])  # fmt: skip
    dead = Outbox(delivery_key="k3", channel="ops", event_type="health", status="dead", attempts=9,
                  last_error=HOSTILE, payload={"subject": "akorda is failing"})  # fmt: skip
    session.add(dead)
    session.flush()
    return dead.id


def seed(engine: Engine) -> Seeded:
    """Twenty-four meetings over four months, four sources and three languages; one with hostile
    texts, one whose article has two versions, one whose text alone holds ``WORD``."""
    with Session(engine) as session, session.begin():
        ids = []
        for number in range(24):
            day = date(2026, 8, 1) + timedelta(days=number * 5)
            title = f"Глава государства принял акима, встреча {number}"
            body = f"Президент заслушал доклад акима. Обсуждены вопросы региона {number}."
            ids.append(_meeting(session, number, day, title, body, 1 + number % 3))
        hostile = _meeting(session, 30, date(2026, 11, 1), HOSTILE, HOSTILE_BODY, 2)
        word = _meeting(session, 31, date(2026, 11, 2), "Встреча", f"Речь шла о {WORD} руднике.", 1)
        _versions(session, ids[3])
        dead = _operations(session)
    return Seeded(len(ids) + 2, hostile, ids[3], word, dead)


def web_config(tmp_path: Path, url: str, **web: str) -> Config:
    """A configuration over ``url`` with these ``[web]`` keys."""
    environ = {"AKIMWATCH_DATA_DIR": str(tmp_path), "AKIMWATCH_DATABASE__URL": url}
    environ.update({f"AKIMWATCH_WEB__{key.upper()}": value for key, value in web.items()})
    return load(None, environ=environ)


@pytest.fixture
def seeded(engine: Engine) -> Seeded:
    """The seeded database (each backend)."""
    return seed(engine)


@pytest.fixture
def served(tmp_path: Path, engine: Engine, seeded: Seeded) -> Iterator[httpx.Client]:
    """An HTTP client of the application served over the seeded database."""
    config = web_config(tmp_path, engine.url.render_as_string(hide_password=False),
                        listen="127.0.0.1:0")  # fmt: skip
    with Background(config, clock) as server, httpx.Client(base_url=server.url) as client:
        yield client
