"""What extraction returns: an article's fields, or the entries of a listing page."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass
class Extracted:
    """One article's fields as extracted from its page."""

    title: str = ""
    lead: str = ""
    body: str = ""
    published_at: datetime | None = None
    author: str | None = None
    tags: list[str] = field(default_factory=list)
    language: str | None = None
    source_id: str | None = None


@dataclass(frozen=True)
class ListingEntry:
    """An article link found on a listing page, feed or API page."""

    url: str
    title: str = ""
    published_at: datetime | None = None
