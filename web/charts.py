"""The charts: their data (JSON rows drawn, the same rows as CSV beside each chart) and their
Vega-Lite specifications.

``timeline``: meetings per region and period (``unit`` day, week from Monday, or month; the period
is its first day). ``heatmap``: meetings per region and month. ``kinds``: meetings per kind.
``sources``: per source, its reports (articles linked to meetings). A collective meeting without
a main region counts under ``(collective)``. The rows are cached until the meetings or their links
change (:class:`Cache`): a request then costs the fingerprint's two aggregate queries.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

import sources
from storage.models import Article, Meeting, MeetingArticle

COLLECTIVE = "(collective)"
UNITS = ("day", "week", "month")
Rows = list[dict[str, Any]]


def period(day: date, unit: str) -> date:
    """The first day of the period of ``unit`` that holds ``day``."""
    if unit == "week":
        return day - timedelta(days=day.weekday())
    if unit == "month":
        return day.replace(day=1)
    return day


def _by_day_and_region(session: Session) -> list[tuple[date, str, int]]:
    region = func.coalesce(Meeting.region, COLLECTIVE)
    query = select(Meeting.local_date, region, func.count()).group_by(Meeting.local_date, region)
    return [(day, name, int(count)) for day, name, count in session.execute(query).all()]


def timeline(session: Session, unit: str = "month") -> Rows:
    """Meetings per period and region, oldest period first."""
    counts: Counter[tuple[date, str]] = Counter()
    for day, region, count in _by_day_and_region(session):
        counts[(period(day, unit), region)] += count
    return [{"period": p.isoformat(), "region": r, "meetings": n}
            for (p, r), n in sorted(counts.items())]  # fmt: skip


def heatmap(session: Session) -> Rows:
    """Meetings per region and month (only the cells that hold any)."""
    counts: Counter[tuple[str, str]] = Counter()
    for day, region, count in _by_day_and_region(session):
        counts[(region, day.strftime("%Y-%m"))] += count
    return [{"region": r, "month": m, "meetings": n} for (r, m), n in sorted(counts.items())]


def kinds(session: Session) -> Rows:
    """Meetings per kind."""
    query = select(Meeting.kind, func.count()).group_by(Meeting.kind).order_by(Meeting.kind)
    return [{"kind": kind, "meetings": int(n)} for kind, n in session.execute(query).all()]


def reports(session: Session) -> Rows:
    """Reports (articles linked to a meeting) per source."""
    query = (
        select(Article.source, func.count())
        .join(MeetingArticle, MeetingArticle.article_id == Article.id)
        .group_by(Article.source)
        .order_by(Article.source)
    )
    return [{"source": s, "outlet": sources.outlet(s), "reports": int(n)}
            for s, n in session.execute(query).all()]  # fmt: skip


CHARTS: dict[str, tuple[str, Callable[..., Rows]]] = {
    "timeline": ("Meetings per region over time", timeline),
    "heatmap": ("Meetings per region and month", heatmap),
    "kinds": ("Meetings by kind", kinds),
    "sources": ("Reports per source", reports),
}


def fingerprint(session: Session) -> tuple[object, ...]:
    """What the charts depend on, cheaply: the meetings' and links' counts and newest changes."""
    meetings = session.execute(
        select(func.count(), func.max(Meeting.id), func.max(Meeting.updated_at))
    ).one()
    links = session.execute(select(func.count(), func.max(MeetingArticle.linked_at))).one()
    return (*meetings, *links)


class Cache:
    """Chart rows kept until the meetings or their links change (the fingerprint moves)."""

    def __init__(self) -> None:
        self._seen: tuple[object, ...] | None = None
        self._rows: dict[tuple[str, str], Rows] = {}

    def rows(self, session: Session, name: str, unit: str = "month") -> Rows:
        """Chart ``name``'s rows (``unit`` for the timeline), computed once per change."""
        seen = fingerprint(session)
        if seen != self._seen:
            self._seen, self._rows = seen, {}
        key = (name, unit if name == "timeline" else "")
        if key not in self._rows:
            function = CHARTS[name][1]
            self._rows[key] = function(session, unit) if name == "timeline" else function(session)
        return self._rows[key]


def to_csv(rows: Rows) -> str:
    """Rows as CSV with a header (empty with no rows)."""
    if not rows:
        return ""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def spec(name: str, data_url: str) -> dict[str, Any]:
    """The Vega-Lite specification of chart ``name``, reading its rows from ``data_url`` (JSON:
    Vega's CSV parser compiles a row converter with ``new Function``, which the CSP forbids)."""
    base: dict[str, Any] = {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "title": CHARTS[name][0],
        "width": "container",
        "data": {"url": data_url, "format": {"type": "json"}},
    }
    return {**base, **ENCODINGS[name]}


def _count(field: str) -> dict[str, Any]:
    return {"field": field, "type": "quantitative", "title": field}


ENCODINGS: dict[str, dict[str, Any]] = {
    "timeline": {"mark": {"type": "bar", "tooltip": True}, "encoding": {
        "x": {"field": "period", "type": "ordinal", "title": "period"},
        "y": {**_count("meetings"), "stack": "zero"},
        "color": {"field": "region", "type": "nominal"}}},
    "heatmap": {"mark": {"type": "rect", "tooltip": True}, "encoding": {
        "x": {"field": "month", "type": "ordinal"},
        "y": {"field": "region", "type": "nominal"},
        "color": {**_count("meetings"), "scale": {"scheme": "blues"}}}},
    "kinds": {"mark": {"type": "bar", "tooltip": True}, "encoding": {
        "x": {"field": "kind", "type": "nominal", "sort": "-y"},
        "y": _count("meetings")}},
    "sources": {"mark": {"type": "bar", "tooltip": True}, "encoding": {
        "x": {"field": "outlet", "type": "nominal", "sort": "-y"},
        "y": _count("reports")}},
}  # fmt: skip
