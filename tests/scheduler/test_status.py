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
from sources import names as source_names
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
    others = [name for name in source_names() if name != "kazinform"]
    disabled = "".join(f"[sources.{name}]\nenabled = false\n" for name in others)
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
    ArticleStore(session).save(records)


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
        "date_conflicts_last_run": 0, "articles_total": 4, "failures_in_row": 0,
        "next_run": iso(last + timedelta(minutes=10)), "problem": None, "healthy": True,
        "last_verdict": "good", "last_bad_run": None, "last_bad_reason": None,
        "last_node": "local",
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


def test_bad_runs_below_the_threshold_show_as_bad_and_a_running_crawl_as_running(
    config: Path, engine: Engine, now: datetime
) -> None:
    with Session(engine) as session, session.begin():
        add_run(session, now, 9)
        add_run(session, now, 6, pages=0)  # fetched nothing: a failure
        add_run(session, now, 4, listing_pages=3, stats={})  # layout changed: a failure
        add_run(session, now, 0.5, finished_at=None, finish_reason=None)
    result = status(config, "--json")
    assert result.exit_code == 1, result.output
    entry = kazinform(result)
    assert entry["last_result"] == "running" and entry["last_verdict"] == "running"
    assert entry["failures_in_row"] == 2 and entry["state"] == "bad"
    assert entry["last_success"] == iso(now - timedelta(minutes=9))
    assert entry["problem"] == entry["last_bad_reason"] == "0 articles from 3 listing pages"


# Runs that look busy but got nothing a listing gives: each is bad, whatever its page count.
BAD_RUNS = {
    "no network": ({"pages": 0, "stats": {"akimwatch/unreachable/www.inform.kz": "name does "
                   "not resolve (no network?)"}}, "cannot reach www.inform.kz: name does not "
                   "resolve (no network?)"),
    "every handshake refused": ({"pages": 361, "listing_pages": 0, "errors": 60,
                                 "stats": {"akimwatch/listing_refused": 180}},
                                "every listing request was refused (180 refusals, no listing "
                                "page)"),
    "every request hung": ({"pages": 1, "listing_pages": 0, "errors": 6, "stats": {}},
                           "no listing, feed or API page fetched (6 errors)"),
    "every article page blocked": ({"items": 0, "stats": {"akimwatch/listing_entries": 20,
                                    "akimwatch/not_article_given_up": 4}},
                                   "no article stored: 4 pages were not the article (blocked or "
                                   "cut short)"),
    "every re-check failed": ({"listing_pages": 0, "stats": {"akimwatch/recheck_requests": 5,
                               "akimwatch/recheck_errors": 5}}, "every one of 5 re-checks failed"),
}  # fmt: skip


@pytest.mark.parametrize("fields, reason", BAD_RUNS.values(), ids=BAD_RUNS.keys())
def test_right_after_a_bad_run_status_names_it_bad_and_the_good_one_as_last_success(
    config: Path, engine: Engine, fields: dict[str, Any], reason: str, now: datetime
) -> None:
    with Session(engine) as session, session.begin():
        add_run(session, now, 8)
        add_run(session, now, 1, **fields)
    result = status(config, "--json")
    assert result.exit_code == 1, result.output
    entry = kazinform(result)
    assert entry["last_verdict"] == "bad" and entry["state"] == "bad"
    assert entry["last_success"] == iso(now - timedelta(minutes=8)), entry
    assert entry["last_bad_run"] == iso(now - timedelta(minutes=1))
    assert entry["last_bad_reason"] == entry["problem"] == reason
    row = next(line for line in status(config).output.splitlines() if line.startswith("kazinf"))
    assert row.split()[3] == "bad", row


def test_the_table_names_the_last_bad_run_while_bad_and_after_recovery(
    config: Path, engine: Engine, now: datetime
) -> None:
    reason = "0 articles from 2 listing pages (the RSS feed took over)"
    fed = {"akimwatch/listing_entries": 0, "akimwatch/feed_pages": 1, "akimwatch/feed_entries": 8}
    line = f"{'':10} last bad run {iso(now - timedelta(minutes=5))}: {reason}"
    with Session(engine) as session, session.begin():
        add_run(session, now, 9)
        add_run(session, now, 5, stats=fed)
    while_bad = status(config)
    assert while_bad.exit_code == 1 and line in while_bad.output.splitlines(), while_bad.output
    with Session(engine) as session, session.begin():
        add_run(session, now, 1)
    after = status(config)
    assert after.exit_code == 0, after.output
    assert line in after.output.splitlines() and "problem:" not in after.output
    assert after.output.splitlines()[-1] == "healthy"


def test_a_good_recheck_run_is_not_the_last_success(
    config: Path, engine: Engine, now: datetime
) -> None:
    recheck = {"listing_pages": 0, "stats": {"akimwatch/recheck_requests": 3,
               "akimwatch/recheck_not_modified": 3}}  # fmt: skip
    nothing_due = {"pages": 0, "listing_pages": 0, "stats": {"akimwatch/recheck_requests": 0}}
    with Session(engine) as session, session.begin():
        add_run(session, now, 25)
        add_run(session, now, 3, **nothing_due)
        add_run(session, now, 2, **recheck)
    entry = kazinform(status(config, "--json"))
    assert entry["last_verdict"] == "good" and entry["failures_in_row"] == 0
    assert entry["last_success"] == iso(now - timedelta(minutes=25))


def test_a_running_crawl_is_running_not_overdue(
    config: Path, engine: Engine, now: datetime
) -> None:
    with Session(engine) as session, session.begin():
        add_run(session, now, 120)
        add_run(session, now, 1, finished_at=None, finish_reason=None)
    result = status(config, "--json")
    assert result.exit_code == 0, result.output
    entry = kazinform(result)
    assert entry["last_result"] == "running" and entry["problem"] is None


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


def test_date_conflicts_of_the_last_run_are_shown(
    config: Path, engine: Engine, now: datetime
) -> None:
    with Session(engine) as session:
        add_run(session, now, 60, stats={"akimwatch/date_conflicts": 5})
        add_run(
            session, now, 2, stats={"akimwatch/listing_entries": 20, "akimwatch/date_conflicts": 2}
        )
        session.commit()
    assert kazinform(status(config, "--json"))["date_conflicts_last_run"] == 2
    assert "date conflicts (page vs listing, listing kept): 2" in status(config).output


def test_a_run_without_an_end_past_any_timeout_is_not_running(
    config: Path, engine: Engine, now: datetime
) -> None:
    with Session(engine) as session, session.begin():
        add_run(session, now, 300)
        add_run(session, now, 200, finished_at=None, finish_reason=None)  # its crawl died unseen
    entry = kazinform(status(config, "--json"))
    assert entry["last_verdict"] == entry["last_result"] == "no end recorded"
    assert entry["problem"] == "overdue: is the daemon or cron running?"


def test_the_node_of_the_last_run_is_shown_local_runs_say_local(
    config: Path, engine: Engine, now: datetime
) -> None:
    with Session(engine) as session, session.begin():
        add_run(session, now, 2)
    assert kazinform(status(config, "--json"))["last_node"] == "local"
    assert "last run on" not in status(config).output  # a local run adds no line
    with Session(engine) as session, session.begin():
        add_run(session, now, 1, node="crawl-2")
    assert kazinform(status(config, "--json"))["last_node"] == "crawl-2"
    assert "last run on: crawl-2" in status(config).output
