"""Migration 0004 (events) on a database with rows: the outbox stays as it was, its pending rows
are still delivered, and the events they came from are carried over as routed."""

from __future__ import annotations

from datetime import UTC, datetime

from alembic import command
from notify_helpers import add_meetings, make_config, outbox_rows, webhook
from notify_servers import Receiver
from sqlalchemy import Engine, insert, select, update

from notify.dispatcher import Dispatcher
from notify.health import raise_admin_alert
from storage.engine import session_factory
from storage.migrate import alembic_config, current_revision, head_revision, upgrade
from storage.models import Event, Outbox


def migrate(engine: Engine, verb: str, revision: str) -> None:
    """``alembic upgrade|downgrade REVISION`` on ``engine``."""
    config = alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        getattr(command, verb)(config, revision)


def statuses(engine: Engine) -> dict[str, str]:
    """Delivery key -> status of every outbox row, read with columns every revision has."""
    with engine.connect() as connection:
        rows = connection.execute(select(Outbox.delivery_key, Outbox.status))
        return {key: status for key, status in rows}


def test_pending_rows_are_delivered_after_the_upgrade(
    db_url: str, engine: Engine, receiver: Receiver
) -> None:
    config = make_config(db_url, webhook(receiver), webhook(receiver, name="desk"))
    sent_key, *_ = add_meetings(engine, config, 2)
    with session_factory(engine)() as session, session.begin():
        session.execute(update(Outbox).where(Outbox.delivery_key == sent_key).values(status="sent"))
    migrate(engine, "downgrade", "0003")  # a database as 0003 left it: outbox rows, no events
    before = statuses(engine)  # the columns 0003 has
    assert len(before) == 4 and set(before.values()) == {"pending", "sent"}

    upgrade(engine)
    assert current_revision(engine) == head_revision()
    assert {row.delivery_key: row.status for row in outbox_rows(engine)} == before
    with session_factory(engine)() as session:
        events = {e.event_key: e for e in session.scalars(select(Event))}
    assert set(events) == {key.rsplit(":", 1)[0] for key in before}  # two meetings
    assert all(event.routed_at is not None for event in events.values())

    report = Dispatcher(config, engine).run_until_idle(now=datetime.now(UTC))
    assert (report.routed, report.sent) == (0, 3)
    assert sorted(r.key for r in receiver.ok()) == sorted(set(before) - {sent_key})
    assert {row.status for row in outbox_rows(engine)} == {"sent"}


def test_health_rows_keep_their_alert_text(db_url: str, engine: Engine) -> None:
    with session_factory(engine)() as session, session.begin():
        raise_admin_alert(session, "source:akorda", "down", "akorda failed")
    migrate(engine, "downgrade", "0003")
    with session_factory(engine)() as session, session.begin():
        session.execute(  # only the columns 0003 has
            insert(Outbox).values(
                delivery_key="health:admin:source:akorda:ops",
                channel="ops",
                event_type="health",
                payload={"key": "source:akorda", "subject": "down", "text": "akorda failed"},
            )
        )
    upgrade(engine)
    with session_factory(engine)() as session:
        [event] = session.scalars(select(Event))
        assert event.event_key == "health:admin:source:akorda"
        assert event.payload == {"key": "source:akorda", "subject": "down", "text": "akorda failed"}
        assert raise_admin_alert(session, "source:akorda", "down", "again") is False
