"""Turning claimed entries into jobs: one per entry, or one daily digest per digest channel.

Claimed ``meeting.updated`` entries of one meeting and channel are coalesced (``notify.updates``).
A digest channel holds ``meeting.*`` entries until the first ``digest_hour`` (Asia/Almaty) after
each entry was created, then sends every held meeting in one message and marks each entry sent.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from core.config import ChannelConfig, Config
from notify import outbox, updates
from storage.models import Outbox

ALMATY = ZoneInfo("Asia/Almaty")
DIGEST_EVENTS = frozenset({"meeting.new", "meeting.updated"})


class Counts(Protocol):
    """Where held entries are counted (the dispatch report)."""

    held: int
    skipped: int


@dataclass
class Job:
    """One send: its delivery key, channel and the outbox entries it settles."""

    key: str
    channel_name: str
    channel: ChannelConfig | None
    entries: list[Outbox]
    digest: bool = False
    added: list[int] = field(default_factory=list)


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


@dataclass
class _Batch:
    """The claimed entries sorted: single jobs, digests due now, updates per pair, holds."""

    token: str
    now: datetime
    window: timedelta
    jobs: list[Job] = field(default_factory=list)
    digests: dict[str, list[Outbox]] = field(default_factory=dict)
    updates: dict[tuple[str, int], list[Outbox]] = field(default_factory=dict)
    held: list[tuple[Outbox, datetime]] = field(default_factory=list)

    def add(self, entry: Outbox, channel: ChannelConfig | None) -> None:
        """File one entry where it belongs."""
        if channel is None or entry.event_type not in DIGEST_EVENTS:
            self.jobs.append(Job(entry.delivery_key, entry.channel, channel, [entry]))
        elif channel.digest != "off":
            due = next_digest(entry.created_at, channel.digest_hour)
            if due > self.now:
                self.held.append((entry, due))
            else:
                self.digests.setdefault(channel.name, []).append(entry)
        elif entry.event_type == "meeting.updated" and entry.meeting_id is not None:
            self.updates.setdefault((channel.name, entry.meeting_id), []).append(entry)
        else:
            self.jobs.append(Job(entry.delivery_key, entry.channel, channel, [entry]))


def plan(
    session: Session,
    config: Config,
    entries: Sequence[Outbox],
    token: str,
    now: datetime,
    counts: Counts,
) -> list[Job]:
    """Jobs for the claimed entries; digest entries not yet due are released until their hour,
    update entries are coalesced per meeting and channel (held, skipped or one job)."""
    channels = {channel.name: channel for channel in config.channels}
    batch = _Batch(token, now, timedelta(minutes=config.notify.update_window_minutes))
    for entry in entries:
        batch.add(entry, channels.get(entry.channel))
    with session.begin():
        for (name, meeting_id), group in batch.updates.items():
            _coalesce(session, batch, channels[name], meeting_id, group, counts)
        for entry, due in batch.held:
            outbox.release(session, entry, token, due)
    counts.held += len(batch.held)
    for name, group in batch.digests.items():
        key = digest_key(name, group, channels[name].digest_hour)
        batch.jobs.append(Job(key, name, channels[name], group, digest=True))
    return batch.jobs


def _coalesce(
    session: Session,
    batch: _Batch,
    channel: ChannelConfig,
    meeting_id: int,
    group: list[Outbox],
    counts: Counts,
) -> None:
    """Skip, hold, or make one job of the claimed updates of one meeting to one channel."""
    decision = updates.decide(session, channel.name, meeting_id, group, batch.now, batch.window)
    if decision.skip is not None:
        outbox.skip(session, group, batch.token, batch.now, decision.skip)
        counts.skipped += len(group)
    elif decision.hold_until is not None:
        batch.held.extend((entry, decision.hold_until) for entry in group)
    else:
        key = updates.group_key(channel.name, updates.meeting_key(session, meeting_id), group)
        batch.jobs.append(Job(key, channel.name, channel, group, added=decision.added))
