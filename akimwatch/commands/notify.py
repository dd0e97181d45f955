"""``akimwatch notify`` (send what is due, or a sample); ``akimwatch outbox`` (inspect, retry)."""

from __future__ import annotations

import json
from typing import Any

import click
from sqlalchemy import select

from akimwatch.context import get_config, open_engine
from core.config import Config, ConfigError
from notify.channels import DeliveryError, make_channel
from notify.dispatcher import Dispatcher
from notify.document import sample
from notify.outbox import NotRequeueable, requeue
from storage.clock import utcnow
from storage.engine import session_factory
from storage.models import Outbox


@click.command("notify")
@click.option("--test", "test_channel", metavar="CHANNEL", help="Send a sample through CHANNEL.")
@click.pass_context
def notify(ctx: click.Context, test_channel: str | None) -> None:
    """Send the notifications that are due, then exit with a summary."""
    config = get_config(ctx)
    if test_channel:
        _send_sample(config, test_channel)
        return
    report = Dispatcher(config, open_engine(config)).run_until_idle()
    click.echo(report.summary())
    for error in report.errors:
        click.echo(f"  {error}", err=True)


def _send_sample(config: Config, name: str) -> None:
    try:
        channel = make_channel(config.channel(name))
    except ConfigError as exc:  # a wrong name on the command line, not a wrong configuration
        raise click.ClickException(str(exc)) from None
    key = f"test:{name}:{utcnow().strftime('%Y%m%dT%H%M%S')}"
    document = sample(key)
    try:
        targets = channel.targets()
        if not targets:
            raise DeliveryError("the channel has no targets configured")
        for index in range(len(targets)):
            channel.send(document, channel.target_key(key, index), index)
            click.echo(f"sent a sample to {name}, target {index + 1} of {len(targets)}")
    except DeliveryError as exc:
        raise click.ClickException(f"channel {name}: {exc}") from None
    finally:
        channel.close()


def _row(entry: Outbox) -> dict[str, Any]:
    state = "failed" if entry.status == "pending" and entry.attempts else entry.status
    return {
        "id": entry.id,
        "state": state,
        "channel": entry.channel,
        "event": entry.event_type,
        "delivery_key": entry.delivery_key,
        "attempts": entry.attempts,
        "next_attempt_at": entry.next_attempt_at.isoformat(),
        "created_at": entry.created_at.isoformat(),
        "last_error": entry.last_error,
    }


@click.group("outbox", invoke_without_command=True)
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@click.pass_context
def outbox(ctx: click.Context, as_json: bool) -> None:
    """List pending, failed (pending after a failure), in-flight and dead notifications."""
    if ctx.invoked_subcommand is not None:
        return
    config = get_config(ctx)
    with session_factory(open_engine(config))() as session:
        entries = session.scalars(
            select(Outbox).where(Outbox.status.notin_(("sent", "skipped"))).order_by(Outbox.id)
        ).all()
        rows = [_row(entry) for entry in entries]
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    if not rows:
        click.echo("the outbox is empty: nothing pending, failed or dead")
        return
    click.echo(f"{'ID':>6}  {'STATE':<8} {'CHANNEL':<14} {'EVENT':<16} {'TRIES':>5}  NEXT / ERROR")
    for row in rows:
        detail = row["last_error"] or row["next_attempt_at"]
        click.echo(
            f"{row['id']:>6}  {row['state']:<8} {row['channel']:<14} {row['event']:<16} "
            f"{row['attempts']:>5}  {detail[:80]}"
        )


@outbox.command("retry")
@click.argument("entry_id", type=int)
@click.pass_context
def retry(ctx: click.Context, entry_id: int) -> None:
    """Re-queue dead entry ENTRY_ID (a pending one is made due now)."""
    config = get_config(ctx)
    with session_factory(open_engine(config))() as session, session.begin():
        try:
            entry = requeue(session, entry_id, utcnow())
        except NotRequeueable as exc:
            raise click.ClickException(str(exc)) from None
    click.echo(f"entry {entry_id} ({entry.delivery_key}) re-queued; run `akimwatch notify`")
