"""The HTML pages: meetings, one meeting, charts, sources; and the re-queue form's target."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from starlette.concurrency import run_in_threadpool

import sources
from core.config import KINDS, LANGUAGES
from detect.gazetteer import CANONICAL_REGIONS
from notify.outbox import NotRequeueable
from web import detail, sources_view
from web.api import Filter, meetings_page
from web.charts import CHARTS, UNITS
from web.state import state

router = APIRouter(include_in_schema=False)
templates = Jinja2Templates(directory=Path(__file__).with_name("templates"))
templates.env.globals.update(outlet=sources.outlet, diff_lines=detail.diff_lines)


def render(request: Request, name: str, **context: Any) -> HTMLResponse:
    """A page from its template (autoescaped: every text from a source shows as text)."""
    return templates.TemplateResponse(request, name, {"page_name": name.removesuffix(".html"),
                                                      **context})  # fmt: skip


@router.get("/")
def home() -> RedirectResponse:
    """The meetings page."""
    return RedirectResponse("/meetings", 302)


@router.get("/meetings")
def meetings(request: Request, chosen: Filter) -> HTMLResponse:
    """The meetings table with its filter form and pages."""
    found = meetings_page(request, chosen)
    choices = {"region": CANONICAL_REGIONS, "kind": KINDS, "language": LANGUAGES,
               "source": sources.names()}  # fmt: skip
    return render(request, "meetings.html", filters=chosen, found=found, choices=choices)


@router.get("/meetings/{meeting_id}")
def meeting(request: Request, meeting_id: int) -> HTMLResponse:
    """One meeting, its reports, the first source, the versions of each article."""
    with state(request).session() as session:
        found = detail.meeting(session, meeting_id)
    if found is None:
        raise HTTPException(404, f"no meeting {meeting_id}")
    return render(request, "meeting.html", meeting=found)


@router.get("/charts")
def charts(request: Request) -> HTMLResponse:
    """The charts, each with its CSV."""
    return render(request, "charts.html", charts=CHARTS, units=UNITS)


@router.get("/sources")
def sources_page(request: Request) -> HTMLResponse:
    """The sources' status, the outbox, the last health alerts."""
    web = state(request)
    data = sources_view.status(web.config, web.engine, web.clock())
    return render(request, "sources.html", status=data, guard=web.guard)


@router.post("/outbox/{entry_id}/requeue")
async def requeue(request: Request, entry_id: int) -> Response:
    """Re-queue a dead alert: needs the access token and the page's CSRF token."""
    web = state(request)
    csrf = parse_qs((await request.body()).decode("utf-8", "replace")).get("csrf", [""])[0]
    if not web.guard.required:
        raise HTTPException(403, "re-queuing needs [web] token_hash (the access token)")
    if not web.guard.csrf_ok(request, "requeue", csrf):
        raise HTTPException(403, "the form's CSRF check failed: re-queue from the sources page")
    try:
        await run_in_threadpool(sources_view.requeue, web.writer, entry_id, web.clock())
    except NotRequeueable as exc:
        raise HTTPException(409, str(exc)) from None
    return RedirectResponse("/sources#outbox", 303)
