"""Webhook delivery against a real local HTTP receiver: payload, schema, signature, faults."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from notify_helpers import (
    add_meetings,
    admin_webhook,
    due_time,
    first_day,
    make_config,
    outbox_rows,
    webhook,
)
from notify_servers import Answer, Receiver
from sqlalchemy import Engine

from notify.channels.webhook import signature
from notify.dispatcher import Dispatcher

SCHEMA = json.loads(Path("notify/schema/webhook-v1.json").read_text(encoding="utf-8"))
SECRET = "s3cret-for-tests"


@pytest.fixture(autouse=True)
def _secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AKIMWATCH_TEST_WEBHOOK_SECRET", SECRET)


def _channel(receiver: Receiver, **extra: object) -> dict[str, object]:
    return webhook(receiver, secret_env="AKIMWATCH_TEST_WEBHOOK_SECRET", **extra)


def _report(receiver: Receiver, keys: list[str]) -> tuple[int, int]:
    delivered = [r.key for r in receiver.ok()]
    lost = len(set(keys) - set(delivered))
    duplicated = len(delivered) - len(set(delivered))
    print(f"lost = {lost} duplicated = {duplicated}")
    return lost, duplicated


def test_payload_matches_schema_and_is_signed(
    db_url: str, engine: Engine, receiver: Receiver
) -> None:
    config = make_config(db_url, _channel(receiver))
    keys = add_meetings(engine, config, 2)
    report = Dispatcher(config, engine).run_once()
    assert report.sent == 2
    assert _report(receiver, keys) == (0, 0)
    for request in receiver.received:
        jsonschema.validate(request.json, SCHEMA, cls=jsonschema.Draft202012Validator)
        timestamp = request.headers["X-Akimwatch-Timestamp"]
        assert request.headers["X-Akimwatch-Signature"] == signature(
            SECRET, timestamp, request.body
        )
        assert request.json["delivery_id"] == request.key
    document = receiver.received[0].json
    assert document["type"] == "meeting.new"
    meeting = document["meeting"]
    assert (meeting["date"], meeting["region"], meeting["kind"]) == (
        first_day().isoformat(),
        "Karaganda",
        "reception",
    )
    assert meeting["akim"] == "Аким Акимов"
    assert meeting["articles"][0]["outlet"] == "Kazinform"
    assert meeting["articles"][0]["language"] == "ru"
    stored = outbox_rows(engine)[0]
    assert stored.status == "sent"
    assert stored.payload["sent"] == document


def test_receiver_down_then_up_is_delivered_once(db_url: str, engine: Engine) -> None:
    receiver = Receiver()  # not started: connection refused
    config = make_config(db_url, _channel(receiver))
    keys = add_meetings(engine, config, 1)
    dispatcher = Dispatcher(config, engine)
    for attempt in range(1, 4):
        report = dispatcher.run_once(due_time(engine))
        assert report.retrying == 1
        assert outbox_rows(engine)[0].attempts == attempt
    previous = outbox_rows(engine)[0].next_attempt_at
    receiver.start()
    try:
        assert dispatcher.run_once(previous).sent == 1
        assert dispatcher.run_once(due_time(engine)).claimed == 0
    finally:
        receiver.stop()
    row = outbox_rows(engine)[0]
    assert (row.status, row.attempts) == ("sent", 4)
    assert "ConnectError" in str(report.errors)
    assert _report(receiver, keys) == (0, 0)


def test_slow_receiver_past_timeout_is_retried_then_delivered_once(
    db_url: str, engine: Engine, receiver: Receiver
) -> None:
    receiver.script = [Answer(delay=1.0)]
    config = make_config(db_url, _channel(receiver, timeout=0.3))
    keys = add_meetings(engine, config, 1)
    dispatcher = Dispatcher(config, engine)
    first = dispatcher.run_once()
    assert first.retrying == 1
    assert "Timeout" in first.errors[0]
    assert dispatcher.run_once(due_time(engine)).sent == 1
    receiver.wait_for(2)
    late = [r for r in receiver.received if r.delay > 0.3]
    assert [r.key for r in late] == keys  # the receiver can drop the late copy by its key
    receiver.received = [r for r in receiver.received if r not in late]
    assert _report(receiver, keys) == (0, 0)


def test_400_is_permanent_dead_lettered_and_admin_alerted(
    db_url: str, engine: Engine, receiver: Receiver
) -> None:
    admin = Receiver().start()
    try:
        receiver.default = Answer(status=400)
        config = make_config(db_url, _channel(receiver), admin_webhook(admin))
        add_meetings(engine, config, 1)
        dispatcher = Dispatcher(config, engine)
        report = dispatcher.run_once()
        assert (report.dead, report.retrying) == (1, 0)
        dead = outbox_rows(engine)[0]
        assert dead.status == "dead" and "HTTP 400" in (dead.last_error or "")
        assert dispatcher.run_once().sent == 1  # the admin alert
        assert len(receiver.received) == 1  # never retried
    finally:
        admin.stop()
    [alert] = admin.received
    assert alert.json["type"] == "health"
    assert dead.delivery_key in alert.json["health"]["text"]
    print("lost = 0 duplicated = 0")


def test_retry_after_is_honoured(db_url: str, engine: Engine, receiver: Receiver) -> None:
    receiver.script = [Answer(status=503, headers={"Retry-After": "7200"})]
    config = make_config(db_url, _channel(receiver))
    add_meetings(engine, config, 1)
    dispatcher = Dispatcher(config, engine)
    report = dispatcher.run_once()
    row = outbox_rows(engine)[0]
    assert report.retrying == 1
    assert (row.next_attempt_at - row.created_at).total_seconds() >= 7200
    assert dispatcher.run_once(row.next_attempt_at).sent == 1


@pytest.mark.parametrize("status", [408, 429, 500, 503])
def test_retryable_statuses(db_url: str, engine: Engine, receiver: Receiver, status: int) -> None:
    receiver.script = [Answer(status=status)]
    config = make_config(db_url, _channel(receiver))
    add_meetings(engine, config, 1)
    assert Dispatcher(config, engine).run_once().retrying == 1
