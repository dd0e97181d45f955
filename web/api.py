"""The JSON API the pages use: meetings (filtered, searched, paged), one meeting, the status."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request

from web import detail, listing, sources_view
from web.filters import Filters
from web.state import state

router = APIRouter(prefix="/api", tags=["api"])


def filters(
    region: Annotated[str | None, Query(description="a region, by any of its names")] = None,
    kind: Annotated[str | None, Query(description="reception, working_trip or collective")] = None,
    since: Annotated[date | None, Query(description="from this local date")] = None,
    until: Annotated[date | None, Query(description="up to this local date")] = None,
    source: Annotated[str | None, Query(description="reported by this source")] = None,
    language: Annotated[str | None, Query(description="reported in ru, kk or en")] = None,
    akim: Annotated[str | None, Query(description="part of the akim's name")] = None,
    q: Annotated[str | None, Query(description="words of an article's title or text")] = None,
    page: Annotated[int, Query(ge=1)] = 1,
) -> Filters:
    """The meetings filter from the query string (shared by the page and the API)."""
    given = {"region": region, "kind": kind, "since": since, "until": until, "source": source,
             "language": language, "akim": akim, "q": q, "page": page}  # fmt: skip
    return Filters.parse({k: str(v) for k, v in given.items() if v is not None})


Filter = Annotated[Filters, Depends(filters)]


def meetings_page(request: Request, chosen: Filters) -> listing.Page:
    """The page of meetings ``chosen`` asks for (the search index refreshed first)."""
    web = state(request)
    if chosen.q or chosen.source or chosen.language:
        web.refresh_index()
    with web.session() as session:
        return listing.page(session, chosen, indexed=web.index is not None)


@router.get("/meetings")
def meetings(request: Request, chosen: Filter) -> dict[str, Any]:
    """Meetings matching the filter, newest first, 50 a page, with the total."""
    return meetings_page(request, chosen).to_dict()


@router.get("/meetings/{meeting_id}")
def meeting(request: Request, meeting_id: int) -> dict[str, Any]:
    """One meeting: its reports with evidence and versions, and which source was first."""
    with state(request).session() as session:
        found = detail.meeting(session, meeting_id)
    if found is None:
        raise HTTPException(404, f"no meeting {meeting_id}")
    return found


@router.get("/status")
def status(request: Request) -> dict[str, Any]:
    """``akimwatch status --json``, the outbox entries waiting, failing or dead, health alerts."""
    web = state(request)
    return sources_view.status(web.config, web.engine, web.clock())
