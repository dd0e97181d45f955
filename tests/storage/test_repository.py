"""The repository on SQLite and PostgreSQL: identity, versions, meetings and events."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine, func, select

from detect import Meeting as Detected
from notify.outbox import route_events
from storage.clock import utcnow
from storage.engine import session_factory
from storage.migrate import check_schema, current_revision, head_revision
from storage.models import Article, ArticleVersion, Event, Meeting, MeetingArticle, Outbox
from storage.records import ArticleRecord
from storage.repository import ArticleStore, known_urls


def route(event: str, region: str | None, kind: str | None, langs: Sequence[str]) -> list[str]:
    return ["mail", "hook"] if event == "meeting.new" else []


def record(url: str, title: str = "Токаев принял акима", **kw: object) -> ArticleRecord:
    base = {"source": "kazinform", "language": "ru", "body": "Текст.", "published_at": utcnow()}
    return ArticleRecord(url=url, title=title, **{**base, **kw})  # type: ignore[arg-type]


@pytest.fixture
def today() -> date:
    """The local date now (an old meeting would send no alert)."""
    return datetime.now(ZoneInfo("Asia/Almaty")).date()


def meeting(day: date) -> Detected:
    """A reception of the Karaganda akim on ``day``."""
    return Detected(
        kind="reception",
        date=day,
        region="Karaganda",
        akim="Ермаганбет Булекпаев",
        evidence="Токаев принял акима.",
    )


def count(engine: Engine, model: type) -> int:
    with session_factory(engine)() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def save(engine: Engine, *records: ArticleRecord) -> None:
    with session_factory(engine)() as session:
        ArticleStore(session).save(list(records))


def test_schema_is_at_head(engine: Engine) -> None:
    check_schema(engine)
    assert current_revision(engine) == head_revision()


def test_article_stored_once_under_all_its_urls(engine: Engine) -> None:
    first = record(
        "https://www.inform.kz/ru/x-7a1c3e", aliases=["https://inform.kz/ru/x-7a1c3e/amp"]
    )
    save(engine, first)
    save(engine, record("http://inform.kz/ru/x-7a1c3e/?utm_source=tg"))
    assert count(engine, Article) == 1
    with session_factory(engine)() as session:
        urls = ["https://www.inform.kz/ru/x-7a1c3e", "https://www.inform.kz/ru/new-1b2c3d"]
        assert known_urls(session, urls) == {urls[0]}
        stored = session.scalars(select(Article)).one()
        assert stored.url == "https://www.inform.kz/ru/x-7a1c3e"
        assert stored.published_at is not None and stored.published_at.tzinfo is not None


def test_same_source_id_under_another_url_is_the_same_article(engine: Engine) -> None:
    save(engine, record("https://www.inform.kz/en/a_a3697561", source_id="a3697561"))
    save(engine, record("https://qazinform.com/news/b_a3697561", source_id="a3697561"))
    assert count(engine, Article) == 1


def route_all(engine: Engine) -> list[str]:
    """Route the saved events as the dispatcher does first; every delivery key, sorted."""
    with session_factory(engine)() as session:
        with session.begin():
            route_events(session, route, utcnow())
        return sorted(session.scalars(select(Outbox.delivery_key)))


def test_meeting_and_its_events_written_with_the_article(engine: Engine, today: date) -> None:
    save(engine, record("https://www.akorda.kz/ru/a-1000001", meetings=[meeting(today)]))
    save(engine, record("https://www.inform.kz/ru/b-7a1c3e", meetings=[meeting(today)]))
    assert count(engine, Meeting) == 1
    assert count(engine, MeetingArticle) == 2
    keys = route_all(engine)
    assert keys == [f"meeting.new:{today}/Karaganda:hook", f"meeting.new:{today}/Karaganda:mail"]


def test_saving_returns_its_events_and_writes_no_delivery(engine: Engine, today: date) -> None:
    first = record("https://www.akorda.kz/ru/a-1000001", meetings=[meeting(today)])
    with session_factory(engine)() as session:
        result = ArticleStore(session).save([first])
    assert result.event_keys == [f"meeting.new:{today}/Karaganda"]
    assert result.counts()["new_events"] == 1
    assert count(engine, Outbox) == 0
    with session_factory(engine)() as session:
        [event] = session.scalars(select(Event))
        assert (event.event_key, event.event_type) == (result.event_keys[0], "meeting.new")
        assert (event.region, event.kind, event.languages) == ("Karaganda", "reception", ["ru"])
        assert event.meeting_id is not None and event.routed_at is None
    with session_factory(engine)() as session:  # the same report again: no second event
        assert ArticleStore(session).save([first]).event_keys == []
    assert count(engine, Event) == 1


def test_edit_creates_a_version_with_a_diff(engine: Engine) -> None:
    save(engine, record("https://www.inform.kz/ru/x-7a1c3e", body="Аким Иванов."))
    save(engine, record("https://www.inform.kz/ru/x-7a1c3e", body="Аким Петров."))
    save(engine, record("https://www.inform.kz/ru/x-7a1c3e", body="Аким Петров."))
    with session_factory(engine)() as session:
        versions = list(session.scalars(select(ArticleVersion).order_by(ArticleVersion.version)))
    assert [v.version for v in versions] == [1, 2]
    assert "-Аким Иванов." in versions[1].diff and "+Аким Петров." in versions[1].diff


def test_old_articles_are_stored_without_alerts(engine: Engine, today: date) -> None:
    old = utcnow() - timedelta(days=5)
    item = record("https://www.akorda.kz/ru/a-1000001", meetings=[meeting(today)], published_at=old)
    save(engine, item)
    assert count(engine, Meeting) == 1
    assert count(engine, Event) == 0
    assert route_all(engine) == []
