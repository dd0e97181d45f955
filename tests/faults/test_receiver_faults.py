"""Alert receivers that refuse, time out or fail, through the real dispatcher: the meetings of one
real crawl of the replica go to a webhook and an SMTP server while one of them misbehaves, then
after it recovers; every meeting reaches both channels, none twice. ``akimwatch status --json``
is unhealthy (exit 1, naming the channel) during the fault and healthy (exit 0) after it."""

from __future__ import annotations

import json
import shutil
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from click.testing import CliRunner
from harness import TABLE, Outcome, expected_keys, run_crawl, write_config
from receivers import SmtpFaults, WebhookReceiver, smtp_controller
from sqlalchemy import select

from akimwatch.cli import cli
from notify.config import load
from notify.dispatcher import Dispatcher
from replicas import ReplicaServer
from sources.kazinform.replica import KazinformSite
from storage.clock import utcnow
from storage.engine import make_engine, session_factory
from storage.models import Outbox

pytestmark = [pytest.mark.faults, pytest.mark.slow]
MAIL = (
    '[[channels]]\nname = "mail"\nkind = "email"\nsmtp_host = "127.0.0.1"\n'
    'smtp_port = {port}\nsmtp_tls = "none"\nsmtp_timeout = 1\nfrom = "aw@example.org"\n'
    'to = ["desk@example.org"]\n'
)


class Receivers:
    """The live webhook receiver and SMTP server, which the faults break and mend."""

    def __init__(self) -> None:
        self.hook = WebhookReceiver(delay=2.5)
        self.mail = SmtpFaults()
        self.smtp: Controller = smtp_controller(self.mail)
        self.smtp_port = int(self.smtp.port)

    def smtp_down(self) -> None:
        """Stop the SMTP server (connections refused)."""
        self.smtp.stop()

    def smtp_up(self) -> None:
        """Start it again on the same port."""
        self.smtp = smtp_controller(self.mail, self.smtp_port)

    def delivered(self, channel: str) -> Counter[str]:
        """Accepted deliveries of a channel by delivery key."""
        return self.hook.delivered if channel == "hook" else self.mail.accepted

    def close(self) -> None:
        """Stop both servers."""
        self.hook.stop()
        self.smtp.stop()


@dataclass
class ReceiverFault:
    """A misbehaviour of one channel's receiver, and its repair."""

    name: str
    channel: str
    start: Callable[[Receivers], None]
    stop: Callable[[Receivers], None]
    requeue: bool = False  # a permanent failure: the operator re-queues dead entries after it


def _set(target: str, name: str, value: object) -> Callable[[Receivers], None]:
    return lambda r: setattr(getattr(r, target), name, value)


FAULTS = [
    ReceiverFault(
        "webhook answers 500", "hook", _set("hook", "mode", "500"), _set("hook", "mode", "ok")
    ),
    ReceiverFault(
        "webhook times out", "hook", _set("hook", "mode", "slow"), _set("hook", "mode", "ok")
    ),
    ReceiverFault(
        "webhook refuses connections", "hook", lambda r: r.hook.stop(), lambda r: r.hook.restart()
    ),
    ReceiverFault(
        "webhook answers 400 (re-queued after the fix)",
        "hook",
        _set("hook", "mode", "400"),
        _set("hook", "mode", "ok"),
        requeue=True,
    ),
    ReceiverFault(
        "SMTP answers 451", "mail", _set("mail", "refuse", 10**6), _set("mail", "refuse", 0)
    ),
    ReceiverFault("SMTP times out", "mail", _set("mail", "stall", 2.0), _set("mail", "stall", 0.0)),
    ReceiverFault("SMTP refuses connections", "mail", Receivers.smtp_down, Receivers.smtp_up),
]


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database holding one real crawl of the replica, with outbox rows for both channels."""
    folder = tmp_path_factory.mktemp("crawled")
    config, _ = write_config(folder, "http://127.0.0.1:9/hook", MAIL.format(port=9))
    with ReplicaServer([KazinformSite(page_size=4)]) as server:
        result = run_crawl("kazinform", config, server, "languages=ru,kk")
        assert result.returncode == 0, result.stderr[-2000:]
    return folder / "akimwatch.db"


@pytest.fixture
def receivers() -> Iterator[Receivers]:
    live = Receivers()
    yield live
    live.close()


def _dispatch(config: Path, db_url: str, hours: float) -> None:
    """One dispatcher run to idle, ``hours`` ahead (every backoff has expired by then)."""
    engine = make_engine(db_url)
    Dispatcher(load(config), engine).run_until_idle(now=utcnow() + timedelta(hours=hours))
    engine.dispose()


def _requeue_dead(db_url: str) -> int:
    """What ``akimwatch outbox retry ID`` does, for every dead entry."""
    engine = make_engine(db_url)
    with session_factory(engine)() as session, session.begin():
        dead = list(session.scalars(select(Outbox).where(Outbox.status == "dead")))
        for entry in dead:
            entry.status, entry.attempts, entry.next_attempt_at = "pending", 0, utcnow()
    engine.dispose()
    return len(dead)


def _outcome(name: str, expected: set[str], got: Counter[str]) -> Outcome:
    """A table row (3 dispatcher runs). Duplicates are extra deliveries of one meeting under
    other keys; a same-key re-send is recognisable by the receiver, so the name counts it."""
    seen = {k: n for k, n in got.items() if k in expected}
    meetings = Counter(key.rsplit(":", 1)[0] for key in seen)
    resent = sum(n - 1 for n in seen.values())
    return Outcome(
        f"{name} ({resent} same-key re-sends)" if resent else name,
        3,
        len(expected),
        len(seen),
        len(expected - set(seen)),
        sum(n - 1 for n in meetings.values()),
    )


def _status(config: Path) -> tuple[int, dict[str, Any]]:
    """``akimwatch status --json``: its exit code and what it printed."""
    result = CliRunner().invoke(cli, ["--config", str(config), "status", "--json"])
    return result.exit_code, json.loads(result.stdout)


def _assert_unhealthy_naming(config: Path, channel: str) -> None:
    code, data = _status(config)
    assert all(s["healthy"] for s in data["sources"]), data["sources"]  # only delivery fails
    assert code == 1 and data["healthy"] is False, data["delivery"]
    problems = data["delivery"]["problems"]
    assert problems and all(p.startswith(f"channel {channel}: ") for p in problems), problems


@pytest.mark.parametrize("fault", FAULTS, ids=lambda f: f.name)
def test_receiver_fault_then_recovery_delivers_each_meeting_once(
    fault: ReceiverFault, crawled: Path, receivers: Receivers, tmp_path: Path
) -> None:
    mail = MAIL.format(port=receivers.smtp_port)
    config, db_url = write_config(tmp_path, receivers.hook.url, mail)
    shutil.copy(crawled, tmp_path / "akimwatch.db")
    keys = expected_keys(db_url)
    by_channel = {c: {k for k in keys if k.endswith(":" + c)} for c in ("hook", "mail")}
    assert by_channel["hook"] and by_channel["mail"], keys

    fault.start(receivers)
    _dispatch(config, db_url, hours=0)
    _dispatch(config, db_url, hours=1)
    if fault.name != "webhook times out":  # a timed-out POST may still have arrived
        assert not set(receivers.delivered(fault.channel)) & keys, "delivered during the fault"
    _assert_unhealthy_naming(config, fault.channel)
    fault.stop(receivers)
    if fault.requeue:
        assert _requeue_dead(db_url) == len(by_channel[fault.channel])
    _dispatch(config, db_url, hours=2)
    code, data = _status(config)
    assert (code, data["healthy"]) == (0, True), data["delivery"]

    for channel, expected in by_channel.items():
        name = fault.name if channel == fault.channel else f"{fault.name}: other channel"
        outcome = _outcome(name, expected, receivers.delivered(channel))
        TABLE.append(outcome)
        assert (outcome.lost, outcome.duplicated) == (0, 0), outcome
