"""The outbox's whole life in SQL: events routed into deliveries, claim, re-claim stale, keep a
claim, mark sent, fail with back-off, re-queue by hand, forget old ones.

event --route (the configuration in force now)--> one pending delivery per channel
pending --claim--> sending --sent--> sent
                   sending --failure--> pending (later) | dead
                   sending --nothing new to tell (a coalesced update)--> skipped
                   sending --lease expired, or its dispatcher is gone--> pending
A claim is one UPDATE ... WHERE status = 'pending' per batch, tagged with a token unique to the
run; only rows carrying our token are ours. A leader's claim carries its term and holds only
while that term is current (fencing, ``docs/failover.md``). On PostgreSQL the candidate rows
are read with FOR UPDATE SKIP LOCKED so that concurrent dispatchers take different rows without
waiting.

Routing happens at dispatch time, not when the article is saved: an event goes to the channels
that the configuration of the dispatcher that routes it wants (a channel added after an event was
routed does not get it; one added before, even after the crawl, does). Routing takes the unrouted
events the same way (SQLite: under the write lock; PostgreSQL: FOR UPDATE SKIP LOCKED), so two
dispatchers never route one event twice, and the unique ``delivery_key`` (event key and channel)
keeps each delivery once even so.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from functools import cache
from typing import Any

from sqlalchemy import Row, delete, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from core.config import Config, NotifyConfig
from storage.leadership import term_holds
from storage.models import Event, Outbox

Router = Callable[[str, "str | None", "str | None", Sequence[str]], list[str]]
"""(event type, region, kind, languages) -> the names of the channels that want the event."""
SETTLED = ("sent", "skipped", "dead")


def router(config: Config) -> Router:
    """``Config.route``, with health events kept to the admin channels."""
    admins = {channel.name for channel in config.channels if channel.admin}

    def route(
        event_type: str, region: str | None, kind: str | None, languages: Sequence[str]
    ) -> list[str]:
        names = config.route(event_type, region, kind, languages)
        return [name for name in names if name in admins] if event_type == "health" else names

    return route


def route_events(session: Session, route: Router, now: datetime) -> tuple[int, int]:
    """Turn every unrouted event into one pending delivery per channel that wants it, in the
    caller's transaction; returns (events routed, deliveries added).

    One UPDATE marks the unrouted events routed and returns them: a second dispatcher's UPDATE
    waits for the first to commit and then finds them routed (PostgreSQL re-checks the condition
    on the locked rows; SQLite has one writer), so no event is routed twice.
    """
    events = session.execute(
        update(Event)
        .where(Event.routed_at.is_(None))
        .values(routed_at=now)
        .returning(*_ROUTED)
        .execution_options(synchronize_session=False)
    ).all()
    rows = [
        _delivery(event, channel)
        for event in events
        for channel in dict.fromkeys(route(event.event_type, event.region, event.kind,
                                             event.languages or []))
    ]  # fmt: skip
    added = len(session.execute(_insert(session), rows).all()) if rows else 0
    return len(events), added


_ROUTED = (
    Event.event_key, Event.event_type, Event.region, Event.kind, Event.languages,
    Event.meeting_id, Event.article_id, Event.payload, Event.created_at,
)  # fmt: skip


def _delivery(event: Row[Any], channel: str) -> dict[str, Any]:
    """The pending delivery of ``event`` to ``channel``."""
    return {
        "delivery_key": f"{event.event_key}:{channel}",
        "channel": channel,
        "event_type": event.event_type,
        "meeting_id": event.meeting_id,
        "article_id": event.article_id,
        "payload": dict(event.payload or {}),
        "status": "pending",
        "attempts": 0,
        "next_attempt_at": event.created_at,
        "created_at": event.created_at,
    }


def _insert(session: Session) -> Any:
    """INSERT of deliveries that skips a key stored already and returns the rows it added."""
    return _insert_for(session.get_bind().dialect.name)


@cache
def _insert_for(dialect_name: str) -> Any:
    """One statement per dialect, compiled once and executed with many rows (RETURNING counts
    them: psycopg gives no rowcount for it)."""
    dialect = postgresql if dialect_name == "postgresql" else sqlite
    insert = dialect.insert(Outbox).on_conflict_do_nothing(index_elements=["delivery_key"])
    return insert.returning(Outbox.id)


def reclaim_stale(session: Session, now: datetime, lease: timedelta) -> int:
    """Put back to pending the claims older than ``lease`` (their dispatcher died)."""
    result = session.execute(
        update(Outbox)
        .where(Outbox.status == "sending", Outbox.claimed_at < now - lease)
        .values(status="pending", claimed_by=None, claimed_at=None)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


def claimers(session: Session) -> list[str]:
    """The distinct claim tokens of the rows in ``sending``."""
    query = select(Outbox.claimed_by).where(Outbox.status == "sending").distinct()
    return [token for token in session.scalars(query) if token]


def take_back(session: Session, tokens: Sequence[str]) -> int:
    """Put back to pending the rows claimed by ``tokens`` (their dispatcher is gone)."""
    if not tokens:
        return 0
    result = session.execute(
        update(Outbox)
        .where(Outbox.status == "sending", Outbox.claimed_by.in_(list(tokens)))
        .values(status="pending", claimed_by=None, claimed_at=None)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


def claim(
    session: Session, token: str, now: datetime, limit: int, term: int | None = None
) -> list[Outbox]:
    """Claim up to ``limit`` due pending entries for ``token``; returns the claimed rows.

    With ``term`` (a leader's), the claim's UPDATE holds only while that term is current, and
    records it: a stale leader claims nothing."""
    ids = list(
        session.scalars(
            select(Outbox.id)
            .where(Outbox.status == "pending", Outbox.next_attempt_at <= now)
            .order_by(Outbox.next_attempt_at, Outbox.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
    )
    if not ids:
        return []
    session.execute(
        update(Outbox)
        .where(Outbox.id.in_(ids), Outbox.status == "pending", term_holds(term))
        .values(status="sending", claimed_by=token, claimed_at=now, claim_term=term)
    )
    return list(
        session.scalars(
            select(Outbox)
            .where(Outbox.claimed_by == token, Outbox.status == "sending")
            .order_by(Outbox.next_attempt_at, Outbox.id)
        )
    )


def _ours(entries: Sequence[Outbox], token: str) -> Any:
    return (
        Outbox.id.in_([entry.id for entry in entries]),
        Outbox.claimed_by == token,
        Outbox.status == "sending",
    )


def renew(session: Session, entries: Sequence[Outbox], token: str, now: datetime) -> bool:
    """Refresh the claim right before a send; False if any entry is no longer ours."""
    result = session.execute(update(Outbox).where(*_ours(entries, token)).values(claimed_at=now))
    return int(result.rowcount) == len(entries)  # type: ignore[attr-defined]


def release(session: Session, entry: Outbox, token: str, until: datetime) -> None:
    """Give an entry back unsent, due again at ``until`` (a digest holds it this way)."""
    session.execute(
        update(Outbox)
        .where(*_ours([entry], token))
        .values(status="pending", claimed_by=None, claimed_at=None, next_attempt_at=until)
    )


def skip(
    session: Session, entries: Sequence[Outbox], token: str, now: datetime, reason: str
) -> None:
    """Settle entries unsent because they carry nothing new (``payload.skipped`` says why)."""
    for entry in entries:
        entry.payload = {**entry.payload, "skipped": reason, "skipped_at": now.isoformat()}
        session.execute(
            update(Outbox)
            .where(*_ours([entry], token))
            .values(status="skipped", payload=entry.payload, claimed_at=None)
        )


def save_payload(
    session: Session, entries: Sequence[Outbox], token: str, changes: dict[str, Any]
) -> None:
    """Merge ``changes`` into each entry's payload (e.g. which targets were delivered)."""
    for entry in entries:
        entry.payload = {**entry.payload, **changes}
        session.execute(update(Outbox).where(*_ours([entry], token)).values(payload=entry.payload))


def mark_sent(
    session: Session, entries: Sequence[Outbox], token: str, now: datetime, changes: dict[str, Any]
) -> None:
    """Mark entries sent, storing what was sent in their payload."""
    for entry in entries:
        entry.payload = {**entry.payload, **changes}
        session.execute(
            update(Outbox)
            .where(*_ours([entry], token))
            .values(
                status="sent",
                sent_at=now,
                attempts=Outbox.attempts + 1,
                payload=entry.payload,
                last_error=None,
            )
        )


def mark_failed(
    session: Session, entry: Outbox, token: str, error: str, retry_at: datetime | None
) -> None:
    """Record a failed attempt: pending again at ``retry_at``, or dead when it is None."""
    values: dict[str, Any] = {"attempts": Outbox.attempts + 1, "last_error": error[:2000]}
    values["claimed_by"] = None
    if retry_at is None:
        values["status"] = "dead"
    else:
        values.update(status="pending", next_attempt_at=retry_at, claimed_at=None)
    session.execute(update(Outbox).where(*_ours([entry], token)).values(**values))


def given_up(settings: NotifyConfig, entry: Outbox, now: datetime) -> bool:
    """Whether a failing entry is too old to try again: ``give_up_hours`` after its creation or
    its last re-queue."""
    return now - _age_base(entry) >= timedelta(hours=settings.give_up_hours)


def backoff(
    settings: NotifyConfig, attempts: int, rng: random.Random, retry_after: float | None = None
) -> timedelta:
    """Exponential backoff with jitter after ``attempts`` failures; never before Retry-After."""
    ceiling = min(settings.backoff_max_seconds, settings.backoff_base_seconds * 2 ** (attempts - 1))
    seconds = ceiling / 2 + rng.uniform(0, ceiling / 2)
    return timedelta(seconds=max(seconds, retry_after or 0))


def _age_base(entry: Outbox) -> datetime:
    requeued = entry.payload.get("requeued_at")
    return datetime.fromisoformat(requeued) if requeued else entry.created_at


class NotRequeueable(LookupError):
    """No such entry, or one that is neither dead nor pending."""


def requeue(session: Session, entry_id: int, now: datetime) -> Outbox:
    """Make dead (or pending) entry ``entry_id`` pending and due now, its give-up age counted
    from now; the caller commits."""
    entry = session.get(Outbox, entry_id)
    if entry is None:
        raise NotRequeueable(f"no outbox entry {entry_id}")
    if entry.status not in ("dead", "pending"):
        raise NotRequeueable(
            f"entry {entry_id} is {entry.status}: only dead or pending entries can be retried"
        )
    entry.payload = {**entry.payload, "requeued_at": now.isoformat()}
    entry.status, entry.attempts, entry.next_attempt_at = "pending", 0, now
    entry.claimed_by = entry.claimed_at = None
    return entry


def purge(session: Session, cutoff: datetime) -> int:
    """Forget the settled (sent, skipped, dead) deliveries and the routed events created before
    ``cutoff``; returns how many deliveries went. Pending and unrouted ones always stay."""
    session.execute(delete(Event).where(Event.routed_at.is_not(None), Event.created_at < cutoff))
    result = session.execute(
        delete(Outbox).where(Outbox.status.in_(SETTLED), Outbox.created_at < cutoff)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]
