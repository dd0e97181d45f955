"""``akimwatch status`` covers delivery: failing channels, claims stuck past the lease and dead
alerts make it unhealthy (exit 1) with the reason; it is healthy again after recovery."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from click.testing import CliRunner, Result
from notify_helpers import add_meetings, due_time, make_config, outbox_rows, webhook
from notify_servers import Answer, Receiver
from sqlalchemy import Engine, update

from akimwatch.cli import cli
from core.config import Config
from notify import workers
from notify.dispatcher import LEASE, Dispatcher
from scheduler.status import report
from storage.engine import session_factory
from storage.models import Outbox


def _setup(tmp_path: Path, any_url: str, receiver: Receiver) -> tuple[Path, Config]:
    path = tmp_path / "akimwatch.toml"
    path.write_text(
        f'data_dir = "{tmp_path}"\n[database]\nurl = "{any_url}"\n'
        f'[[channels]]\nname = "crm"\nkind = "webhook"\nurl = "{receiver.url}"\ntimeout = 2\n',
        encoding="utf-8",
    )
    return path, make_config(any_url, webhook(receiver))


def _status(path: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--config", str(path), "status", *args])


def _delivery(config: Config, engine: Engine, now: datetime) -> dict[str, Any]:
    data = report(config, engine, now)
    assert data["healthy"] is data["delivery"]["healthy"]  # no source has run: only delivery
    delivery: dict[str, Any] = data["delivery"]
    return delivery


def test_a_failing_channel_is_unhealthy_until_it_delivers(
    tmp_path: Path, any_url: str, any_engine: Engine, receiver: Receiver
) -> None:
    path, config = _setup(tmp_path, any_url, receiver)
    add_meetings(any_engine, config, 2)
    receiver.default = Answer(status=503)
    dispatcher = Dispatcher(config, any_engine)
    now = datetime.now(UTC)
    assert dispatcher.run_once(now).retrying == 2
    delivery = _delivery(config, any_engine, now)
    assert not delivery["healthy"]
    [problem] = delivery["problems"]
    assert problem.startswith("channel crm: 2 alert(s) failing: POST") and "503" in problem
    result = _status(path)
    assert result.exit_code == 1
    assert f"delivery problem: {problem}" in result.output.splitlines()
    assert result.output.splitlines()[-1] == "UNHEALTHY"
    receiver.default = Answer()
    later = due_time(any_engine) + timedelta(minutes=5)
    assert dispatcher.run_until_idle(later).sent == 2
    assert _delivery(config, any_engine, later) == {
        "healthy": True,
        "problems": [],
        "channels": [
            {"channel": "crm", "pending": 0, "failing": 0, "stuck": 0, "dead": 0,
             "last_error": None, "problems": [], "healthy": True}
        ],
    }  # fmt: skip
    assert _status(path).exit_code == 0


def test_claims_stuck_past_the_lease_are_unhealthy_until_taken_back(
    tmp_path: Path, any_url: str, any_engine: Engine, receiver: Receiver
) -> None:
    path, config = _setup(tmp_path, any_url, receiver)
    add_meetings(any_engine, config, 3)
    claimed = datetime.now(UTC) - LEASE - timedelta(minutes=1)
    with session_factory(any_engine)() as session, session.begin():
        session.execute(update(Outbox).values(status="sending", claimed_by="x", claimed_at=claimed))
    within = claimed + LEASE - timedelta(seconds=1)
    assert _delivery(config, any_engine, within)["healthy"]  # a live claim is not a problem
    result = _status(path, "--json")
    assert result.exit_code == 1
    data = json.loads(result.output)
    assert data["outbox"]["sending"] == 3
    assert data["delivery"]["problems"] == [
        "channel crm: 3 alert(s) stuck in sending: their dispatcher died "
        "(the next dispatcher run takes them back)"
    ]
    assert "outbox: 0 pending, 3 sending, 0 dead, 0 sent" in _status(path).output
    assert Dispatcher(config, any_engine).run_once().reclaimed == 3
    assert _status(path).exit_code == 0


def test_claims_of_a_gone_local_process_are_stuck_at_once(
    tmp_path: Path, any_url: str, any_engine: Engine, receiver: Receiver
) -> None:
    path, config = _setup(tmp_path, any_url, receiver)
    add_meetings(any_engine, config, 2)
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    token = f"{workers.worker_id(child.pid)}/1"
    child.wait()
    now = datetime.now(UTC)
    with session_factory(any_engine)() as session, session.begin():
        session.execute(update(Outbox).values(status="sending", claimed_by=token, claimed_at=now))
    delivery = _delivery(config, any_engine, now + timedelta(seconds=1))
    assert [c["stuck"] for c in delivery["channels"]] == [2]
    assert _status(path).exit_code == 1
    assert Dispatcher(config, any_engine).run_once().sent == 2
    assert _status(path).exit_code == 0


def test_a_dead_alert_is_unhealthy_until_retried_and_sent(
    tmp_path: Path, any_url: str, any_engine: Engine, receiver: Receiver
) -> None:
    path, config = _setup(tmp_path, any_url, receiver)
    add_meetings(any_engine, config, 1)
    receiver.default = Answer(status=410)  # the receiver refuses for good
    assert Dispatcher(config, any_engine).run_once().dead == 1
    result = _status(path, "--json")
    assert result.exit_code == 1
    problems = json.loads(result.output)["delivery"]["problems"]
    assert len(problems) == 1 and problems[0].startswith("channel crm: 1 dead alert(s)")
    receiver.default = Answer()
    [row] = outbox_rows(any_engine)
    retried = CliRunner().invoke(cli, ["--config", str(path), "outbox", "retry", str(row.id)])
    assert retried.exit_code == 0, retried.output
    assert Dispatcher(config, any_engine).run_once().sent == 1
    assert _status(path).exit_code == 0
