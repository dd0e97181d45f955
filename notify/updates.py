"""Coalescing ``meeting.updated``: per meeting and channel, one alert per update window at most.

The claimed update entries of one meeting and channel become one job that carries every report
added since the last alert there (``added``, article ids). An update is skipped when a pending
``meeting.new`` will already list its reports (that document is built at send time), or when none
of its reports is news to a reader (an outlet and language already shown, a URL already shown).
An update due less than ``[notify] update_window_minutes`` after the last alert is held until the
window ends; later updates join that hold.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

import sources
from storage.models import Article, Meeting, MeetingArticle, Outbox

MEETING_EVENTS = ("meeting.new", "meeting.updated")


@dataclass
class Decision:
    """What to do with one group: send (``added`` article ids), hold until, or skip."""

    added: list[int] = field(default_factory=list)
    hold_until: datetime | None = None
    skip: str | None = None


@dataclass
class Seen:
    """What earlier alerts of a meeting to a channel showed, and when the last one went out."""

    urls: set[str] = field(default_factory=set)
    pairs: set[tuple[str, str]] = field(default_factory=set)
    last_sent: datetime | None = None

    def add(self, document: dict[str, Any], sent_at: datetime | None) -> None:
        """Take in one sent document."""
        for article in (document.get("meeting") or {}).get("articles") or []:
            self.urls.add(article.get("url", ""))
            self.pairs.add((article.get("outlet", ""), article.get("language", "")))
        if sent_at and (self.last_sent is None or sent_at > self.last_sent):
            self.last_sent = sent_at


def group_key(channel: str, meeting_key: str, entries: Sequence[Outbox]) -> str:
    """The delivery key of a coalesced update: an entry's own key when it is alone, else one
    stable for the same set of entries (a re-send after a crash carries the same key)."""
    if len(entries) == 1:
        return entries[0].delivery_key
    keys = "\n".join(sorted(entry.delivery_key for entry in entries))
    digest = hashlib.sha1(keys.encode("utf-8")).hexdigest()[:10]
    return f"meeting.updated:{meeting_key}:{channel}:{digest}"


def _pair(channel: str, meeting_id: int) -> Any:
    return select(Outbox).where(
        Outbox.channel == channel,
        Outbox.meeting_id == meeting_id,
        Outbox.event_type.in_(MEETING_EVENTS),
    )


def _seen(session: Session, channel: str, meeting_id: int) -> Seen:
    seen = Seen()
    for row in session.scalars(_pair(channel, meeting_id).where(Outbox.status == "sent")):
        if "sent" in row.payload:
            seen.add(row.payload["sent"], row.sent_at)
    return seen


def _outstanding_new(session: Session, channel: str, meeting_id: int) -> bool:
    query = _pair(channel, meeting_id).where(
        Outbox.event_type == "meeting.new", Outbox.status.in_(("pending", "sending"))
    )
    return session.scalars(query.limit(1)).first() is not None


def _held(session: Session, channel: str, meeting_id: int, now: datetime, ids: list[int]) -> Any:
    """The latest hold of other pending updates of the pair, if one runs past now."""
    until = session.scalar(
        select(func.max(Outbox.next_attempt_at)).where(
            Outbox.channel == channel,
            Outbox.meeting_id == meeting_id,
            Outbox.event_type == "meeting.updated",
            Outbox.status == "pending",
            Outbox.id.notin_(ids),
        )
    )
    return until if until is not None and until > now else None


def _news(session: Session, meeting_id: int, entries: Sequence[Outbox], seen: Seen) -> list[int]:
    """Article ids of the entries still linked and new to a reader, first per outlet+language."""
    ids = [entry.article_id for entry in sorted(entries, key=lambda e: e.id) if entry.article_id]
    rows = session.execute(
        select(Article.id, Article.source, Article.language, Article.url)
        .join(MeetingArticle, MeetingArticle.article_id == Article.id)
        .where(MeetingArticle.meeting_id == meeting_id, Article.id.in_(ids))
    ).all()
    found = {row.id: row for row in rows}
    added: list[int] = []
    for article_id in dict.fromkeys(ids):
        row = found.get(article_id)
        if row is None:
            continue
        pair = (sources.outlet(row.source), row.language)
        if row.url not in seen.urls and pair not in seen.pairs:
            added.append(article_id)
            seen.urls.add(row.url)
            seen.pairs.add(pair)
    return added


def decide(
    session: Session,
    channel: str,
    meeting_id: int,
    entries: list[Outbox],
    now: datetime,
    window: timedelta,
) -> Decision:
    """Send, hold or skip the claimed update entries of one meeting and channel."""
    if _outstanding_new(session, channel, meeting_id):
        return Decision(skip="its meeting.new is still to be sent and will list these reports")
    held = _held(session, channel, meeting_id, now, [entry.id for entry in entries])
    if held is not None:
        return Decision(hold_until=held)
    seen = _seen(session, channel, meeting_id)
    if seen.last_sent is not None and now < seen.last_sent + window:
        return Decision(hold_until=seen.last_sent + window)
    added = _news(session, meeting_id, entries, seen)
    if not added:
        return Decision(skip="nothing a reader has not seen: same outlets, languages or URLs")
    return Decision(added=added)


def meeting_key(session: Session, meeting_id: int) -> str:
    """The key of a meeting (for the coalesced delivery key)."""
    return session.scalar(select(Meeting.meeting_key).where(Meeting.id == meeting_id)) or ""
