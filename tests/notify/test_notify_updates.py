"""Updates worth reading and old news kept quiet, counted as emails on a real SMTP server.

A corpus of meetings each reported several times (other outlets and languages, the same outlet
again, re-crawls) is stored by the real store and dispatched with an injected clock.
"""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from notify_helpers import first_day, make_config, outbox_rows, webhook
from notify_servers import Mailbox, Receiver
from sqlalchemy import Engine, update

from core.config import Config
from detect import Meeting
from notify import workers
from notify.dispatcher import Dispatcher
from storage.engine import session_factory
from storage.models import Outbox
from storage.records import ArticleRecord
from storage.repository import ArticleStore

SCHEMA = json.loads(
    (Path(__file__).parents[2] / "notify" / "schema" / "webhook-v1.json").read_text("utf-8")
)
REGIONS = ("Pavlodar", "Kostanay", "Aktobe", "Atyrau")
# (source, language, path): the reports of one meeting, in the order they are crawled.
REPORTS = [
    ("kazinform", "ru", "ru/glava-gosudarstva-prinyal"),
    ("kazinform", "kk", "kz/memleket-basshysy-qabyldady"),
    ("akorda", "ru", "ru/press/vstrecha"),
    ("kazinform", "ru", "ru/podrobnosti-vstrechi"),  # same outlet and language again
]


def _config(any_url: str, port: int, **notify: Any) -> Config:
    channel = {
        "name": "desk",
        "kind": "email",
        "smtp_host": "127.0.0.1",
        "smtp_port": port,
        "smtp_tls": "none",
        "to": ["desk@example.org"],
        "events": ["meeting.new", "meeting.updated"],
    }
    return make_config(any_url, channel, **notify)


def _record(
    region: str,
    report: tuple[str, str, str],
    day: date,
    published: datetime,
    number: int = 0,
) -> ArticleRecord:
    source, language, path = report
    host = "www.inform.kz" if source == "kazinform" else "www.akorda.kz"
    return ArticleRecord(
        url=f"https://{host}/{path}-{region.lower()}-{number}",
        source=source,
        language=language,
        title=f"Отчёт {number} о встрече ({region}, {source}, {language})",
        body=f"Текст отчёта {number}.",
        published_at=published,
        meetings=[
            Meeting("reception", day, region, akim="Аким Акимов", evidence=f"Основание {number}.")
        ],
    )


def _store(engine: Engine, config: Config, records: list[ArticleRecord]) -> None:
    with session_factory(engine)() as session:
        store = ArticleStore(session, notify_max_age=timedelta(hours=48))
        for record in records:  # one batch per article, as a crawl with small batches does
            store.save([record])


def test_one_run_over_many_reports_sends_each_meeting_once(
    any_url: str, any_engine: Engine, mailbox: tuple[Mailbox, int]
) -> None:
    box, port = mailbox
    config = _config(any_url, port)
    now = datetime.now(UTC)
    records = [
        _record(region, report, first_day(), now - timedelta(hours=1), n)
        for n, report in enumerate(REPORTS)
        for region in REGIONS
    ]
    _store(any_engine, config, records + records[:4])  # and a re-crawl of the first reports
    report = Dispatcher(config, any_engine).run_until_idle(now=datetime.now(UTC))
    subjects = [str(m["Subject"]) for m in box.messages]
    print(f"{len(records)} reports of {len(REGIONS)} meetings -> {len(subjects)} emails")
    assert len(subjects) == len(REGIONS)
    assert not [s for s in subjects if s.startswith("Обновление")]
    assert report.sent == len(REGIONS) and report.skipped == 2 * len(REGIONS)
    for message in box.messages:  # the one alert lists every report linked by then
        plain = message.get_body(("plain",))
        assert plain is not None and plain.get_content().count("https://") == len(REPORTS)


def test_later_reports_make_one_update_per_window_with_all_of_them(
    any_url: str, any_engine: Engine, mailbox: tuple[Mailbox, int]
) -> None:
    box, port = mailbox
    config = _config(any_url, port, update_window_minutes=30)
    dispatcher = Dispatcher(config, any_engine)
    published = datetime.now(UTC) - timedelta(hours=1)
    _store(any_engine, config, [_record(r, REPORTS[0], first_day(), published) for r in REGIONS])
    start = datetime.now(UTC)
    dispatcher.run_until_idle(now=start)
    assert len(box.messages) == len(REGIONS)
    later = [("kazinform", "kk", "kz/later"), ("akorda", "ru", "ru/later"), REPORTS[3]]
    for minutes, extra in zip((5, 10, 12), later, strict=True):
        _store(any_engine, config, [_record(r, extra, first_day(), published, 9) for r in REGIONS])
        held = dispatcher.run_until_idle(now=start + timedelta(minutes=minutes))
        assert len(box.messages) == len(REGIONS), "an update inside the window was sent"
        assert held.sent == 0
    dispatcher.run_until_idle(now=start + timedelta(minutes=31))
    updates = box.messages[len(REGIONS) :]
    print(f"updates after the window: {len(updates)} for {len(REGIONS)} meetings")
    assert len(updates) == len(REGIONS)
    for message in updates:
        assert str(message["Subject"]).startswith("Обновление (+2): ")
        plain = message.get_body(("plain",))
        assert plain is not None
        added = plain.get_content().split("Новые сообщения:")[1].split("Источники:")[0]
        assert added.count("https://") == 2 and "Основание 9." in added
    _store(any_engine, config, [_record(r, later[0], first_day(), published, 9) for r in REGIONS])
    assert dispatcher.run_until_idle(now=start + timedelta(hours=2)).claimed == 0  # a re-crawl
    assert len(box.messages) == 2 * len(REGIONS)


def _gone_claimer() -> str:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    token = workers.worker_id(child.pid)
    child.wait()
    return f"{token}/1"


def test_a_coalesced_update_resent_after_a_crash_keeps_its_message_id(
    any_url: str, any_engine: Engine, mailbox: tuple[Mailbox, int]
) -> None:
    box, port = mailbox
    config = _config(any_url, port, update_window_minutes=0)
    published = datetime.now(UTC) - timedelta(hours=1)
    dispatcher = Dispatcher(config, any_engine)
    _store(any_engine, config, [_record("Pavlodar", REPORTS[0], first_day(), published)])
    start = datetime.now(UTC)
    dispatcher.run_until_idle(now=start)
    reports = [_record("Pavlodar", r, first_day(), published, 1) for r in REPORTS[1:3]]
    _store(any_engine, config, reports)
    dispatcher.run_until_idle(now=start + timedelta(minutes=1))
    with session_factory(any_engine)() as session, session.begin():  # as if it died before the mark
        session.execute(
            update(Outbox)
            .where(Outbox.event_type == "meeting.updated")
            .values(status="sending", claimed_by=_gone_claimer(), claimed_at=start, payload={})
        )
    report = Dispatcher(config, any_engine).run_until_idle(now=start + timedelta(minutes=2))
    assert report.reclaimed == 2  # at once: the lease (5 minutes) has not run out
    [new, update_, again] = box.messages
    assert str(update_["Subject"]).startswith("Обновление (+2): ")
    assert again["Message-ID"] == update_["Message-ID"] != new["Message-ID"]
    unique = box.unique()
    print(f"raw emails = {len(box.messages)}, after de-duplication on Message-ID = {len(unique)}")
    assert len(unique) == 2


@pytest.mark.parametrize(
    ("day", "published"),
    [
        (date(2019, 6, 4), datetime(2019, 6, 4, 9, 0, tzinfo=UTC)),  # a fresh database's first run
        (date(2019, 6, 4), None),  # a fresh article about an old meeting, time unknown
        (first_day() - timedelta(days=10), datetime.now(UTC) - timedelta(days=10)),  # a backfill
    ],
)
def test_old_meetings_send_nothing_new_or_updated(
    any_url: str,
    any_engine: Engine,
    mailbox: tuple[Mailbox, int],
    day: date,
    published: datetime | None,
) -> None:
    box, port = mailbox
    config = _config(any_url, port, update_window_minutes=0)
    records = [_record(r, rep, day, published, n) for n, rep in enumerate(REPORTS) for r in REGIONS]
    _store(any_engine, config, records)
    Dispatcher(config, any_engine).run_until_idle(now=datetime.now(UTC))
    assert outbox_rows(any_engine) == [] and box.messages == []


def test_webhook_update_lists_added_reports_and_matches_the_schema(
    any_url: str, any_engine: Engine, receiver: Receiver
) -> None:
    config = make_config(any_url, webhook(receiver, events=["meeting.new", "meeting.updated"]))
    published = datetime.now(UTC) - timedelta(hours=1)
    dispatcher = Dispatcher(config, any_engine)
    _store(any_engine, config, [_record("Pavlodar", REPORTS[0], first_day(), published)])
    start = datetime.now(UTC)
    dispatcher.run_until_idle(now=start)
    _store(any_engine, config, [_record("Pavlodar", REPORTS[2], first_day(), published, 1)])
    dispatcher.run_until_idle(now=start + timedelta(minutes=31))
    new, update_ = (request.json for request in receiver.ok())
    for document in (new, update_):
        jsonschema.validate(document, SCHEMA, cls=jsonschema.Draft202012Validator)
    assert "added" not in new and new["meeting"]["articles"][0]["evidence"] == "Основание 0."
    assert update_["type"] == "meeting.updated"
    assert [a["evidence"] for a in update_["added"]] == ["Основание 1."]
    assert len(update_["meeting"]["articles"]) == 2
