"""``akimwatch export`` (meetings or articles as CSV, JSON or JSON lines) and ``akimwatch feed``
(the Atom feed of meetings). CSV columns are listed in ``notify/exports.py``."""

from __future__ import annotations

import contextlib
import csv
import json
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import IO, Any

import click
from sqlalchemy.orm import Session

from akimwatch.commands import options
from akimwatch.context import get_config, open_engine
from notify import exports
from notify import feed as atom


@click.command("export")
@click.option(
    "--format", "fmt", type=click.Choice(["csv", "json", "jsonl"]), default="csv", show_default=True
)
@click.option(
    "--what", type=click.Choice(["meetings", "articles"]), default="meetings", show_default=True
)
@click.option("--since", callback=options.iso_day, help="From this date (YYYY-MM-DD).")
@click.option("--until", callback=options.iso_day, help="Up to this date, inclusive (YYYY-MM-DD).")
@click.option(
    "--region",
    callback=options.region,
    help="Only this region, by any of its names (karaganda, Қарағанды облысы, ...).",
)
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False),
    callback=options.output,
    help="File instead of stdout.",
)
@options.name_language("Language of the akim names in meeting exports.")
@click.pass_context
def export(
    ctx: click.Context,
    fmt: str,
    what: str,
    since: date | None,
    until: date | None,
    region: str | None,
    output: str | None,
    language: str,
) -> None:
    """Export meetings (with their articles) or articles, for spreadsheets and scripts."""
    engine = open_engine(get_config(ctx))
    build = exports.meeting_query if what == "meetings" else exports.article_query
    columns = exports.MEETING_COLUMNS if what == "meetings" else exports.ARTICLE_COLUMNS
    query = build(since, until, region)
    with Session(engine) as session:
        total = exports.count(session, query)
        found = (
            exports.meeting_rows(session, query, language)
            if what == "meetings"
            else exports.article_rows(session, query)
        )
        with _target(output) as out, _progress(found, total) as rows:
            WRITERS[fmt](rows, columns, out)


@contextlib.contextmanager
def _target(output: str | None) -> Iterator[IO[str]]:
    """The output file, or stdout (left open)."""
    if not output:
        yield sys.stdout
        return
    with open(output, "w", encoding="utf-8", newline="") as out:
        yield out


def _progress(rows: Iterator[dict[str, Any]], total: int) -> Any:
    """A progress bar on a terminal for long exports; quiet otherwise."""
    show = sys.stderr.isatty() and total > 1000
    return click.progressbar(
        rows, length=total, label="exporting", file=sys.stderr, hidden=not show
    )


def _csv(rows: Iterator[dict[str, Any]], columns: list[str], out: IO[str]) -> None:
    writer = csv.DictWriter(out, fieldnames=columns)
    writer.writeheader()
    for row in rows:
        writer.writerow(exports.flat(row, columns))


def _json(rows: Iterator[dict[str, Any]], columns: list[str], out: IO[str]) -> None:
    out.write("[")
    for index, row in enumerate(rows):
        out.write(("," if index else "") + "\n" + json.dumps(row, ensure_ascii=False))
    out.write("\n]\n")


def _jsonl(rows: Iterator[dict[str, Any]], columns: list[str], out: IO[str]) -> None:
    for row in rows:
        out.write(json.dumps(row, ensure_ascii=False) + "\n")


WRITERS = {"csv": _csv, "json": _json, "jsonl": _jsonl}


@click.command("feed")
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False),
    callback=options.output,
    required=True,
    help="Where to write the Atom file.",
)
@click.pass_context
def feed(ctx: click.Context, output: str) -> None:
    """Write the Atom feed of meetings (the daemon rewrites it when daemon.feed_path is set)."""
    atom.write(open_engine(get_config(ctx)), Path(output))
    click.echo(f"wrote {output}", err=True)
