"""The outbox state machine in SQL: claim, re-claim stale, keep a claim, mark sent, fail.

pending --claim--> sending --sent--> sent
                   sending --failure--> pending (later) | dead
                   sending --nothing new to tell (a coalesced update)--> skipped
                   sending --lease expired, or its dispatcher is gone--> pending
A claim is one UPDATE ... WHERE status = 'pending' per batch, tagged with a token unique to the
run; only rows carrying our token are ours. On PostgreSQL the candidate rows are read with
FOR UPDATE SKIP LOCKED so that concurrent dispatchers take different rows without waiting.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from storage.models import Outbox


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


def claim(session: Session, token: str, now: datetime, limit: int) -> list[Outbox]:
    """Claim up to ``limit`` due pending entries for ``token``; returns the claimed rows."""
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
        .where(Outbox.id.in_(ids), Outbox.status == "pending")
        .values(status="sending", claimed_by=token, claimed_at=now)
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
