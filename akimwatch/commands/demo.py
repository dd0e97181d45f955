"""``akimwatch demo``: the whole pipeline, offline, against the local site replicas."""

from __future__ import annotations

import tempfile
from pathlib import Path

import click


@click.command("demo")
@click.option(
    "--data-dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Keep the demo database here (default: a temporary directory, removed afterwards).",
)
def demo(data_dir: Path | None) -> None:
    """Serve replicas of every source on 127.0.0.1, crawl them, and show the alerts a user gets."""
    from akimwatch import demo as runner

    if data_dir is not None:
        result = runner.run(data_dir, click.echo)
    else:
        with tempfile.TemporaryDirectory(prefix="akimwatch-demo-") as tmp:
            result = runner.run(Path(tmp), click.echo)
    runner.report(result, click.echo)
    if not all(outcome.ok for outcome in result.outcomes):
        raise click.ClickException("some crawls failed (see above)")
