"""``akimwatch demo``: the whole pipeline, offline, against the local site replicas."""

from __future__ import annotations

import tempfile
from pathlib import Path

import click


@click.command("demo")
@click.option(
    "--keep",
    "--data-dir",
    "keep",
    metavar="DIR",
    type=click.Path(file_okay=False, path_type=Path),
    help="Keep the demo's database and configuration in DIR, to browse them afterwards "
    "(default: a temporary directory, deleted at the end).",
)
@click.option(
    "--serve",
    "serve",
    is_flag=True,
    help="Then serve the web pages over the demo's data (akimwatch serve) until Ctrl-C.",
)
def demo(keep: Path | None, serve: bool) -> None:
    """Serve replicas of every source on 127.0.0.1, crawl them, and show the alerts a user gets."""
    from akimwatch import demo as runner

    if keep is not None:
        result = runner.run(keep, click.echo)
        runner.report(result, click.echo)
        _serve(keep, serve)
    else:
        with tempfile.TemporaryDirectory(prefix="akimwatch-demo-") as tmp:
            result = runner.run(Path(tmp), click.echo)
            runner.report(result, click.echo)
            _serve(Path(tmp), serve)
    if keep is not None:
        click.echo(f"\nThe demo's database and configuration are kept in {keep.resolve()}.")
        click.echo("Browse them with:")
        for command in runner.browse_commands(keep, result):
            click.echo(f"  {command}")
    else:
        click.echo(
            "\nThe demo's data (database and configuration) was in a temporary directory and "
            "is now deleted; run `akimwatch demo --keep DIR` to keep it and browse it."
        )
    if not all(outcome.ok for outcome in result.outcomes):
        raise click.ClickException("some crawls failed (see above)")


def _serve(directory: Path, wanted: bool) -> None:
    """Serve the web pages over the demo's data in ``directory`` when ``wanted``."""
    if not wanted:
        return
    from akimwatch.commands.serve import run
    from akimwatch.demo import CONFIG_NAME
    from notify.config import load

    run(load(directory / CONFIG_NAME))
