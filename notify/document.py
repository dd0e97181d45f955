"""The notification document (webhook payload v1), built at send time from the database.

The same document feeds every channel: the webhook posts it as JSON, email and Apprise render it
with templates. A meeting carries every article linked to it so far.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

import sources
from core.config import ChannelConfig
from detect.names import display_name
from storage.lead import lead_of_articles
from storage.models import Article, ArticleVersion, Meeting, MeetingArticle, Outbox

VERSION = 1
DIFF_LIMIT = 4000
NAME_LANGUAGES = ("ru", "kk", "en")


class MissingSubject(LookupError):
    """The meeting or article an outbox entry refers to no longer exists."""


def iso_utc(value: datetime | None) -> str | None:
    """``2026-03-21T09:30:00Z`` or None."""
    if value is None:
        return None
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def article_data(article: Article) -> dict[str, Any]:
    """An article as it appears in the payload."""
    return {
        "url": article.url,
        "outlet": sources.outlet(article.source),
        "language": article.language,
        "title": article.title,
        "published_at": iso_utc(article.published_at),
    }


def name_language(channel: ChannelConfig | None) -> str:
    """The language a channel's readers see akim names in: its only language, else English for
    an English (not Russian) channel, else Russian."""
    wanted = [lang for lang in NAME_LANGUAGES if channel and lang in channel.languages]
    if len(wanted) == 1:
        return wanted[0]
    return "en" if "en" in wanted and "ru" not in wanted else "ru"


def meeting_data(session: Session, meeting: Meeting, language: str = "ru") -> dict[str, Any]:
    """A meeting with all its linked articles (oldest first) as it appears in the payload; the
    akim in the nominative for readers of ``language``.

    Each article carries ``evidence``: the sentence of it that decided the meeting.
    """
    rows = session.execute(
        select(Article, MeetingArticle.evidence)
        .join(MeetingArticle, MeetingArticle.article_id == Article.id)
        .where(MeetingArticle.meeting_id == meeting.id)
        .order_by(MeetingArticle.linked_at, Article.id)
    ).all()
    lead = lead_of_articles(article for article, _ in rows)
    return {
        "id": meeting.meeting_key,
        "date": meeting.local_date.isoformat(),
        "region": meeting.region,
        "regions": list(meeting.regions or []),
        "akim": display_name(meeting.akim, language),
        "kind": meeting.kind,
        "title": meeting.title,
        "summary": meeting.summary,
        "articles": [
            {**article_data(article), "evidence": evidence or ""} for article, evidence in rows
        ],
        **({"lead": lead.to_dict()} if lead else {}),
    }


def envelope(event_type: str, delivery_id: str, **body: Any) -> dict[str, Any]:
    """The common top of every document."""
    return {
        "type": event_type,
        "version": VERSION,
        "delivery_id": delivery_id,
        "created_at": iso_utc(datetime.now(UTC)),
        **body,
    }


def build(
    session: Session,
    entry: Outbox,
    delivery_id: str,
    language: str = "ru",
    added: Sequence[int] = (),
) -> dict[str, Any]:
    """The document for one outbox entry (akim names for readers of ``language``);
    MissingSubject when its meeting or article is gone.

    A ``meeting.updated`` document also lists in ``added`` the reports (article ids ``added``)
    that arrived since the last alert.
    """
    if entry.event_type == "health":
        health = {
            "subject": entry.payload.get("subject", ""),
            "text": entry.payload.get("text", ""),
        }
        return envelope("health", delivery_id, health=health)
    if entry.event_type == "article.changed":
        article = session.get(Article, entry.article_id) if entry.article_id else None
        if article is None:
            raise MissingSubject(f"article {entry.article_id} of {entry.delivery_key} is gone")
        return envelope(
            "article.changed",
            delivery_id,
            article={**article_data(article), **_diff(session, article)},
        )
    meeting = session.get(Meeting, entry.meeting_id) if entry.meeting_id else None
    if meeting is None:
        raise MissingSubject(f"meeting {entry.meeting_id} of {entry.delivery_key} is gone")
    data = meeting_data(session, meeting, language)
    if entry.event_type != "meeting.updated" or not added:
        return envelope(entry.event_type, delivery_id, meeting=data)
    urls = set(session.scalars(select(Article.url).where(Article.id.in_(list(added)))))
    news = [article for article in data["articles"] if article["url"] in urls]
    return envelope(entry.event_type, delivery_id, meeting=data, added=news)


def build_digest(
    session: Session, entries: Sequence[Outbox], delivery_id: str, language: str = "ru"
) -> dict[str, Any]:
    """One document holding every meeting of a day's held entries (each meeting once)."""
    ids = list(dict.fromkeys(entry.meeting_id for entry in entries if entry.meeting_id))
    meetings = session.scalars(
        select(Meeting).where(Meeting.id.in_(ids)).order_by(Meeting.local_date, Meeting.id)
    )
    return envelope(
        "digest",
        delivery_id,
        meetings=[meeting_data(session, meeting, language) for meeting in meetings],
    )


def sample(delivery_id: str) -> dict[str, Any]:
    """A made-up ``meeting.new`` document for ``akimwatch notify --test``."""
    meeting = {
        "id": "2026-03-21/Karaganda",
        "date": "2026-03-21",
        "region": "Karaganda",
        "regions": ["Karaganda"],
        "akim": "Sample Akimov",
        "kind": "reception",
        "title": "Test message from akimwatch (no such meeting)",
        "summary": "A test notification from akimwatch: no such meeting was detected.",
        "articles": [
            {
                "url": "https://akimwatch.invalid/test-notification",
                "outlet": "akimwatch",
                "language": "ru",
                "title": "Test headline: akimwatch notify --test",
                "published_at": "2026-03-21T06:30:00Z",
                "evidence": "A test sentence: no source wrote it.",
            }
        ],
    }
    return envelope("meeting.new", delivery_id, meeting=meeting)


def _diff(session: Session, article: Article) -> dict[str, Any]:
    diff = session.scalar(
        select(ArticleVersion.diff)
        .where(ArticleVersion.article_id == article.id)
        .order_by(ArticleVersion.version.desc())
        .limit(1)
    )
    return {"version": article.version, "diff": (diff or "")[:DIFF_LIMIT]}
