"""The dispatcher's state machine: claims, stale claims, give-up, digests, Apprise targets."""

from __future__ import annotations

import random
import subprocess
import sys
import threading
from datetime import UTC, datetime, timedelta

from notify_helpers import add_meetings, admin_webhook, make_config, outbox_rows, webhook
from notify_servers import Answer, Receiver
from sqlalchemy import Engine, update

from notify import outbox, workers
from notify.dispatcher import Dispatcher
from notify.health import raise_admin_alert
from notify.plan import next_digest
from storage.engine import make_engine, session_factory
from storage.models import Outbox


def test_parallel_dispatchers_claim_each_entry_once(any_url: str, receiver: Receiver) -> None:
    receiver.default = Answer(delay=0.002)
    config = make_config(any_url, webhook(receiver), batch_size=4)
    engines = [make_engine(any_url) for _ in range(3)]
    keys = add_meetings(engines[0], config, 40)
    workers = [Dispatcher(config, engine) for engine in engines]
    threads = [threading.Thread(target=worker.run_until_idle) for worker in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    delivered = [r.key for r in receiver.ok()]
    lost, duplicated = len(set(keys) - set(delivered)), len(delivered) - len(set(delivered))
    print(f"lost = {lost} duplicated = {duplicated}")
    assert (lost, duplicated) == (0, 0)
    rows = outbox_rows(engines[0])
    assert {row.status for row in rows} == {"sent"}
    assert len({row.claimed_by for row in rows}) > 1  # the work was shared
    for engine in engines:
        engine.dispose()


def test_stale_claim_is_taken_back_and_resent_with_the_same_key(
    db_url: str, engine: Engine, receiver: Receiver
) -> None:
    config = make_config(db_url, webhook(receiver))
    [key] = add_meetings(engine, config, 1)
    crashed_at = datetime.now(UTC)
    with session_factory(engine)() as session, session.begin():
        session.execute(
            update(Outbox).values(status="sending", claimed_by="dead-worker", claimed_at=crashed_at)
        )
    dispatcher = Dispatcher(config, engine)
    assert dispatcher.run_once(crashed_at + timedelta(minutes=1)).claimed == 0  # lease holds
    report = dispatcher.run_once(crashed_at + timedelta(minutes=6))
    assert (report.reclaimed, report.sent) == (1, 1)
    assert [r.key for r in receiver.ok()] == [key]


def test_gives_up_after_give_up_hours(db_url: str, engine: Engine, receiver: Receiver) -> None:
    admin = Receiver().start()
    try:
        receiver.default = Answer(status=503)
        config = make_config(db_url, webhook(receiver), admin_webhook(admin), give_up_hours=1)
        add_meetings(engine, config, 1)
        dispatcher = Dispatcher(config, engine)
        assert dispatcher.run_once().retrying == 1
        late = datetime.now(UTC) + timedelta(hours=2)
        assert dispatcher.run_once(late).dead == 1
        assert dispatcher.run_once(late).sent == 1
    finally:
        admin.stop()
    assert len(admin.received) == 1


def test_backoff_grows_with_jitter_and_is_capped(db_url: str, engine: Engine) -> None:
    config = make_config(db_url, backoff_base_seconds=10, backoff_max_seconds=100)
    rng = random.Random()
    delays = [outbox.backoff(config.notify, n, rng).total_seconds() for n in range(1, 8)]
    assert 5 <= delays[0] <= 10 and 10 <= delays[1] <= 20 and 20 <= delays[2] <= 40
    assert all(50 <= delay <= 100 for delay in delays[4:])
    assert outbox.backoff(config.notify, 1, rng, retry_after=500).total_seconds() == 500


def test_admin_alert_is_idempotent_and_never_reaches_audience_channels(
    db_url: str, engine: Engine, receiver: Receiver
) -> None:
    audience = webhook(receiver, events=["meeting.new", "health"])
    config = make_config(db_url, audience, admin_webhook(receiver))
    with session_factory(engine)() as session, session.begin():
        added = [raise_admin_alert(session, "source:akorda", "down", "x") for _ in "ab"]
    assert added == [True, False]
    with session_factory(engine)() as session, session.begin():
        assert outbox.route_events(session, outbox.router(config), datetime.now(UTC)) == (1, 1)
    assert [row.channel for row in outbox_rows(engine)] == ["ops"]


def test_unconfigured_channel_is_dead_lettered(
    db_url: str, engine: Engine, receiver: Receiver
) -> None:
    config = make_config(db_url, webhook(receiver))
    add_meetings(engine, config, 1)
    config.channels = []
    report = Dispatcher(config, engine).run_once()
    assert report.dead == 1 and "not configured" in report.errors[0]


def test_daily_digest_holds_then_sends_one_message(
    db_url: str, engine: Engine, receiver: Receiver
) -> None:
    config = make_config(db_url, webhook(receiver, digest="daily", digest_hour=8))
    keys = add_meetings(engine, config, 3)
    dispatcher = Dispatcher(config, engine)
    assert dispatcher.run_once().held == 3
    assert receiver.received == []
    slot = next_digest(outbox_rows(engine)[0].created_at, 8)
    assert {row.next_attempt_at for row in outbox_rows(engine)} == {slot}
    assert dispatcher.run_once(slot - timedelta(seconds=1)).claimed == 0
    report = dispatcher.run_once(slot)
    assert report.sent == 3
    [request] = receiver.received
    assert request.json["type"] == "digest" and len(request.json["meetings"]) == 3
    assert request.key.startswith("digest:crm:")
    assert {row.status for row in outbox_rows(engine)} == {"sent"}
    assert len(keys) == 3


def test_next_digest_is_local_almaty_time() -> None:
    created = datetime(2026, 3, 21, 2, 0, tzinfo=UTC)  # 07:00 in Almaty (UTC+5)
    assert next_digest(created, 8) == datetime(2026, 3, 21, 3, 0, tzinfo=UTC)
    assert next_digest(created, 6) == datetime(2026, 3, 22, 1, 0, tzinfo=UTC)


def test_apprise_targets_are_tracked_one_by_one(
    db_url: str, engine: Engine, receiver: Receiver
) -> None:
    down = Receiver()  # never started
    urls = [receiver.url.replace("http://", "json://"), down.url.replace("http://", "json://")]
    config = make_config(db_url, {"name": "chat", "kind": "apprise", "urls": urls})
    add_meetings(engine, config, 1)
    dispatcher = Dispatcher(config, engine)
    first = dispatcher.run_once()
    assert first.retrying == 1
    assert outbox_rows(engine)[0].payload["delivered"] == [0]
    down.start()
    try:
        assert dispatcher.run_once(outbox_rows(engine)[0].next_attempt_at).sent == 1
    finally:
        down.stop()
    assert len(receiver.received) == 1 and len(down.received) == 1  # target 0 not re-sent
    print("lost = 0 duplicated = 0")


def test_claims_of_a_gone_process_come_back_at_once_a_live_ones_wait(
    db_url: str, engine: Engine, receiver: Receiver
) -> None:
    config = make_config(db_url, webhook(receiver))
    [key] = add_meetings(engine, config, 1)
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        claimed_at = datetime.now(UTC)
        with session_factory(engine)() as session, session.begin():
            token = f"{workers.worker_id(child.pid)}/1"
            session.execute(
                update(Outbox).values(status="sending", claimed_by=token, claimed_at=claimed_at)
            )
        dispatcher = Dispatcher(config, engine)
        assert dispatcher.run_once(claimed_at + timedelta(seconds=5)).claimed == 0  # alive
    finally:
        child.kill()
        child.wait()
    report = dispatcher.run_once(claimed_at + timedelta(seconds=10))
    assert (report.reclaimed, report.sent) == (1, 1)
    assert [r.key for r in receiver.ok()] == [key]
