"""Replica article data: loaded from JSON files, dated relative to now so alerts stay fresh."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from importlib import resources
from typing import Any


@dataclass
class ReplicaArticle:
    """One article a replica serves."""

    id: str
    language: str
    slug: str
    title: str
    lead: str
    paragraphs: list[str]
    published: datetime
    tags: list[str] = field(default_factory=list)
    markup: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def etag(self) -> str:
        """A validator that changes when the content changes."""
        text = "\n".join([self.title, self.lead, *self.paragraphs])
        return '"' + hashlib.md5(text.encode("utf-8")).hexdigest() + '"'


@dataclass(frozen=True)
class CrawledArticle:
    """A replica article a crawl of its site finds, and the URL the crawler stores it under."""

    article: ReplicaArticle
    url: str
    day_only: bool = False  # the site shows only the day of this article, nowhere its time


def _published(raw: dict[str, Any], now: datetime) -> datetime:
    if "published" in raw:
        return datetime.fromisoformat(raw["published"]).astimezone(UTC)
    return (now - timedelta(hours=float(raw.get("age_hours", 1)))).replace(second=0, microsecond=0)


def load_articles(name: str, now: datetime | None = None) -> list[ReplicaArticle]:
    """Articles of ``sources/<name>/articles.json``, newest first."""
    text = resources.files(f"sources.{name}").joinpath("articles.json").read_text("utf-8")
    now = now or datetime.now(UTC)
    articles = [
        ReplicaArticle(
            id=str(raw["id"]),
            language=raw.get("language", "ru"),
            slug=raw["slug"],
            title=raw["title"],
            lead=raw.get("lead", ""),
            paragraphs=list(raw["paragraphs"]),
            published=_published(raw, now),
            tags=list(raw.get("tags", [])),
            markup=raw.get("markup", ""),
            extra=dict(raw.get("extra", {})),
        )
        for raw in json.loads(text)
    ]
    return sorted(articles, key=lambda a: a.published, reverse=True)
