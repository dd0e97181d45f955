"""Turning claimed entries into jobs: one per entry, or one daily digest per digest channel.

A digest channel holds ``meeting.*`` entries until the first ``digest_hour`` (Asia/Almaty) after
each entry was created, then sends every held meeting in one message and marks each entry sent.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from akimwatch.config import ChannelConfig, Config
from notify import claims
from storage.models import Outbox

ALMATY = ZoneInfo("Asia/Almaty")
DIGEST_EVENTS = frozenset({"meeting.new", "meeting.updated"})


class Counts(Protocol):
    """Where held entries are counted (the dispatch report)."""

    held: int


@dataclass
class Job:
    """One send: its delivery key, channel and the outbox entries it settles."""

    key: str
    channel_name: str
    channel: ChannelConfig | None
    entries: list[Outbox]
    digest: bool = False


def next_digest(after: datetime, hour: int) -> datetime:
    """The first ``hour``:00 Asia/Almaty strictly after ``after``, in UTC."""
    local = after.astimezone(ALMATY)
    slot = local.replace(hour=hour, minute=0, second=0, microsecond=0)
    if slot <= local:
        slot += timedelta(days=1)
    return slot.astimezone(UTC)


def digest_key(channel: str, entries: Sequence[Outbox], hour: int) -> str:
    """A key stable for the same set of entries: ``digest:<channel>:<local date>:<hash>``."""
    first = min(next_digest(entry.created_at, hour) for entry in entries)
    keys = "\n".join(sorted(entry.delivery_key for entry in entries))
    digest = hashlib.sha1(keys.encode("utf-8")).hexdigest()[:10]
    return f"digest:{channel}:{first.astimezone(ALMATY).date().isoformat()}:{digest}"


def plan(
    session: Session,
    config: Config,
    entries: Sequence[Outbox],
    token: str,
    now: datetime,
    counts: Counts,
) -> list[Job]:
    """Jobs for the claimed entries; digest entries not yet due are released until their hour."""
    channels = {channel.name: channel for channel in config.channels}
    jobs: list[Job] = []
    groups: dict[str, list[Outbox]] = {}
    held: list[tuple[Outbox, datetime]] = []
    for entry in entries:
        channel = channels.get(entry.channel)
        if channel is None or channel.digest == "off" or entry.event_type not in DIGEST_EVENTS:
            jobs.append(Job(entry.delivery_key, entry.channel, channel, [entry]))
            continue
        due = next_digest(entry.created_at, channel.digest_hour)
        if due > now:
            held.append((entry, due))
        else:
            groups.setdefault(channel.name, []).append(entry)
    if held:
        with session.begin():
            for entry, due in held:
                claims.release(session, entry, token, due)
        counts.held += len(held)
    for name, group in groups.items():
        key = digest_key(name, group, channels[name].digest_hour)
        jobs.append(Job(key, name, channels[name], group, digest=True))
    return jobs
