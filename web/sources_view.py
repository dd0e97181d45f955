"""The sources page: the ``status`` report, the outbox entries that wait, fail or are dead, the
last health alerts; and the one write of the application, re-queuing a dead alert."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from core.config import Config
from notify import outbox as notify_outbox
from notify.outbox import NotRequeueable
from scheduler.status import report as status_report
from storage.models import Outbox

SHOWN = 50  # entries per outbox group, health alerts


def _iso(value: datetime | None) -> str | None:
    return value.isoformat(timespec="seconds") if value else None


def entry(row: Outbox) -> dict[str, Any]:
    """An outbox entry as the page and ``/api/status`` show it."""
    return {
        "id": row.id,
        "channel": row.channel,
        "event_type": row.event_type,
        "status": row.status,
        "attempts": row.attempts,
        "meeting_id": row.meeting_id,
        "created_at": _iso(row.created_at),
        "next_attempt_at": _iso(row.next_attempt_at),
        "last_error": row.last_error,
        "subject": str((row.payload or {}).get("subject") or ""),
    }


def outbox(session: Session) -> dict[str, list[dict[str, Any]]]:
    """The newest pending (never tried), failed (pending after a failed try) and dead entries."""
    groups = {
        "pending": (Outbox.status == "pending") & (Outbox.attempts == 0),
        "failed": (Outbox.status == "pending") & (Outbox.attempts > 0),
        "dead": Outbox.status == "dead",
    }
    return {
        name: [
            entry(row)
            for row in session.scalars(
                select(Outbox).where(where).order_by(Outbox.id.desc()).limit(SHOWN)
            )
        ]
        for name, where in groups.items()
    }


def health_alerts(session: Session) -> list[dict[str, Any]]:
    """The newest admin alerts (failing sources, recoveries, dead letters)."""
    rows = session.scalars(
        select(Outbox).where(Outbox.event_type == "health").order_by(Outbox.id.desc()).limit(SHOWN)
    )
    return [entry(row) for row in rows]


def status(config: Config, engine: Engine, now: datetime) -> dict[str, Any]:
    """``akimwatch status --json`` with the outbox entries and the last health alerts."""
    data = status_report(config, engine, now)
    with Session(engine) as session:
        data["entries"] = outbox(session)
        data["health_alerts"] = health_alerts(session)
    return data


def requeue(engine: Engine, entry_id: int, now: datetime) -> str:
    """Make dead entry ``entry_id`` pending and due now (``notify.outbox.requeue``, as
    ``akimwatch outbox retry`` does; from the page only a dead one)."""
    with Session(engine) as session, session.begin():
        row = session.get(Outbox, entry_id)
        if row is not None and row.status != "dead":
            raise NotRequeueable(f"entry {entry_id} is {row.status}: only dead ones are re-queued")
        return notify_outbox.requeue(session, entry_id, now).delivery_key
