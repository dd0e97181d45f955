"""Writing outbox rows: one per event and channel, keyed so that it is delivered exactly once."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import Article, Meeting, Outbox
from storage.records import Router


def enqueue(
    session: Session,
    router: Router,
    event_type: str,
    *,
    meeting: Meeting | None = None,
    article: Article | None = None,
    suffix: str = "",
    languages: Sequence[str] = (),
    payload: dict[str, Any] | None = None,
) -> int:
    """Add one outbox row per channel that wants the event; returns how many were added."""
    region = meeting.region if meeting else None
    kind = meeting.kind if meeting else None
    channels = router(event_type, region, kind, languages)
    subject = meeting.meeting_key if meeting else f"article{article.id}" if article else "admin"
    added = 0
    for channel in channels:
        key = ":".join(filter(None, (event_type, subject, suffix, channel)))
        if session.scalar(select(Outbox.id).where(Outbox.delivery_key == key)) is not None:
            continue
        session.add(
            Outbox(
                delivery_key=key,
                channel=channel,
                event_type=event_type,
                meeting_id=meeting.id if meeting else None,
                article_id=article.id if article else None,
                payload=dict(payload or {}),
            )
        )
        added += 1
    return added
