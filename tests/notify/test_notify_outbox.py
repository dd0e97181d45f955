"""The outbox's life: saving writes events only; the dispatcher routes each event once, with the
configuration in force when it routes, even when several dispatchers race; retention forgets
settled deliveries and routed events, never pending or unrouted ones."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import UTC, datetime, timedelta

from notify_helpers import REGIONS, first_day, make_config, outbox_rows, webhook
from notify_servers import Receiver
from sqlalchemy import Engine, func, select, update

from detect import Meeting
from notify import outbox
from notify.dispatcher import Dispatcher
from storage.engine import make_engine, session_factory
from storage.models import Event, Outbox
from storage.records import ArticleRecord
from storage.repository import ArticleStore


def report(number: int) -> ArticleRecord:
    """A report of a new meeting: one per region and day (recent enough to be alerted)."""
    day = first_day() + timedelta(days=number // len(REGIONS))
    return ArticleRecord(
        url=f"https://www.inform.kz/ru/tokaev-prinyal-akima_a{5000000 + number}",
        source="kazinform",
        language="ru",
        title=f"Токаев принял акима ({number})",
        body="Текст статьи.",
        published_at=datetime.now(UTC),
        meetings=[Meeting("reception", day, REGIONS[number % len(REGIONS)])],
    )


def save_meetings(engine: Engine, count: int, start: int = 0) -> list[str]:
    """Store reports of new meetings, without routing; returns their event keys."""
    with session_factory(engine)() as session:
        records = [report(number) for number in range(start, start + count)]
        return ArticleStore(session).save(records).event_keys


def unrouted(engine: Engine) -> int:
    with session_factory(engine)() as session:
        query = select(func.count()).select_from(Event).where(Event.routed_at.is_(None))
        return session.scalar(query) or 0


def test_saving_writes_events_and_no_delivery(db_url: str, engine: Engine) -> None:
    keys = save_meetings(engine, 3)
    assert len(keys) == 3 and unrouted(engine) == 3
    assert outbox_rows(engine) == []


def test_racing_routers_route_each_event_once(any_url: str, receiver: Receiver) -> None:
    config = make_config(any_url, webhook(receiver), webhook(receiver, name="desk"))
    engines = [make_engine(any_url) for _ in range(4)]
    keys = save_meetings(engines[0], 30)
    barrier = threading.Barrier(len(engines))
    routed: list[tuple[int, int]] = []

    def route(engine: Engine) -> None:
        barrier.wait()
        with session_factory(engine)() as session, session.begin():
            routed.append(outbox.route_events(session, outbox.router(config), datetime.now(UTC)))

    threads = [threading.Thread(target=route, args=(engine,)) for engine in engines]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sum(events for events, _ in routed) == len(keys)  # no event routed by two
    assert sum(added for _, added in routed) == 2 * len(keys)
    per_channel = Counter(row.channel for row in outbox_rows(engines[0]))
    assert per_channel == {"crm": len(keys), "desk": len(keys)} and unrouted(engines[0]) == 0
    for engine in engines:
        engine.dispose()


def test_racing_dispatchers_deliver_unrouted_events_once(any_url: str, receiver: Receiver) -> None:
    config = make_config(any_url, webhook(receiver), batch_size=4)
    engines = [make_engine(any_url) for _ in range(3)]
    keys = save_meetings(engines[0], 20)
    dispatchers = [Dispatcher(config, engine) for engine in engines]
    threads = [threading.Thread(target=d.run_until_idle) for d in dispatchers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    delivered = [r.key for r in receiver.ok()]
    assert sorted(delivered) == sorted(f"{key}:crm" for key in keys)
    for engine in engines:
        engine.dispose()


def test_routing_takes_the_configuration_in_force_at_dispatch(
    db_url: str, engine: Engine, receiver: Receiver
) -> None:
    [key] = save_meetings(engine, 1)  # saved while no channel is configured
    later = make_config(db_url, webhook(receiver))
    assert Dispatcher(later, engine).run_once().sent == 1
    assert [r.key for r in receiver.ok()] == [f"{key}:crm"]
    added = make_config(db_url, webhook(receiver), webhook(receiver, name="desk"))
    report = Dispatcher(added, engine).run_once()  # routed already: the new channel gets none
    assert (report.routed, report.claimed) == (0, 0)
    [second] = save_meetings(engine, 1, start=1)
    assert Dispatcher(added, engine).run_once().sent == 2
    assert sorted(r.key for r in receiver.ok())[-2:] == [f"{second}:crm", f"{second}:desk"]


def test_retention_forgets_only_settled_deliveries_and_routed_events(
    db_url: str, engine: Engine, receiver: Receiver
) -> None:
    config = make_config(db_url, webhook(receiver))
    save_meetings(engine, 2)
    Dispatcher(config, engine).run_once()
    with session_factory(engine)() as session, session.begin():
        session.execute(update(Outbox).where(Outbox.id == 1).values(status="pending"))
    save_meetings(engine, 1, start=2)  # not routed yet
    cutoff = datetime.now(UTC) + timedelta(seconds=1)
    with session_factory(engine)() as session, session.begin():
        assert outbox.purge(session, cutoff) == 1
    assert [(row.id, row.status) for row in outbox_rows(engine)] == [(1, "pending")]
    assert unrouted(engine) == 1
    with session_factory(engine)() as session:
        assert session.scalar(select(func.count()).select_from(Event)) == 1
