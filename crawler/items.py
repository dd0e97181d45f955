"""The item every spider yields: one extracted article with its fetch metadata."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass
class ArticleItem:
    """An extracted article (title, lead, body without boilerplate, UTC time) and its URLs."""

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

    def missing_fields(self) -> list[str]:
        """Required fields that extraction could not fill (a sign that a layout changed)."""
        return [name for name in ("title", "body", "published_at") if not getattr(self, name)]
