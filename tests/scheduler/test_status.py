"""``akimwatch status``: the table, ``--json`` and the exit code, from rows in a temp database."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from akimwatch.cli import cli
from storage.engine import make_engine
from storage.migrate import upgrade
from storage.models import CrawlRun, Outbox, SourceHealth
from storage.records import ArticleRecord
from storage.repository import ArticleStore

PROBLEM = "kazinform: 3 bad runs in a row; the last one killed (timeout)"


@pytest.fixture
def now(monkeypatch: pytest.MonkeyPatch) -> datetime:
    """The time status reads, fixed when the test starts (the clock it is given)."""
    value = datetime.now(UTC).replace(microsecond=0)
    monkeypatch.setattr("scheduler.status.utcnow", lambda: value)
    return value


@pytest.fixture
def config(tmp_path: Path) -> Path:
    """Kazinform every 10 minutes, the other sources disabled."""
    path = tmp_path / "akimwatch.toml"
    disabled = "".join(f"[sources.{n}]\nenabled = false\n" for n in ("akorda", "govkz", "bestnews"))
    path.write_text(
        f'data_dir = "{tmp_path}"\n[database]\nurl = "sqlite:///{tmp_path / "aw.db"}"\n'
        f"[sources.kazinform]\nevery_minutes = 10\n{disabled}",
        encoding="utf-8",
    )
    return path


@pytest.fixture
def engine(config: Path) -> Iterator[Engine]:
    engine = make_engine(f"sqlite:///{config.parent / 'aw.db'}")
    upgrade(engine)
    yield engine
    engine.dispose()


def add_run(
    session: Session, now: datetime, minutes_ago: float, killed_by: str | None = None, **extra: Any
) -> None:
    """A kazinform run that started ``minutes_ago`` and took a minute (unless ``extra`` says)."""
    started = now - timedelta(minutes=minutes_ago)
    fields: dict[str, Any] = {
        "finished_at": started + timedelta(minutes=1),
        "finish_reason": "killed" if killed_by else "finished",
        "pages": 6,
        "listing_pages": 2,
        "stats": {"akimwatch/listing_entries": 20},
        **extra,
    }
    session.add(CrawlRun(spider="kazinform", started_at=started, killed_by=killed_by, **fields))
    session.flush()


def add_articles(session: Session, now: datetime, count: int) -> None:
    """``count`` kazinform articles, through the repository (which commits)."""
    records = [
        ArticleRecord(f"https://www.inform.kz/ru/news_a{4000000 + n}", "kazinform", "ru",
                      f"Новость {n}", "Текст.", published_at=now)
        for n in range(count)
    ]  # fmt: skip
    ArticleStore(session, lambda *a: []).save(records)


def add_outbox(session: Session, *statuses: str) -> None:
    for n, status in enumerate(statuses):
        session.add(Outbox(delivery_key=f"k{n}", channel="crm", event_type="meeting.new",
                           status=status))  # fmt: skip


def status(config: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--config", str(config), "status", *args])


def kazinform(result: Result) -> dict[str, Any]:
    data = json.loads(result.output)
    entry: dict[str, Any] = next(s for s in data["sources"] if s["source"] == "kazinform")
    return entry


def iso(value: datetime) -> str:
    return value.isoformat(timespec="seconds")


def test_a_healthy_source_shows_every_field_and_exits_zero(
    config: Path, engine: Engine, now: datetime
) -> None:
    with Session(engine) as session:
        add_run(session, now, 60, new_articles=7)
        add_run(session, now, 2, new_articles=3)
        add_outbox(session, "pending", "pending", "sent")
        add_articles(session, now, 4)  # commits
    result = status(config, "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["healthy"] is True
    assert data["outbox"] == {"pending": 2, "dead": 0, "sent": 1, "sending": 0, "skipped": 0}
    last = now - timedelta(minutes=2)
    assert kazinform(result) == {
        "source": "kazinform", "enabled": True, "state": "ok", "last_run": iso(last),
        "last_result": "finished", "last_success": iso(last), "articles_last_run": 3,
        "articles_total": 4, "failures_in_row": 0, "next_run": iso(last + timedelta(minutes=10)),
        "problem": None, "healthy": True,
    }  # fmt: skip
    akorda = next(s for s in data["sources"] if s["source"] == "akorda")
    assert akorda["enabled"] is False and akorda["next_run"] is None and akorda["healthy"]

    table = status(config)
    assert table.exit_code == 0
    lines = table.output.splitlines()
    assert lines[0].split()[:4] == ["source", "state", "last", "run"]
    row = next(line for line in lines if line.startswith("kazinform"))
    assert row.split() == [
        "kazinform", "ok", iso(last), "finished", iso(last), "3", "4", "0",
        iso(last + timedelta(minutes=10)),
    ]  # fmt: skip
    assert "akorda     disabled" in lines
    assert lines[-2:] == ["outbox: 2 pending, 0 sending, 0 dead, 1 sent", "healthy"]


def test_a_failing_source_is_unhealthy_with_its_problem(
    config: Path, engine: Engine, now: datetime
) -> None:
    with Session(engine) as session, session.begin():
        add_run(session, now, 40)
        for minutes in (30, 20, 10):
            add_run(session, now, minutes, killed_by="timeout")
        session.add(SourceHealth(source="kazinform", state="failing", failures_in_row=3,
                                 last_problem=PROBLEM))  # fmt: skip
    result = status(config, "--json")
    assert result.exit_code == 1
    assert json.loads(result.output)["healthy"] is False
    entry = kazinform(result)
    assert entry["state"] == "failing" and entry["healthy"] is False
    assert entry["failures_in_row"] == 3 and entry["last_result"] == "timeout"
    assert entry["last_success"] == iso(now - timedelta(minutes=40))
    assert entry["problem"] == PROBLEM

    table = status(config)
    assert table.exit_code == 1
    assert f"{'':10} problem: {PROBLEM}" in table.output.splitlines()
    assert table.output.splitlines()[-1] == "UNHEALTHY"


def test_failures_below_the_threshold_and_a_running_crawl_stay_healthy(
    config: Path, engine: Engine, now: datetime
) -> None:
    with Session(engine) as session, session.begin():
        add_run(session, now, 9)
        add_run(session, now, 6, pages=0)  # fetched nothing: a failure
        add_run(session, now, 4, listing_pages=3, stats={})  # layout changed: a failure
        add_run(session, now, 0.5, finished_at=None, finish_reason=None)
    result = status(config, "--json")
    assert result.exit_code == 0, result.output
    entry = kazinform(result)
    assert entry["last_result"] == "running" and entry["failures_in_row"] == 2
    assert entry["state"] == "ok" and entry["problem"] is None


def test_a_source_overdue_by_several_intervals_is_unhealthy(
    config: Path, engine: Engine, now: datetime
) -> None:
    with Session(engine) as session, session.begin():
        add_run(session, now, 120)
    result = status(config, "--json")
    assert result.exit_code == 1
    entry = kazinform(result)
    assert entry["state"] == "ok" and entry["healthy"] is False
    assert entry["problem"] == "overdue: is the daemon or cron running?"
    assert entry["next_run"] is not None and entry["next_run"] >= iso(now)


def test_a_source_that_never_ran_is_due_now_and_healthy(
    config: Path, engine: Engine, now: datetime
) -> None:
    result = status(config, "--json")
    assert result.exit_code == 0, result.output
    entry = kazinform(result)
    assert entry["last_run"] is None and entry["last_success"] is None
    assert entry["articles_total"] == 0 and entry["next_run"] >= iso(now)
