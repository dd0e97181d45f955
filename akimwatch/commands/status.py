"""``akimwatch status``: per source the last run, last success, articles, failures, next run,
and the outbox depth; exit status 1 when something is unhealthy (for monitoring)."""

from __future__ import annotations

import json
from typing import Any

import click

from akimwatch.context import get_config, open_engine
from scheduler.status import LOCAL, report

HEADER = (
    f"{'source':10} {'state':8} {'last run':26} {'result':10} {'last success':26} "
    f"{'new':>4} {'total':>6} {'fails':>5}  next run"
)


@click.command("status")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.pass_context
def status(ctx: click.Context, as_json: bool) -> None:
    """Show how each source and the outbox are doing; exit 1 when something is unhealthy."""
    data = report(get_config(ctx), open_engine(get_config(ctx)))
    if as_json:
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
    else:
        click.echo(_text(data))
    ctx.exit(0 if data["healthy"] else 1)


def _text(data: dict[str, Any]) -> str:
    lines = [HEADER]
    for s in data["sources"]:
        if not s["enabled"]:
            lines.append(f"{s['source']:10} disabled")
            continue
        bad = s.get("last_verdict") == "bad" and s["last_result"] == "finished"
        lines.append(
            f"{s['source']:10} {s['state']:8} {s['last_run'] or '-':26} "
            f"{'bad' if bad else s['last_result'] or '-':10} {s['last_success'] or '-':26} "
            f"{s['articles_last_run']:>4} {s['articles_total']:>6} {s['failures_in_row']:>5}  "
            f"{s['next_run'] or '-'}"
        )
        if s["problem"]:
            lines.append(f"{'':10} problem: {s['problem']}")
        if s["last_bad_run"]:  # also once the source is good again: what went wrong last
            lines.append(f"{'':10} last bad run {s['last_bad_run']}: {s['last_bad_reason']}")
        if s["last_node"] not in (None, LOCAL):  # a Scrapyd node's name
            lines.append(f"{'':10} last run on: {s['last_node']}")
        if s["date_conflicts_last_run"]:
            conflicts = s["date_conflicts_last_run"]
            lines.append(f"{'':10} date conflicts (page vs listing, listing kept): {conflicts}")
    box = data["outbox"]
    lines.append(
        f"outbox: {box['pending']} pending, {box['sending']} sending, {box['dead']} dead, "
        f"{box['sent']} sent"
    )
    lines.extend(f"delivery problem: {problem}" for problem in data["delivery"]["problems"])
    if leader := data.get("leader"):
        lines.append(f"leader: {leader['holder']}, term {leader['term']} since {leader['since']}")
    lines.append("healthy" if data["healthy"] else "UNHEALTHY")
    return "\n".join(lines)
