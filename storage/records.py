"""Plain records handed to storage by the crawler (storage knows no Scrapy item), and what a save
did. The meetings they carry are detection's own :class:`detect.Meeting`."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from typing import ClassVar

from detect.detector import Meeting


@dataclass
class ArticleRecord:
    """An extracted article (title, lead, body without boilerplate, UTC time) and its URLs: the
    item every spider yields; the store pipeline adds the meetings detected in it."""

    url: str
    source: str
    language: str
    title: str
    body: str
    lead: str = ""
    published_at: datetime | None = None
    author: str | None = None
    tags: list[str] = field(default_factory=list)
    source_id: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    aliases: list[str] = field(default_factory=list)
    page_published_at: datetime | None = None
    """The page's own date when it disagreed with the listing's by more than a day (the
    listing's is ``published_at``)."""
    links: list[str] = field(default_factory=list)
    """Absolute URLs the article links to where the source says so (a Telegram post's links:
    the article it announces)."""
    meetings: list[Meeting] = field(default_factory=list)

    def missing_fields(self) -> list[str]:
        """Required fields that extraction could not fill (a sign that a layout changed)."""
        return [name for name in ("title", "body", "published_at") if not getattr(self, name)]

    @property
    def content_hash(self) -> str:
        """Hash of the extracted title, lead and body (not raw HTML: ads, counters don't count)."""
        text = "\x1f".join((self.title.strip(), self.lead.strip(), self.body.strip()))
        return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass
class SaveResult:
    """What one batch write did."""

    new_articles: int = 0
    changed_articles: int = 0
    unchanged_articles: int = 0
    new_meetings: int = 0
    linked_meetings: int = 0
    article_ids: list[int] = field(default_factory=list)
    event_keys: list[str] = field(default_factory=list)
    """The keys of the events written (``storage.events``); the dispatcher routes them."""

    COUNTS: ClassVar[tuple[str, ...]] = (
        "new_articles", "changed_articles", "unchanged_articles",
        "new_meetings", "linked_meetings",
    )  # fmt: skip

    def counts(self) -> dict[str, int]:
        """The counters by name (``new_events``: how many events were written)."""
        counts = {name: getattr(self, name) for name in self.COUNTS}
        return {**counts, "new_events": len(self.event_keys)}

    def add(self, other: SaveResult) -> None:
        """Accumulate another batch's counts."""
        for name in self.COUNTS:
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.article_ids.extend(other.article_ids)
        self.event_keys.extend(other.event_keys)
