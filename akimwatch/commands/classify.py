"""``akimwatch classify [FILE]``: JSON lines of articles in, one JSON line per article out."""

from __future__ import annotations

from typing import IO

import click

from detect import classify_lines


@click.command("classify")
@click.argument("file", type=click.File("r", encoding="utf-8"), default="-")
def classify(file: IO[str]) -> None:
    """Classify articles (JSON lines with id, title, text, optional url, published, language)
    from FILE or stdin; write {"id", "relevant", "meetings"} per line, in the same order."""
    for line in classify_lines(file):
        click.echo(line)
