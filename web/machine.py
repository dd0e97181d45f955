"""The machine endpoints: ``/healthz``, ``/metrics``, the Atom feed, the CSV export, chart data."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Request, Response
from fastapi.responses import JSONResponse, StreamingResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy import text

from notify import exports as outputs
from notify import feed
from web.charts import CHARTS, UNITS, spec, to_csv
from web.state import state

router = APIRouter()


@router.get("/healthz", tags=["machine"])
def healthz(request: Request) -> JSONResponse:
    """``ok`` when the database answers (503 otherwise)."""
    try:
        with state(request).engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as exc:
        return JSONResponse({"status": "unavailable", "error": type(exc).__name__}, 503)
    return JSONResponse({"status": "ok"})


@router.get("/metrics", tags=["machine"])
def prometheus(request: Request) -> Response:
    """The Prometheus text format: runs, failures, articles, meetings, outbox, per source."""
    return Response(generate_latest(state(request).registry), media_type=CONTENT_TYPE_LATEST)


@router.get("/feed.atom", tags=["machine"])
def atom(request: Request) -> Response:
    """The Atom feed of the newest meetings."""
    body = feed.build(state(request).engine)
    return Response(body, media_type="application/atom+xml")


@router.get("/export/meetings.csv", tags=["machine"])
def export_csv(
    request: Request,
    since: Annotated[date | None, Query(description="from this local date")] = None,
    until: Annotated[date | None, Query(description="up to this local date")] = None,
    region: Annotated[str | None, Query(description="canonical region name")] = None,
) -> StreamingResponse:
    """Every meeting as CSV (the columns of ``akimwatch export --format csv``)."""
    query = outputs.meeting_query(since, until, region)
    web = state(request)

    def lines() -> Iterator[str]:
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=outputs.MEETING_COLUMNS, extrasaction="ignore")
        writer.writeheader()
        with web.session() as session:
            for row in outputs.meeting_rows(session, query):
                writer.writerow(outputs.flat(row, outputs.MEETING_COLUMNS))
                yield out.getvalue()
                out.seek(0)
                out.truncate()
        yield out.getvalue()

    return StreamingResponse(lines(), media_type="text/csv; charset=utf-8")


@router.get("/charts/{name}.csv", tags=["charts"])
def chart_csv(request: Request, name: str, unit: str = "month") -> Response:
    """A chart's data as CSV (``timeline`` takes ``unit``: day, week or month)."""
    rows = _chart_rows(request, name, unit)
    return Response(to_csv(rows), media_type="text/csv; charset=utf-8")


@router.get("/charts/{name}.vl.json", tags=["charts"])  # before {name}.json, which would match
def chart_spec(name: str, unit: str = "month") -> JSONResponse:
    """A chart's Vega-Lite specification, reading its JSON rows."""
    _check_chart(name, unit)
    suffix = f"?unit={unit}" if name == "timeline" else ""
    return JSONResponse(spec(name, f"/charts/{name}.json{suffix}"))


@router.get("/charts/{name}.json", tags=["charts"])
def chart_json(request: Request, name: str, unit: str = "month") -> list[dict[str, Any]]:
    """A chart's data as JSON rows, what the chart draws (the same rows as its CSV)."""
    return _chart_rows(request, name, unit)


def _check_chart(name: str, unit: str) -> None:
    if name not in CHARTS:
        raise HTTPException(404, f"no chart {name!r}")
    if unit not in UNITS:
        raise HTTPException(400, f"unit: {unit!r} is not one of {', '.join(UNITS)}")


def _chart_rows(request: Request, name: str, unit: str) -> list[dict[str, Any]]:
    _check_chart(name, unit)
    web = state(request)
    with web.session() as session:
        return web.charts.rows(session, name, unit)
