"""Records as the crawler hands them over, and small database readers for the dedup tests."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, func, select

from detect import Meeting as Detected
from notify.outbox import route_events
from storage.clock import utcnow
from storage.engine import session_factory
from storage.models import Meeting, Outbox
from storage.records import ArticleRecord, SaveResult
from storage.repository import ArticleStore

ALMATY = ZoneInfo("Asia/Almaty")
DAY = date(2026, 3, 21)
EVER = timedelta(days=36500)


def route(event: str, region: str | None, kind: str | None, langs: Sequence[str]) -> list[str]:
    """Two channels take new meetings, one takes changes; meeting.updated is off (the default)."""
    return {"meeting.new": ["mail", "hook"], "article.changed": ["desk"]}.get(event, [])


def local(day: date, hour: int, minute: int = 0) -> datetime:
    """An aware Asia/Almaty time."""
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=ALMATY)


def meeting(
    region: str | None = "Karaganda",
    akim: str | None = "Ермаганбет Булекпаев",
    day: date = DAY,
    kind: str = "reception",
    regions: tuple[str, ...] = (),
) -> Detected:
    """A meeting as the detector reports it."""
    return Detected(
        kind=kind,
        date=day,
        region=region,
        regions=regions or ((region,) if region else ()),
        akim=akim,
        evidence="Глава государства принял акима.",
    )


def article(
    url: str,
    source: str,
    language: str,
    published: datetime,
    *meetings: Detected,
    title: str = "Глава государства принял акима",
    body: str = "Текст.",
    **extra: object,
) -> ArticleRecord:
    """An extracted article with the meetings detected in it."""
    return ArticleRecord(
        url=url,
        source=source,
        language=language,
        title=title,
        body=body,
        published_at=published,
        meetings=list(meetings),
        **extra,  # type: ignore[arg-type]
    )


def save(engine: Engine, *records: ArticleRecord) -> SaveResult:
    """Store one batch, as the pipeline does (alerting on any age: the dates here are fixed)."""
    with session_factory(engine)() as session:
        return ArticleStore(session, notify_max_age=EVER).save(list(records))


def count(engine: Engine, model: type) -> int:
    """Rows in a table."""
    with session_factory(engine)() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def outbox_keys(engine: Engine) -> list[str]:
    """Every delivery key, sorted, once the saved events are routed by ``route`` (what the
    dispatcher does first)."""
    with session_factory(engine)() as session:
        with session.begin():
            route_events(session, route, utcnow())
        return sorted(session.scalars(select(Outbox.delivery_key)))


def meetings(engine: Engine) -> list[Meeting]:
    """Every meeting with its links loaded, oldest first."""
    with session_factory(engine)() as session:
        rows = list(session.scalars(select(Meeting).order_by(Meeting.id)))
        for row in rows:
            _ = [link.article.url for link in row.links]
        return rows
