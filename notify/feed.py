"""The Atom feed of meetings (feedgen): one entry per meeting, id a tag URI from its key, and
``updated`` moving when the meeting gains a source."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any
from urllib.parse import quote

from feedgen.feed import FeedGenerator
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from notify.exports import meeting_query, meeting_rows
from storage.clock import utcnow

FEED_ID = "tag:akimwatch.kz,2026:meetings"
MAX_ENTRIES = 200


def entry_id(meeting_key: str) -> str:
    """The stable Atom id of a meeting."""
    return f"tag:akimwatch.kz,2026:meeting/{quote(meeting_key, safe='')}"


def build(engine: Engine, limit: int = MAX_ENTRIES) -> bytes:
    """The feed of the newest ``limit`` meetings, as Atom XML."""
    feed = FeedGenerator()
    feed.id(FEED_ID)
    feed.title("akimwatch: the President's meetings with regional akims")
    feed.link(href="https://github.com/akimwatch/akimwatch", rel="alternate")
    feed.language("ru")
    with Session(engine) as session:
        rows = list(meeting_rows(session, meeting_query(None, None, None)))[-limit:]
    for row in rows:
        entry = feed.add_entry(order="append")
        entry.id(entry_id(row["meeting_key"]))
        entry.title(row["title"] or f"{row['local_date']}: {row['region'] or 'meeting'}")
        entry.updated(row["updated_at"])
        entry.published(row["created_at"])
        summary = row["summary"] or row["title"] or row["meeting_key"]
        summary = f"Аким: {row['akim']}. {summary}" if row["akim"] else summary
        entry.summary(f"{summary} {_first(row)}".strip())
        for url in row["urls"]:
            entry.link(href=url, rel="alternate" if url == row["urls"][0] else "related")
        for region in sorted(set(row["regions"]) | ({row["region"]} - {None})):
            entry.category(term=region)
    feed.updated(max((r["updated_at"] for r in rows), default=utcnow().isoformat()))
    return bytes(feed.atom_str(pretty=True))


def _first(row: dict[str, Any]) -> str:
    """ "Первым сообщил: …" with how far behind each other source followed."""
    lead = row.get("lead")
    if not lead:
        return ""
    later = [f"{s['outlet']} +{round(s['delay_seconds'] / 60)} мин" for s in lead["sources"][1:]]
    return f"Первым сообщил: {lead['first']['outlet']}" + (
        f" ({', '.join(later)})." if later else "."
    )


def write(engine: Engine, path: Path) -> None:
    """Write the feed atomically (readers never see half a file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    data = build(engine)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".feed-", suffix=".xml")
    with os.fdopen(handle, "wb") as out:
        out.write(data)
    os.replace(temporary, path)
