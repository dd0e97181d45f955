"""The fault suite's harness: a config aimed at a webhook receiver, crawls through the production
entry point, database snapshots, alert counting, and the printed table of outcomes."""

from __future__ import annotations

import subprocess
import sys
from collections import Counter
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from receivers import WebhookReceiver
from sqlalchemy import select

from notify.config import load
from notify.dispatcher import Dispatcher
from storage.engine import make_engine, session_factory
from storage.migrate import upgrade
from storage.models import Article, CrawlRun, Meeting, Outbox

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "e2e"))

import crawling  # noqa: E402


@dataclass
class Outcome:
    """One row of the printed table."""

    scenario: str
    runs: int
    expected: int
    received: int
    lost: int
    duplicated: int


TABLE: list[Outcome] = []


def write_config(tmp_path: Path, hook_url: str, extra: str = "") -> tuple[Path, str]:
    """A TOML config for tiny, fast crawls with one webhook channel; returns (path, db url)."""
    db_url = f"sqlite:///{tmp_path / 'akimwatch.db'}"
    path = tmp_path / "akimwatch.toml"
    path.write_text(
        f'data_dir = "{tmp_path}"\n[database]\nurl = "{db_url}"\n'
        "[crawl]\ndownload_delay = 0\nautothrottle = false\nretry_times = 1\n"
        "download_timeout = 3\ntimeout_seconds = 60\nmax_listing_pages = 3\n"
        "[notify]\nbackoff_base_seconds = 1\nbackoff_max_seconds = 2\n"
        f'[[channels]]\nname = "hook"\nkind = "webhook"\nurl = "{hook_url}"\ntimeout = 2\n' + extra,
        encoding="utf-8",
    )
    engine = make_engine(db_url)
    upgrade(engine)
    engine.dispose()
    return path, db_url


run_crawl = partial(crawling.run_crawl, timeout=120)
"""One crawl child to its end (whatever its exit code), killed past two minutes."""

ADMIN = '[[channels]]\nname = "ops"\nkind = "webhook"\nurl = "{url}"\nadmin = true\n'
"""An admin channel (health alerts only) for ``write_config``'s ``extra``."""


def run_once(
    config: Path, server: crawling.ReplicaServer, *sources: str
) -> subprocess.CompletedProcess[str]:
    """``akimwatch run-once SOURCES --no-dispatch`` against the replicas (crawl, then health)."""
    main = "import sys; from akimwatch.cli import main; sys.exit(main())"
    command = [sys.executable, "-c", main, "run-once", *sources, "--no-dispatch"]
    return subprocess.run(command, env=crawling.crawl_env(config, server), cwd=ROOT,
                          capture_output=True, text=True, timeout=180, check=False)  # fmt: skip


def admin_alerts(db_url: str) -> list[str]:
    """The texts of the queued admin (health) alerts, oldest first."""
    crawling.route_saved(db_url)
    engine = make_engine(db_url)
    with session_factory(engine)() as session:
        payloads = session.scalars(
            select(Outbox.payload).where(Outbox.event_type == "health").order_by(Outbox.id)
        )
        texts = [str(payload["text"]) for payload in payloads]
    engine.dispose()
    return texts


def runs(db_url: str) -> list[CrawlRun]:
    """Every crawl-run row, oldest first."""
    engine = make_engine(db_url)
    with session_factory(engine)() as session:
        rows = list(session.scalars(select(CrawlRun).order_by(CrawlRun.id)))
        session.expunge_all()
    engine.dispose()
    return rows


def snapshot(db_url: str) -> dict[str, Any]:
    """Articles (by URL: title, body, date, hash), meeting keys and outbox delivery keys."""
    crawling.route_saved(db_url)
    engine = make_engine(db_url)
    with session_factory(engine)() as session:
        articles = {
            a.canonical_url: (a.title, a.lead, a.body, a.published_at, a.content_hash)
            for a in session.scalars(select(Article))
        }
        meetings = sorted(session.scalars(select(Meeting.meeting_key)))
        outbox = sorted(session.scalars(select(Outbox.delivery_key)))
    engine.dispose()
    return {"articles": articles, "meetings": meetings, "outbox": outbox}


def assert_kept(before: dict[str, Any], after: dict[str, Any]) -> None:
    """Nothing stored before is lost or altered."""
    for url, fields in before["articles"].items():
        assert after["articles"].get(url) == fields, url
    assert set(before["meetings"]) <= set(after["meetings"])
    assert set(before["outbox"]) <= set(after["outbox"])


def outbox_per_meeting(db_url: str) -> Counter[tuple[int | None, str]]:
    """Outbox rows of ``meeting.new`` per (meeting, channel)."""
    crawling.route_saved(db_url)
    engine = make_engine(db_url)
    with session_factory(engine)() as session:
        rows = session.execute(
            select(Outbox.meeting_id, Outbox.channel).where(Outbox.event_type == "meeting.new")
        ).all()
    engine.dispose()
    return Counter((meeting, channel) for meeting, channel in rows)


def dispatch(config: Path, db_url: str, rounds: int = 1) -> None:
    """Run the dispatcher in process until nothing is due (``rounds`` times)."""
    engine = make_engine(db_url)
    dispatcher = Dispatcher(load(config), engine)
    for _ in range(rounds):
        dispatcher.run_until_idle()
    engine.dispose()


def expected_keys(db_url: str) -> set[str]:
    """Delivery keys of every ``meeting.new`` outbox row."""
    crawling.route_saved(db_url)
    engine = make_engine(db_url)
    with session_factory(engine)() as session:
        keys = set(
            session.scalars(select(Outbox.delivery_key).where(Outbox.event_type == "meeting.new"))
        )
    engine.dispose()
    return keys


def tally(scenario: str, run_count: int, expected: set[str], receiver: WebhookReceiver) -> Outcome:
    """Compare deliveries with the expected keys, record the row and return it."""
    got = receiver.delivered
    meeting_got = {k: n for k, n in got.items() if k in expected}
    outcome = Outcome(
        scenario,
        run_count,
        len(expected),
        sum(meeting_got.values()),
        len(expected - set(meeting_got)),
        sum(n - 1 for n in meeting_got.values()),
    )
    TABLE.append(outcome)
    return outcome


def table() -> str:
    """The outcome table as text."""
    head = ("scenario", "runs", "alerts expected", "alerts received", "lost", "duplicated")
    rows = [head] + [
        (o.scenario, str(o.runs), str(o.expected), str(o.received), str(o.lost), str(o.duplicated))
        for o in TABLE
    ]
    widths = [max(len(r[i]) for r in rows) for i in range(len(head))]
    lines = [" | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in rows]
    lines.insert(1, "-+-".join("-" * w for w in widths))
    return "\n".join(lines)
