"""``akimwatch notify`` and ``akimwatch outbox`` through click, with the config in ctx.obj."""

from __future__ import annotations

import json

from click.testing import CliRunner
from notify_helpers import add_meetings, make_config, outbox_rows, webhook
from notify_servers import Answer, Receiver
from sqlalchemy import Engine, create_engine

from akimwatch.commands.notify import notify, outbox


def test_notify_sends_due_and_prints_a_summary(
    db_url: str, engine: Engine, receiver: Receiver
) -> None:
    config = make_config(db_url, webhook(receiver))
    add_meetings(engine, config, 2)
    result = CliRunner().invoke(notify, [], obj={"config": config})
    assert result.exit_code == 0, result.output
    assert "sent 2, retrying 0, dead 0" in result.output
    assert len(receiver.received) == 2


def test_notify_test_sends_a_sample(db_url: str, receiver: Receiver) -> None:
    config = make_config(db_url, webhook(receiver))
    result = CliRunner().invoke(notify, ["--test", "crm"], obj={"config": config})
    assert result.exit_code == 0, result.output
    assert receiver.received[0].json["meeting"]["region"] == "Karaganda"
    unknown = CliRunner().invoke(notify, ["--test", "nope"], obj={"config": config})
    assert unknown.exit_code == 1 and "no channel named 'nope'" in unknown.output


def test_outbox_lists_and_retries_dead_entries(
    db_url: str, engine: Engine, receiver: Receiver
) -> None:
    receiver.script = [Answer(status=410)]
    config = make_config(db_url, webhook(receiver))
    add_meetings(engine, config, 1)
    runner = CliRunner()
    runner.invoke(notify, [], obj={"config": config})
    listed = runner.invoke(outbox, ["--json"], obj={"config": config})
    [row] = json.loads(listed.output)
    assert (row["state"], row["attempts"]) == ("dead", 1) and "HTTP 410" in row["last_error"]
    table = runner.invoke(outbox, [], obj={"config": config})
    assert "dead" in table.output and "crm" in table.output
    retried = runner.invoke(outbox, ["retry", str(row["id"])], obj={"config": config})
    assert retried.exit_code == 0, retried.output
    assert outbox_rows(engine)[0].status == "pending"
    assert "sent 1" in runner.invoke(notify, [], obj={"config": config}).output
    empty = runner.invoke(outbox, [], obj={"config": config})
    assert "the outbox is empty" in empty.output


def test_commands_refuse_an_unmigrated_database(tmp_path: object) -> None:
    url = f"sqlite:///{tmp_path}/empty.db"
    create_engine(url).dispose()
    result = CliRunner().invoke(outbox, [], obj={"config": make_config(url)})
    assert result.exit_code == 1 and "akimwatch db upgrade" in result.output
