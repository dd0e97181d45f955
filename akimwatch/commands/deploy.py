"""``akimwatch deploy``: upload the crawl (the project's egg) to the Scrapyd nodes."""

from __future__ import annotations

import click

from akimwatch.context import get_config
from scheduler.deploy import deploy as deploy_to


@click.command("deploy")
@click.option(
    "--node",
    "labels",
    multiple=True,
    metavar="LABEL",
    help="Only this [[crawl.nodes]] entry (its name, else host:port); repeatable.",
)
@click.option("--version", help="The version to upload as (default: the current time).")
@click.pass_context
def deploy(ctx: click.Context, labels: tuple[str, ...], version: str | None) -> None:  # fmt: skip
    """Build the crawl's egg and upload it to each Scrapyd node ([[crawl.nodes]]) as
    [crawl] project; one line per node, exit 1 when any node failed.

    The egg pins the spiders and the settings module the node runs; the node's Python
    environment must have akimwatch's dependencies installed (pip install 'akimwatch[scrapyd]',
    the same version as the one deployed: installed packages come first on the crawl's path).
    """
    config = get_config(ctx)
    if not config.crawl.nodes:
        raise click.UsageError("no [[crawl.nodes]] configured")
    try:
        results = deploy_to(config, labels, version)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--node") from None
    for result in results:
        if result.ok:
            click.echo(f"{result.node}  ok  spiders: {', '.join(result.spiders) or 'none'}")
        else:
            click.echo(f"{result.node}  FAILED ({result.error})")
    ctx.exit(0 if all(result.ok for result in results) else 1)
