"""The crawl service: the child's environment and timeouts, the choice of sources, each run's
verdict, health after a crawl, one crawl of a source at a time, and one real child crawl."""

from __future__ import annotations

import io
import threading
from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from core.config import Config, load
from replicas import ReplicaServer
from scheduler.launcher import CrawlOutcome, LauncherClosed
from scheduler.service import CrawlService, judge
from scheduler.terminal import Terminal
from sources.kazinform.replica import KazinformSite
from storage.clock import utcnow
from storage.engine import make_engine
from storage.migrate import upgrade
from storage.models import CrawlRun, SourceHealth
from storage.runs import UNREACHABLE


def _run(engine: Engine, source: str, *, good: bool = True, **stats: object) -> CrawlRun:
    """A finished run of ``source`` in the database: good (listing entries found) or bad."""
    entries = 3 if good else 0
    run = CrawlRun(
        spider=source,
        started_at=utcnow(),
        finished_at=utcnow(),
        finish_reason="finished",
        pages=2,
        listing_pages=1,
        items=entries,
        incomplete_items=0,
        stats={"akimwatch/listing_entries": entries, **stats},
    )
    with Session(engine, expire_on_commit=False) as session, session.begin():
        session.add(run)
    return run


class FakeLauncher:
    """Stands in for the crawl launcher: each run records a run row as a child would."""

    def __init__(self, engine: Engine, good: bool = True, **stats: object) -> None:
        self.engine, self.good, self.stats = engine, good, stats
        self.calls: list[tuple[str, Mapping[str, str] | None]] = []
        self.parallel: int | None = None
        self.lost_closed = 0
        self.hold: threading.Event | None = None  # set: the run may end
        self.started = threading.Event()
        self.closed = False

    def run(self, source: str, args: Mapping[str, str] | None = None) -> CrawlOutcome:
        if self.closed:
            raise LauncherClosed(source)
        self.calls.append((source, args))
        self.started.set()
        if self.hold is not None:
            assert self.hold.wait(timeout=30)
        run = _run(self.engine, source, good=self.good, **self.stats)
        return CrawlOutcome(source, 0, 1.5, None, run)

    def run_all(
        self, sources: Sequence[str], args: Mapping[str, str] | None = None, parallel: int = 2
    ) -> list[CrawlOutcome]:
        self.parallel = parallel
        return [self.run(source, args) for source in sources]

    def close_lost_runs(self) -> int:
        self.lost_closed += 1
        return 0

    def close(self) -> None:
        self.closed = True


def test_the_child_reads_our_config_file_within_the_configured_timeouts(engine: Engine) -> None:
    config = Config.model_validate({"crawl": {"timeout_seconds": 77},
                                    "daemon": {"kill_grace_seconds": 3}})  # fmt: skip
    service = CrawlService(config, engine, config_path="/etc/akimwatch.toml")
    assert service.launcher.env["AKIMWATCH_CONFIG"] == "/etc/akimwatch.toml"
    assert service.launcher.env["SCRAPY_SETTINGS_MODULE"] == "crawler.settings"
    assert (service.launcher.timeout, service.launcher.grace) == (77, 3)
    demo = CrawlService(config, engine, timeout=120, grace=5)
    assert (demo.launcher.timeout, demo.launcher.grace) == (120, 5)


@pytest.mark.parametrize(
    ("outcome", "reason"),
    [
        (CrawlOutcome("akorda", -9, 1.0, "timeout"), "killed: timeout"),
        (CrawlOutcome("akorda", 1, 1.0), "no run recorded, exit 1"),
        (CrawlOutcome("akorda", 0, 1.0, run=CrawlRun(finish_reason="finished", pages=0)),
         "fetched no page"),
        (CrawlOutcome("akorda", 1, 1.0, run=CrawlRun(finish_reason="shutdown")),
         "ended with shutdown"),
    ],
)  # fmt: skip
def test_a_failed_crawl_says_why(outcome: CrawlOutcome, reason: str) -> None:
    judged = judge(outcome)
    assert not judged.ok and judged.reason == reason
    assert (judged.source, judged.seconds, judged.run) == ("akorda", 1.0, outcome.run)


def test_a_good_run_is_ok_only_when_the_child_exited_zero(engine: Engine) -> None:
    run = _run(engine, "akorda")
    assert judge(CrawlOutcome("akorda", 0, 2.0, run=run)).ok
    assert judge(CrawlOutcome("akorda", 1, 2.0, run=run)).reason == "exit 1"


def test_sources_are_the_named_else_the_due_else_every_enabled_one(engine: Engine) -> None:
    config = Config.model_validate({"sources": {"bestnews": {"enabled": False}}})
    service = CrawlService(config, engine)
    enabled = config.enabled_sources()
    assert "bestnews" not in enabled and len(enabled) >= 2
    assert service.choose(["bestnews"], due=True) == ["bestnews"]
    assert service.choose() == enabled
    assert service.choose(due=True) == enabled  # never crawled: due now
    _run(engine, enabled[0])  # a good run just now: not due again before its interval
    assert service.choose(due=True) == enabled[1:]


def test_a_batch_closes_lost_runs_crawls_in_order_and_checks_each_health(engine: Engine) -> None:
    out = io.StringIO()
    service = CrawlService(Config(), engine, parallel=1, terminal=Terminal(out))
    service.launcher = FakeLauncher(engine, good=False)  # type: ignore[assignment]
    service.terminal.open = True  # type: ignore[union-attr]  # a child's line left drawn
    result = service.crawl_all(["akorda", "kazinform"], since=date(2026, 3, 1))
    fake = service.launcher
    assert fake.lost_closed == 1 and fake.parallel == 1  # type: ignore[attr-defined]
    assert fake.calls == [("akorda", {"since": "2026-03-01"}),  # type: ignore[attr-defined]
                          ("kazinform", {"since": "2026-03-01"})]  # fmt: skip
    assert [r.source for r in result.sources] == ["akorda", "kazinform"]
    assert not result.ok and not result.offline
    assert out.getvalue() == "\n"  # the drawn line ended before the caller's summary
    with Session(engine) as session:
        health = {h.source: h.failures_in_row for h in session.scalars(select(SourceHealth))}
    assert health == {"akorda": 1, "kazinform": 1}


def test_a_batch_whose_every_host_is_unreachable_is_offline(engine: Engine) -> None:
    service = CrawlService(Config(), engine, health=False)
    service.launcher = FakeLauncher(  # type: ignore[assignment]
        engine, **{f"{UNREACHABLE}www.inform.kz": "connection refused"}
    )
    result = service.crawl_all(["kazinform", "akorda"])
    assert result.offline and not result.ok
    assert result.sources[0].reason == "cannot reach www.inform.kz: connection refused"
    with Session(engine) as session:
        assert session.scalars(select(SourceHealth)).first() is None  # health=False: untouched
    assert service.crawl_all([]).offline is False


def test_one_crawl_of_a_source_at_a_time_and_none_once_closed(engine: Engine) -> None:
    service = CrawlService(Config(), engine)
    fake = FakeLauncher(engine)
    fake.hold = threading.Event()
    service.launcher = fake  # type: ignore[assignment]
    results: list[object] = []
    first = threading.Thread(target=lambda: results.append(service.crawl("akorda")))
    first.start()
    assert fake.started.wait(timeout=30)
    assert service.crawl("akorda") is None  # still running: skipped
    fake.hold.set()
    first.join(timeout=30)
    assert len(results) == 1 and results[0] is not None and results[0].ok  # type: ignore[attr-defined]
    assert service.crawl("akorda", recheck=True) is not None
    assert fake.calls == [("akorda", {}), ("akorda", {"recheck": "1"})]
    service.close()
    assert service.crawl("akorda") is None
    with Session(engine) as session:
        health = session.get(SourceHealth, "akorda")
        assert health is not None and health.failures_in_row == 0


def test_lost_runs_are_closed_through_the_service(engine: Engine) -> None:
    service = CrawlService(Config(), engine, timeout=60, grace=1)
    with Session(engine) as session, session.begin():
        session.add(CrawlRun(spider="akorda", started_at=utcnow() - timedelta(hours=1)))
    assert service.close_lost_runs() == 1


@pytest.mark.slow
def test_a_real_child_crawl_of_a_replica_is_ok(tmp_path: Path) -> None:
    """One ``scrapy crawl`` child, aimed at a small replica by the config file it is given."""
    db = tmp_path / "akimwatch.db"
    with ReplicaServer([KazinformSite(page_size=2)]) as server:
        hosts = ", ".join(f'"{host}" = "{url}"' for host, url in server.overrides().items())
        path = tmp_path / "akimwatch.toml"
        path.write_text(
            f'data_dir = "{tmp_path}"\n[database]\nurl = "sqlite:///{db}"\n'
            f"[crawl]\ndownload_delay = 0\nautothrottle = false\nhost_overrides = {{{hosts}}}\n"
            '[sources.kazinform]\nlanguages = ["ru"]\n',
            encoding="utf-8",
        )
        config = load(path)
        engine = make_engine(config.database_url)
        upgrade(engine)
        result = CrawlService(config, engine, config_path=str(path), timeout=120).crawl_all(
            ["kazinform"]
        )
        engine.dispose()
    crawled = result.sources[0]
    assert result.ok, crawled.reason
    assert crawled.run is not None and crawled.run.new_articles > 0
