"""Helpers and fixtures: a migrated database, configs, meetings written by the real store."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from notify_servers import Mailbox, Receiver, smtp_server
from sqlalchemy import Engine, create_engine, select, text
from sqlalchemy.engine import make_url

from core.config import Config
from detect import Meeting
from notify.config import validate
from notify.outbox import route_events, router
from storage.clock import utcnow
from storage.engine import make_engine, session_factory
from storage.migrate import upgrade
from storage.models import Outbox
from storage.records import ArticleRecord
from storage.repository import ArticleStore

PG_ENV = "AKIMWATCH_TEST_PG_URL"


@pytest.fixture
def db_url(tmp_path: Any) -> str:
    url = f"sqlite:///{tmp_path / 'akimwatch.db'}"
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    return url


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    engine = make_engine(db_url)
    yield engine
    engine.dispose()


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A fresh schema in the PostgreSQL database named by AKIMWATCH_TEST_PG_URL."""
    base = os.environ.get(PG_ENV)
    if not base:
        pytest.skip(f"{PG_ENV} is not set")
    schema = f"notify_{uuid.uuid4().hex[:10]}"
    admin = create_engine(base)
    with admin.begin() as connection:
        connection.execute(text(f"CREATE SCHEMA {schema}"))
    url = make_url(base).update_query_dict({"options": f"-csearch_path={schema}"})
    rendered = url.render_as_string(hide_password=False)
    engine = make_engine(rendered)
    upgrade(engine)
    engine.dispose()
    yield rendered
    with admin.begin() as connection:
        connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
    admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def any_url(request: pytest.FixtureRequest) -> str:
    """A migrated database on SQLite, and on PostgreSQL when AKIMWATCH_TEST_PG_URL is set."""
    name = "db_url" if request.param == "sqlite" else "pg_url"
    return str(request.getfixturevalue(name))


@pytest.fixture
def any_engine(any_url: str) -> Iterator[Engine]:
    """An engine on ``any_url``."""
    engine = make_engine(any_url)
    yield engine
    engine.dispose()


def make_config(url: str, *channels: dict[str, Any], **notify: Any) -> Config:
    """A Config with these channels (validated by kind) and database."""
    return validate({"database": {"url": url}, "channels": list(channels), "notify": notify})


def webhook(receiver: Receiver, name: str = "crm", **extra: Any) -> dict[str, Any]:
    return {"name": name, "kind": "webhook", "url": receiver.url, "timeout": 2, **extra}


def admin_webhook(receiver: Receiver) -> dict[str, Any]:
    return {"name": "ops", "kind": "webhook", "url": receiver.url, "admin": True, "timeout": 2}


def first_day() -> date:
    """Today in Asia/Almaty: the date of the first meeting ``add_meetings`` stores (recent enough
    to be alerted)."""
    return datetime.now(ZoneInfo("Asia/Almaty")).date()


REGIONS = ["Karaganda", "Pavlodar", "Kostanay", "Aktobe", "Atyrau", "Turkistan", "Akmola"]


def add_meetings(
    engine: Engine, config: Config, count: int = 1, *, title: str = "", start: int = 0
) -> list[str]:
    """Store ``count`` articles each reporting a new meeting and route their events with
    ``config`` (as the dispatcher does first); returns the outbox delivery keys."""
    records = []
    for number in range(start, start + count):
        day = first_day() + timedelta(days=number // len(REGIONS))
        region = REGIONS[number % len(REGIONS)]
        records.append(
            ArticleRecord(
                url=f"https://www.inform.kz/ru/tokaev-prinyal-akima_a{4000000 + number}",
                source="kazinform",
                language="ru",
                title=title or f"Токаев принял акима ({region}, {number})",
                lead=f"Глава государства заслушал доклад ({number}).",
                body="Текст статьи.",
                published_at=datetime.now(UTC) - timedelta(hours=1),
                meetings=[Meeting("reception", day, region, akim="Аким Акимов")],
            )
        )
    with session_factory(engine)() as session:
        before = set(session.scalars(select(Outbox.delivery_key)))
        ArticleStore(session).save(records)
        with session.begin():
            route_events(session, router(config), utcnow())
        after = list(session.scalars(select(Outbox.delivery_key).order_by(Outbox.id)))
    return [key for key in after if key not in before]


def outbox_rows(engine: Engine) -> list[Outbox]:
    with session_factory(engine)() as session:
        return list(session.scalars(select(Outbox).order_by(Outbox.id)))


def due_time(engine: Engine) -> datetime:
    """The moment the earliest pending entry is due (at least now): time travel for retries."""
    pending = [row.next_attempt_at for row in outbox_rows(engine) if row.status == "pending"]
    now = datetime.now(UTC)
    return max(now, min(pending)) if pending else now


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    server = Receiver().start()
    yield server
    server.stop()


@pytest.fixture
def mailbox() -> Iterator[tuple[Mailbox, int]]:
    """A real SMTP server (aiosmtpd) on 127.0.0.1 and its port."""
    box = Mailbox()
    controller = smtp_server(box)
    yield box, int(controller.port)
    controller.stop()
