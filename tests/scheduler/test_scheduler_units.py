"""Scheduler units: no Twisted in the daemon, the single-instance lock, health verdicts."""

from __future__ import annotations

import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from akimwatch.config import Config
from scheduler.health import check_source, verdict
from scheduler.launcher import CrawlLauncher
from scheduler.lock import AlreadyRunning, InstanceLock
from scheduler.schedule import next_run
from storage.clock import utcnow
from storage.engine import make_engine
from storage.models import CrawlRun, SourceHealth
from storage.runs import FIRST_LOOK

ROOT = Path(__file__).resolve().parents[2]
PROBE = (
    "import sys\n"
    "from pathlib import Path\n"
    "from akimwatch.config import Config\n"
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


def _run(session: Session, listing_pages: int, entries: int) -> None:
    session.add(
        CrawlRun(
            spider="kazinform",
            finished_at=utcnow(),
            finish_reason="finished",
            pages=listing_pages,
            listing_pages=listing_pages,
            stats={"akimwatch/listing_entries": entries},
        )
    )


def test_three_empty_listings_raise_one_alert_then_one_recovery(engine: Engine) -> None:
    config = Config.model_validate(
        {"channels": [{"name": "ops", "kind": "webhook", "url": "http://x/", "admin": True}]}
    )
    raised = []
    with Session(engine) as session:
        for pages, entries in [(2, 0), (1, 0), (1, 0), (1, 0), (1, 9), (1, 9)]:
            _run(session, pages, entries)
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
