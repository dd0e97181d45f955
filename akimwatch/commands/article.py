"""``akimwatch article URL [--history]``: one stored article, its meetings, versions and diffs."""

from __future__ import annotations

import json
from typing import Any

import click

from akimwatch.commands.meetings import article_data
from akimwatch.context import get_config, open_engine
from storage.engine import session_factory
from storage.meetings import MeetingLinker
from storage.models import Article, ArticleVersion
from storage.queries import article_by_url
from storage.urls import UnusableURL


def _version(version: ArticleVersion) -> dict[str, Any]:
    return {
        "version": version.version,
        "fetched_at": version.fetched_at.isoformat(),
        "title": version.title,
        "content_hash": version.content_hash,
        "diff": version.diff,
    }


def _data(article: Article, meetings: list[str], history: bool) -> dict[str, Any]:
    data = {
        **article_data(article),
        "version": article.version,
        "last_checked_at": article.last_checked_at.isoformat(),
        "meetings": meetings,
    }
    if history:
        data["versions"] = [_version(v) for v in article.versions]
    return data


def _text(data: dict[str, Any]) -> str:
    lines = [
        data["title"],
        f"{data['url']}  [{data['outlet']}, {data['language']}]",
        f"published {data['published_at'] or '?'}, version {data['version']}, "
        f"last checked {data['last_checked_at']}",
        "meetings: " + (", ".join(data["meetings"]) or "none"),
    ]
    for version in data.get("versions", []):
        lines += ["", f"== version {version['version']} fetched {version['fetched_at']}"]
        lines.append(version["diff"] or "(first version)")
    return "\n".join(lines)


@click.command("article")
@click.argument("url")
@click.option("--history", is_flag=True, help="Show every version with its diff.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON for machines.")
@click.pass_context
def article(ctx: click.Context, url: str, history: bool, as_json: bool) -> None:
    """Show the stored article reached by URL (any of its forms: AMP, old shape, redirect)."""
    with session_factory(open_engine(get_config(ctx)))() as session:
        try:
            found = article_by_url(session, url)
        except UnusableURL as error:
            raise click.BadParameter(str(error), param_hint="URL") from None
        if found is None:
            raise click.ClickException(f"no stored article is reached by {url}")
        keys = [m.meeting_key for m in MeetingLinker(session).linked(found.id)]
        data = _data(found, keys, history)
    click.echo(json.dumps(data, ensure_ascii=False, indent=2) if as_json else _text(data))
