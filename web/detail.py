"""One meeting: every report (outlet, language, time, link, evidence), which source was first, and
each article's versions with their diffs."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

import sources
from detect.names import display_name
from storage.lead import lead_of_articles, reported_at
from storage.models import Article, ArticleVersion, Meeting, MeetingArticle


def _iso(value: datetime | None) -> str | None:
    return value.isoformat(timespec="seconds") if value else None


def meeting(session: Session, meeting_id: int) -> dict[str, Any] | None:
    """The meeting ``meeting_id`` as ``/api/meetings/{id}`` gives it; None when there is none."""
    found = session.scalar(
        select(Meeting)
        .where(Meeting.id == meeting_id)
        .options(
            selectinload(Meeting.links)
            .selectinload(MeetingArticle.article)
            .selectinload(Article.versions)
        )
    )
    if found is None:
        return None
    links = sorted(found.links, key=lambda link: (reported_at(link.article), link.article.id))
    lead = lead_of_articles(link.article for link in links)
    return {
        "id": found.id,
        "key": found.meeting_key,
        "date": found.local_date.isoformat(),
        "region": found.region,
        "regions": list(found.regions or []),
        "akim": display_name(found.akim, "ru"),
        "kind": found.kind,
        "title": found.title,
        "summary": found.summary,
        "lead": lead.to_dict() if lead else None,
        "reports": [report(link) for link in links],
    }


def report(link: MeetingArticle) -> dict[str, Any]:
    """One article reporting the meeting, with its evidence sentence and versions."""
    article = link.article
    return {
        "article_id": article.id,
        "url": article.url,
        "source": article.source,
        "outlet": sources.outlet(article.source),
        "language": article.language,
        "title": article.title,
        "published_at": _iso(article.published_at),
        "first_seen_at": _iso(article.first_seen_at),
        "reported_at": _iso(reported_at(article)),
        "evidence": link.evidence,
        "versions": [version(v) for v in article.versions],
    }


def version(entry: ArticleVersion) -> dict[str, Any]:
    """One stored version of an article and its diff from the one before."""
    return {
        "version": entry.version,
        "fetched_at": _iso(entry.fetched_at),
        "title": entry.title,
        "diff": entry.diff,
    }


def diff_lines(diff: str) -> list[tuple[str, str]]:
    """A unified diff as (class, line) pairs for the page: added, removed, hunk or context."""
    kinds = {"+": "added", "-": "removed", "@": "hunk"}
    return [
        (kinds.get(line[:1], "context") if not line.startswith(("+++", "---")) else "file", line)
        for line in diff.splitlines()
    ]
