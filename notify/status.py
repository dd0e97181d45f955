"""Delivery health for ``akimwatch status``: per channel what waits, fails, is stuck or dead.

Unhealthy when a channel cannot deliver (entries pending after a failed attempt), when entries
sit in ``sending`` past the claim lease or claimed by a process of this host that is gone (their
dispatcher died and nothing took them back yet), or when any alert is dead. Healthy again once
the failing entries went out and the dead ones were re-queued (``akimwatch outbox retry ID``)
and sent.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.config import Config
from notify import outbox, workers
from storage.models import Outbox


@dataclass
class ChannelDelivery:
    """One channel's line."""

    channel: str
    pending: int
    failing: int
    stuck: int
    dead: int
    last_error: str | None
    problems: list[str]

    @property
    def healthy(self) -> bool:
        """Nothing undeliverable, stuck or dead."""
        return not self.problems


def _counts(session: Session, lease_start: datetime) -> dict[str, dict[str, int]]:
    orphans = [token for token in outbox.claimers(session) if workers.gone(token)]
    failing = (Outbox.status == "pending") & (Outbox.attempts > 0)
    stuck = (Outbox.status == "sending") & (
        (Outbox.claimed_at < lease_start) | Outbox.claimed_by.in_(orphans)
    )
    rows = session.execute(
        select(
            Outbox.channel,
            func.count().filter(Outbox.status == "pending"),
            func.count().filter(failing),
            func.count().filter(stuck),
            func.count().filter(Outbox.status == "dead"),
        ).group_by(Outbox.channel)
    ).all()
    names = ("pending", "failing", "stuck", "dead")
    return {row[0]: dict(zip(names, map(int, row[1:]), strict=True)) for row in rows}


def _last_error(session: Session, channel: str) -> str | None:
    return session.scalar(
        select(Outbox.last_error)
        .where(Outbox.channel == channel, Outbox.status.in_(("pending", "dead")))
        .where(Outbox.last_error.is_not(None))
        .order_by(Outbox.id.desc())
        .limit(1)
    )


def _problems(name: str, counts: dict[str, int], error: str | None) -> list[str]:
    found = []
    if counts["failing"]:
        found.append(f"channel {name}: {counts['failing']} alert(s) failing: {error or '?'}")
    if counts["stuck"]:
        found.append(
            f"channel {name}: {counts['stuck']} alert(s) stuck in sending: their dispatcher "
            "died (the next dispatcher run takes them back)"
        )
    if counts["dead"]:
        found.append(
            f"channel {name}: {counts['dead']} dead alert(s) "
            "(akimwatch outbox lists them, akimwatch outbox retry ID re-queues one)"
        )
    return found


def delivery_health(
    session: Session, config: Config, now: datetime, lease: timedelta
) -> dict[str, Any]:
    """Per channel counts and problems, and whether delivery is healthy."""
    configured = {channel.name for channel in config.channels}
    counts = _counts(session, now - lease)
    channels = []
    for name in sorted(set(counts) | configured):
        numbers = counts.get(name, dict.fromkeys(("pending", "failing", "stuck", "dead"), 0))
        error = _last_error(session, name) if numbers["failing"] or numbers["dead"] else None
        problems = _problems(name, numbers, error)
        channels.append(ChannelDelivery(name, **numbers, last_error=error, problems=problems))
    return {
        "healthy": all(channel.healthy for channel in channels),
        "problems": [problem for channel in channels for problem in channel.problems],
        "channels": [{**asdict(channel), "healthy": channel.healthy} for channel in channels],
    }
