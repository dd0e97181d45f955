"""``akimwatch meetings``: the stored meetings with every article that reports them."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import click

import sources
from akimwatch.commands import options
from akimwatch.context import get_config, open_engine
from core.config import KINDS
from detect.names import display_name
from storage.engine import session_factory
from storage.lead import SourceLead, by_source, lead_of_articles, leads
from storage.models import Article, Meeting
from storage.queries import find_meetings


def article_data(article: Article) -> dict[str, Any]:
    """An article as listed under its meeting (the original URL, never the canonical key)."""
    published = article.published_at.isoformat() if article.published_at else None
    return {
        "url": article.url,
        "outlet": sources.outlet(article.source),
        "language": article.language,
        "title": article.title,
        "published_at": published,
    }


def meeting_data(meeting: Meeting, language: str = "ru") -> dict[str, Any]:
    """A meeting and its articles, oldest report first (the akim named for ``language``), and
    which source reported it first (``lead``)."""
    articles = sorted(
        (link.article for link in meeting.links),
        key=lambda a: (a.published_at or a.first_seen_at, a.id),
    )
    lead = lead_of_articles(articles)
    return {
        "id": meeting.meeting_key,
        "date": meeting.local_date.isoformat(),
        "region": meeting.region,
        "regions": list(meeting.regions),
        "akim": display_name(meeting.akim, language),
        "kind": meeting.kind,
        "title": meeting.title,
        "summary": meeting.summary,
        "field_sources": dict(meeting.field_sources or {}),
        "articles": [article_data(a) for a in articles],
        **({"lead": lead.to_dict()} if lead else {}),
    }


def _text(meeting: dict[str, Any]) -> str:
    scope = meeting["region"] or " + ".join(meeting["regions"]) or "all regions"
    head = f"{meeting['date']}  {scope}  {meeting['kind']}  akim: {meeting['akim'] or '?'}"
    lines = [head, f"  {meeting['title']}"]
    lines += [f"  - [{a['outlet']}, {a['language']}] {a['url']}" for a in meeting["articles"]] or [
        "  (no article reports it any more)"
    ]
    return "\n".join(lines)


def _lead_text(rows: list[SourceLead]) -> str:
    if not rows:
        return "No meetings."
    lines = [f"{'source':<22}{'meetings':>9}{'first':>7}  median delay behind the first report"]
    for row in rows:
        outlet = sources.outlet(row.source)
        lines.append(
            f"{outlet:<22}{row.meetings:>9}{row.first:>7}  {_duration(row.median_delay_seconds)}"
        )
    return "\n".join(lines)


def _duration(seconds: float) -> str:
    minutes = round(seconds / 60)
    if minutes < 60:
        return f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min"


@click.command("meetings")
@click.option(
    "--region",
    callback=options.region,
    help="Only this region, by any of its names (karaganda, Карагандинская область, ...); "
    "collective meetings that include it too.",
)
@click.option("--since", callback=options.iso_day, help="From this local date (YYYY-MM-DD).")
@click.option("--until", callback=options.iso_day, help="Up to this local date (YYYY-MM-DD).")
@click.option("--kind", type=click.Choice(KINDS), help="Only this kind of meeting.")
@click.option(
    "--lead",
    is_flag=True,
    help="Per source, over the meetings selected: how many it reported, how many first, and its "
    "median delay behind the first report.",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON for machines.")
@options.name_language("Language of the akim names shown.")
@click.pass_context
def meetings(
    ctx: click.Context,
    region: str | None,
    since: date | None,
    until: date | None,
    kind: str | None,
    lead: bool,
    as_json: bool,
    language: str,
) -> None:
    """List meetings with their articles (url, outlet, language), oldest first."""
    with session_factory(open_engine(get_config(ctx)))() as session:
        found = find_meetings(session, region=region, since=since, until=until, kind=kind)
        if lead:
            rows = by_source(leads(session, [m.id for m in found]).values())
            output = json.dumps([r.to_dict() for r in rows], ensure_ascii=False, indent=2)
            click.echo(output if as_json else _lead_text(rows))
            return
        data = [meeting_data(m, language) for m in found]
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    click.echo("\n\n".join(_text(m) for m in data) if data else "No meetings.")
