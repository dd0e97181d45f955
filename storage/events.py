"""Writing events: what a save found worth an alert, once per event key, in the caller's
transaction. Storage knows no channel: the dispatcher routes events (``notify.outbox``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import Article, Event, Meeting


def event_key(
    event_type: str, meeting: Meeting | None, article: Article | None, suffix: str = ""
) -> str:
    """``<type>:<meeting key | article<id> | admin>[:<suffix>]``; a delivery adds ``:<channel>``."""
    subject = meeting.meeting_key if meeting else f"article{article.id}" if article else "admin"
    return ":".join(filter(None, (event_type, subject, suffix)))


def record_event(
    session: Session,
    event_type: str,
    *,
    meeting: Meeting | None = None,
    article: Article | None = None,
    suffix: str = "",
    languages: Sequence[str] = (),
    payload: dict[str, Any] | None = None,
) -> str | None:
    """Add the event unless its key is stored already; returns its key when it was added."""
    key = event_key(event_type, meeting, article, suffix)
    if session.scalar(select(Event.id).where(Event.event_key == key)) is not None:
        return None
    session.add(
        Event(
            event_key=key,
            event_type=event_type,
            meeting_id=meeting.id if meeting else None,
            article_id=article.id if article else None,
            region=meeting.region if meeting else None,
            kind=meeting.kind if meeting else None,
            languages=list(languages),
            payload=dict(payload or {}),
        )
    )
    return key
