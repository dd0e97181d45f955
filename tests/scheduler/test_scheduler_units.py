"""Scheduler units: no Twisted in the daemon, the single-instance lock, health verdicts."""

from __future__ import annotations

import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from akimwatch.cli import cli
from core.config import Config
from scheduler.health import check_source, verdict
from scheduler.launcher import CrawlLauncher
from scheduler.lock import EXIT_LOCKED, AlreadyRunning, InstanceLock
from scheduler.schedule import next_run
from storage.clock import utcnow
from storage.engine import make_engine
from storage.migrate import current_revision, head_revision
from storage.models import CrawlRun, SourceHealth
from storage.runs import FENCED, FIRST_LOOK, problem

ROOT = Path(__file__).resolve().parents[2]
PROBE = (
    "import sys\n"
    "from pathlib import Path\n"
    "from core.config import Config\n"
    "from storage.migrate import upgrade\n"
    "from akimwatch.commands.daemon import daemon\n"
    "from scheduler.daemon import Daemon\n"
    "from scheduler.jobs import Runtime\n"
    "from storage.engine import make_engine\n"
    "config = Config(data_dir=Path(sys.argv[1]))\n"
    "engine = make_engine(config.database_url)\n"
    "upgrade(engine)\n"
    "Daemon(Runtime.build(config, engine, None)).add_jobs("
    "__import__('storage.clock').clock.utcnow())\n"
    "print(sorted(m for m in sys.modules if m.split('.')[0] in ('twisted', 'scrapy')))\n"
)


def test_the_daemon_never_imports_twisted_or_scrapy(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-c", PROBE, str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert result.stdout.strip() == "[]"


def test_a_second_instance_lock_is_refused(tmp_path: Path, engine: Engine) -> None:
    config = Config(data_dir=tmp_path)
    with (
        InstanceLock(config, engine),
        pytest.raises(AlreadyRunning, match="another akimwatch daemon"),
    ):
        InstanceLock(config, engine).acquire()
    with InstanceLock(config, engine):  # free again once released
        pass


def test_overdue_or_never_run_sources_are_due_now() -> None:
    source = Config().sources["kazinform"]
    now = utcnow()
    assert next_run(source, None, now) == now
    assert next_run(source, now - timedelta(hours=1), now) == now
    assert next_run(source, now - timedelta(minutes=4), now) == now + timedelta(minutes=6)


def _crawl_run(listing_pages: int, entries: int, **stats: int) -> CrawlRun:
    counted = {"akimwatch/listing_entries": entries}
    counted.update({f"akimwatch/{key}": value for key, value in stats.items()})
    return CrawlRun(
        spider="kazinform",
        finished_at=utcnow(),
        finish_reason="finished",
        pages=listing_pages + stats.get("feed_pages", 0),
        listing_pages=listing_pages,
        items=entries,
        incomplete_items=0,
        stats=counted,
    )


def _run(session: Session, listing_pages: int, entries: int, fed: int = 0) -> None:
    feed = {"feed_pages": 1, "feed_entries": fed} if fed else {}
    session.add(_crawl_run(listing_pages, entries, **feed))


@pytest.mark.parametrize(
    ("listing_pages", "entries", "stats", "expected"),
    [
        (2, 0, {"feed_pages": 2, "feed_entries": 7},
         "0 articles from 2 listing pages (the RSS feed took over)"),
        (2, 0, {"feed_pages": 2, "feed_entries": 0}, "0 articles from 4 listing pages"),
        (2, 0, {}, "0 articles from 2 listing pages"),
        (0, 0, {"feed_pages": 1, "feed_entries": 7}, None),  # the listing failed, RSS read
        (2, 9, {}, None),
        (0, 0, {"nothing_to_crawl": 1}, None),  # e.g. languages=kk,en on a ru-only source
    ],
)  # fmt: skip
def test_a_run_is_judged_by_what_its_listing_pages_gave(
    listing_pages: int, entries: int, stats: dict[str, int], expected: str | None
) -> None:
    assert problem(_crawl_run(listing_pages, entries, **stats)) == expected


def test_three_empty_listings_raise_one_alert_then_one_recovery(engine: Engine) -> None:
    config = Config.model_validate(
        {"channels": [{"name": "ops", "kind": "webhook", "url": "http://x/", "admin": True}]}
    )
    raised = []
    with Session(engine) as session:
        for pages, entries, fed in [
            (2, 0, 0),
            (1, 0, 5),
            (1, 0, 0),
            (1, 0, 5),
            (1, 9, 0),
            (1, 9, 0),
        ]:
            _run(session, pages, entries, fed)  # RSS standing in for the listings is no excuse
            session.flush()
            raised.append(check_source(session, config, "kazinform"))
        assert session.get(SourceHealth, "kazinform").state == "ok"  # type: ignore[union-attr]
    assert raised[:2] == [None, None] and raised[3] is None and raised[5] is None
    assert raised[2] == (
        "kazinform: 0 articles from 4 listing pages in the last 3 runs; the layout may have changed"
    )
    assert raised[4] is not None and "working again" in raised[4]


def test_a_bad_streak_longer_than_the_first_look_is_counted_in_full(engine: Engine) -> None:
    with Session(engine) as session:
        _run(session, 1, 9)
        for _ in range(FIRST_LOOK + 5):
            _run(session, 1, 0)
        session.flush()
        found = verdict(session, "kazinform")
        assert found.failures_in_row == FIRST_LOOK + 5 == len(found.streak)
        assert found.last_good is not None and found.last_good.listing_pages == 1
        _run(session, 1, 9)
        session.flush()
        assert verdict(session, "kazinform").failures_in_row == 0


def test_one_lock_per_database_whatever_the_data_dir(tmp_path: Path) -> None:
    """Two configurations with their own data_dir and the same SQLite file exclude each other;
    the lock file sits beside the database."""
    url = f"sqlite:///{tmp_path / 'shared' / 'akimwatch.db'}"
    configs = [Config.model_validate({"data_dir": tmp_path / d, "database": {"url": url}})
               for d in ("daemon", "cron")]  # fmt: skip
    engines = [make_engine(config.database_url) for config in configs]
    try:
        with InstanceLock(configs[0], engines[0]) as held:
            assert held.where() == str(tmp_path / "shared" / "akimwatch.db.lock")
            with pytest.raises(AlreadyRunning):
                InstanceLock(configs[1], engines[1]).acquire()
        other = make_engine(f"sqlite:///{tmp_path / 'other.db'}")
        with InstanceLock(configs[0], engines[0]), InstanceLock(configs[1], other):
            pass  # another database: another lock
        other.dispose()
    finally:
        for engine in engines:
            engine.dispose()


def test_runs_that_never_ended_are_closed_as_lost_once_no_crawl_could_still_run(
    engine: Engine,
) -> None:
    launcher = CrawlLauncher(engine, timeout=600, grace=10)
    now = utcnow()
    with Session(engine) as session, session.begin():
        session.add(CrawlRun(spider="akorda", started_at=now - timedelta(hours=2)))  # died
        session.add(CrawlRun(spider="akorda", started_at=now - timedelta(minutes=5)))  # runs
    assert launcher.close_lost_runs() == 1
    assert launcher.close_lost_runs() == 0
    with Session(engine) as session:
        lost, running = session.scalars(select(CrawlRun).order_by(CrawlRun.started_at)).all()
        assert lost.killed_by == "lost" and lost.finished_at is not None
        assert running.finished_at is None
        assert verdict(session, "akorda").failures_in_row == 1  # a lost run is a bad run


def test_db_upgrade_waits_for_no_one_and_migrates_only_under_the_lock(
    tmp_path: Path, db_url: str
) -> None:
    """``db upgrade`` beside a running daemon or run-once exits 75 and leaves the schema as it
    was; once the lock is free it migrates."""
    path = tmp_path / "akimwatch.toml"
    path.write_text(f'data_dir = "{tmp_path}"\n[database]\nurl = "{db_url}"\n', encoding="utf-8")
    config = Config.model_validate({"data_dir": tmp_path, "database": {"url": db_url}})
    engine = make_engine(db_url)
    try:
        with InstanceLock(config, engine):
            held = CliRunner().invoke(cli, ["--config", str(path), "db", "upgrade"])
            assert held.exit_code == EXIT_LOCKED, held.output
            assert "not migrating: another akimwatch daemon or run-once" in held.stderr
            assert current_revision(engine) is None
        free = CliRunner().invoke(cli, ["--config", str(path), "db", "upgrade"])
        assert free.exit_code == 0, free.output
        assert current_revision(engine) == head_revision()
    finally:
        engine.dispose()


def test_fenced_runs_say_nothing_of_the_source(engine: Engine) -> None:
    with Session(engine) as session:
        _run(session, 1, 9)
        for _ in range(5):  # a stale leader's crawls, refused before their first request
            fenced = _crawl_run(0, 0)
            fenced.finish_reason = FENCED
            session.add(fenced)
        session.flush()
        found = verdict(session, "kazinform")
        assert found.failures_in_row == 0 and found.last_good is not None
