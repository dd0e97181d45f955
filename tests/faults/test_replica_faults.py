"""Full crawls of the replicas through each fault: the run completes, the fault shows in the
crawl-run row (and, when the run counts as bad, in ``akimwatch status``), nothing stored earlier
changes, and after recovery every meeting is alerted once.

The healthy seed (a crawl of the English feed, dispatched) is the same for every scenario, so it
runs once; each scenario starts from a copy of its database and of what its receiver got.
"""

from __future__ import annotations

import json
import shutil
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from harness import (
    ADMIN,
    admin_alerts,
    assert_kept,
    dispatch,
    expected_keys,
    outbox_per_meeting,
    run_crawl,
    run_once,
    runs,
    snapshot,
    tally,
    write_config,
)
from receivers import WebhookReceiver
from sqlalchemy import select

from akimwatch.cli import cli
from replicas import ReplicaServer
from replicas.server import Fault, Reply, Request, Site
from scheduler.health import problem
from sources.akorda.replica import AkordaSite
from sources.kazinform.replica import KazinformSite
from storage.clock import utcnow
from storage.engine import make_engine, session_factory
from storage.models import Article, CrawlRun
from storage.urls import canonical_url
from testkit import faults as F

pytestmark = [pytest.mark.faults, pytest.mark.slow]
RU = "www.inform.kz"
ARTICLES = F.matcher(RU, F.is_article)
LISTINGS = F.matcher(RU, F.is_listing)
HTML_LISTINGS = F.matcher(what=lambda q: "lenta" in q.path)  # every feed page, not the RSS
THRESHOLD = "[daemon]\nfailures_before_alert = 1\n"  # one bad run shows as failing
Check = Callable[[CrawlRun], bool]
FEED_TOOK_OVER = "0 articles from 2 listing pages (the RSS feed took over)"


@dataclass
class Scenario:
    """A fault on the Russian feed and how its crawl-run row must show it."""

    name: str
    make: Callable[[KazinformSite, threading.Event], Fault]
    shows: Check
    kept_out: bool = False  # what the fault served is never stored as an article
    stderr: str | None = None  # the reason the crawl must give on stderr for its bad run


def _stat(run: CrawlRun, prefix: str) -> int:
    return sum(int(v) for k, v in run.stats.items() if k.startswith(prefix) and str(v).isdigit())


SCENARIOS = [
    Scenario(
        "503 for the first 3 requests",
        lambda s, e: F.server_errors(first=3, match=ARTICLES),
        lambda r: _stat(r, "retry/count") >= 1,
    ),
    Scenario(
        "500 for 2 seconds",
        lambda s, e: F.server_errors(seconds=2, status=500, match=ARTICLES),
        # The retry backoff may outlast the outage: then the retries are the record.
        lambda r: r.errors > 0 or _stat(r, "retry/count") > 0,
    ),
    Scenario(
        "hang (timeout)",
        lambda s, e: F.hang(e, F.matcher(RU, lambda q: "e00001" in q.path)),
        lambda r: _stat(r, "downloader/exception_type_count") > 0 and r.errors > 0,
    ),
    Scenario("slow drip", lambda s, e: F.drip(s.handle, 0.005, ARTICLES), lambda r: r.errors == 0),
    Scenario("body cut short", lambda s, e: F.cut_body(s.handle, ARTICLES), lambda r: r.errors > 0),
    Scenario(
        "malformed HTML",
        lambda s, e: F.malformed_html(s.handle, ARTICLES),
        lambda r: _stat(r, "spider_exceptions") == 0,
    ),
    Scenario(
        "cp1251 declared as UTF-8",
        lambda s, e: F.wrong_charset(s.handle, ARTICLES),
        lambda r: _stat(r, "spider_exceptions") == 0,
    ),
    Scenario(
        "10 MB page",
        lambda s, e: F.huge_page(match=ARTICLES),
        lambda r: r.incomplete_items + r.errors > 0,
    ),
    Scenario(
        "redirect loop",
        lambda s, e: F.redirect_loop(ARTICLES),
        lambda r: _stat(r, "downloader/response_status_count/302") >= 10,
    ),
    Scenario(
        "403 page with status 200",
        lambda s, e: F.access_denied(ARTICLES),
        lambda r: _stat(r, "akimwatch/not_article/blocked") > 0,
        kept_out=True,
    ),
    Scenario(
        "bot challenge with status 200",
        lambda s, e: F.block_page(ARTICLES),
        lambda r: _stat(r, "akimwatch/not_article/blocked") > 0,
        kept_out=True,
    ),
    Scenario(
        "page cut cleanly",
        lambda s, e: F.cut_page(s.handle, ARTICLES),
        lambda r: _stat(r, "akimwatch/not_article/cut") > 0,
        kept_out=True,
    ),
    Scenario(
        "page cut cleanly, whole on the retry",
        lambda s, e: F.cut_page(s.handle, ARTICLES, first=2),
        lambda r: _stat(r, "akimwatch/not_article/cut") == 2 and _stat(r, "retry/count") >= 2,
    ),
    Scenario(
        "empty listing (layout changed)",
        lambda s, e: F.empty_listing(HTML_LISTINGS),
        # The RSS feeds take over (their articles are stored), yet the run is bad: the layout
        # changed, and that must reach the layout alert.
        lambda r: (
            _stat(r, "akimwatch/empty_listings") == 2
            and _stat(r, "akimwatch/feed_entries") > 0
            and problem(r) == FEED_TOOK_OVER
        ),
        stderr=FEED_TOOK_OVER,
    ),
    Scenario(
        "duplicate and pinned entries",
        lambda s, e: F.duplicate_and_pinned(s.handle, LISTINGS),
        lambda r: r.errors == 0,
    ),
    Scenario(
        "dates in the future",
        lambda s, e: F.shift_dates(s.handle, "future", F.matcher(RU)),
        lambda r: r.finish_reason == "finished",
    ),
    Scenario(
        "unparseable dates",
        lambda s, e: F.shift_dates(s.handle, "garbage", F.matcher(RU)),
        lambda r: r.incomplete_items > 0,
    ),
]


@dataclass
class Seed:
    """The healthy seed: its database file and the deliveries its dispatch made."""

    database: Path
    delivered: Counter[str]


@pytest.fixture(scope="module")
def seed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Seed]:
    folder = tmp_path_factory.mktemp("seed")
    receiver = WebhookReceiver()
    config, db_url = write_config(folder, receiver.url, THRESHOLD)
    with ReplicaServer([KazinformSite(page_size=4)]) as server:
        assert run_crawl("kazinform", config, server, "languages=en").returncode == 0
    dispatch(config, db_url)
    receiver.stop()
    assert snapshot(db_url)["articles"], "the healthy seed crawl stored nothing"
    yield Seed(folder / "akimwatch.db", Counter(receiver.delivered))


@pytest.fixture
def receiver(seed: Seed) -> Iterator[WebhookReceiver]:
    receiver = WebhookReceiver()
    receiver.delivered.update(seed.delivered)
    yield receiver
    receiver.stop()


def _status(config: Path) -> dict[str, Any]:
    """The Kazinform line of ``akimwatch status --json``."""
    result = CliRunner().invoke(cli, ["--config", str(config), "status", "--json"])
    sources = json.loads(result.stdout)["sources"]  # stderr may hold server-thread noise
    return dict(next(s for s in sources if s["source"] == "kazinform"))


def _check_fault_run(scenario: Scenario, db_url: str, config: Path) -> None:
    """The run finished, shows the fault, and ``status`` reports it when the run was bad."""
    faulty = runs(db_url)[-1]
    assert faulty.finished_at is not None and faulty.finish_reason == "finished"
    assert scenario.shows(faulty), (faulty.errors, faulty.incomplete_items, faulty.stats)
    status = _status(config)
    if problem(faulty) is not None:
        assert status["state"] == "failing" and status["failures_in_row"] >= 1, status
        assert status["last_bad_reason"] == problem(faulty), status


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.name)
def test_fault_is_recorded_and_recovery_alerts_each_meeting_once(
    scenario: Scenario, tmp_path: Path, seed: Seed, receiver: WebhookReceiver
) -> None:
    site = KazinformSite(page_size=4)
    release = threading.Event()
    config, db_url = write_config(tmp_path, receiver.url, THRESHOLD)
    shutil.copy(seed.database, tmp_path / "akimwatch.db")
    before = snapshot(db_url)
    with ReplicaServer([site]) as server:
        server.faults.append(scenario.make(site, release))
        result = run_crawl("kazinform", config, server, "languages=ru,kk")
        release.set()
        bad = problem(runs(db_url)[-1]) is not None
        assert result.returncode == (1 if bad else 0), result.stderr[-2000:]
        assert scenario.stderr is None or scenario.stderr in result.stderr, result.stderr[-2000:]
        _check_fault_run(scenario, db_url, config)
        during = snapshot(db_url)
        assert_kept(before, during)
        if scenario.kept_out:
            ru = {canonical_url(site.url_of(a)) for a in site.articles if a.language == "ru"}
            assert not ru & set(during["articles"]), "a page that is not the article was stored"
        kk = {canonical_url(site.url_of(a)) for a in site.articles if a.language == "kk"}
        assert kk <= set(during["articles"]), "the healthy feed was affected by the fault"

        server.faults.clear()
        assert (
            run_crawl("kazinform", config, server, "languages=ru,kk", "max_pages=5").returncode == 0
        )
        dispatch(config, db_url)
    after = snapshot(db_url)
    assert_kept(before, after)
    per_meeting = outbox_per_meeting(db_url)
    assert all(n == 1 for n in per_meeting.values()), per_meeting
    expected = expected_keys(db_url)
    assert expected, "no meeting was detected on the healthy replica"
    outcome = tally(scenario.name, 3, expected, receiver)
    assert (outcome.lost, outcome.duplicated) == (0, 0), outcome


class _RefusingGovkz(Site):
    """gov.kz stand-in: every answer comes from the handshake-refusal fault."""

    hosts = ("www.gov.kz",)

    def handle(self, request: Request) -> Reply:
        return Reply(404, b"")


def test_govkz_refusing_the_handshake_is_recorded(
    tmp_path: Path, receiver: WebhookReceiver
) -> None:
    config, db_url = write_config(tmp_path, receiver.url)
    with ReplicaServer([_RefusingGovkz(), KazinformSite(page_size=4)]) as server:
        server.faults.append(F.handshake_refused())
        result = run_crawl("govkz", config, server, "languages=ru", "projects=akorda")
        assert result.returncode == 1, result.stderr[-2000:]  # a bad run, whatever its pages
        refused = runs(db_url)[-1]
        assert run_crawl("kazinform", config, server, "languages=kk").returncode == 0
    assert refused.finish_reason == "finished" and refused.spider == "govkz"
    assert refused.stats.get("akimwatch/govkz_not_allowed", 0) > 0
    assert refused.errors > 0 and refused.pages > 0
    assert (problem(refused) or "").startswith("every listing request was refused")
    assert runs(db_url)[-1].new_articles > 0, "the other source was affected"


OUTAGE_THRESHOLD = 2


def _alert_after_threshold(
    tmp_path: Path, receiver: WebhookReceiver, source: str, sites: list[Site], fault: Fault,
    settings: str,
) -> tuple[list[str], list[CrawlRun]]:  # fmt: skip
    """Run ``run-once SOURCE`` through ``fault`` until one past the threshold; the admin alerts
    must be none before the threshold and exactly one from it on."""
    extra = f"[daemon]\nfailures_before_alert = {OUTAGE_THRESHOLD}\n{settings}"
    config, db_url = write_config(tmp_path, receiver.url, extra + ADMIN.format(url=receiver.url))
    with ReplicaServer(sites) as server:
        server.faults.append(fault)
        for count in range(1, OUTAGE_THRESHOLD + 2):
            done = run_once(config, server, source)
            assert done.returncode == 1 and "FAILED" in done.stdout, done.stdout + done.stderr
            alerts = admin_alerts(db_url)
            assert len(alerts) == (0 if count < OUTAGE_THRESHOLD else 1), (count, alerts)
    return alerts, runs(db_url)


def test_a_govkz_outage_refusing_every_handshake_raises_the_admin_alert(
    tmp_path: Path, receiver: WebhookReceiver
) -> None:
    settings = '[sources.govkz]\nprojects = ["akorda", "astana"]\nlanguages = ["ru"]\n'
    alerts, rows = _alert_after_threshold(
        tmp_path, receiver, "govkz", [_RefusingGovkz()], F.handshake_refused(), settings
    )
    assert alerts[0].startswith(f"govkz: {OUTAGE_THRESHOLD} bad runs in a row"), alerts
    assert "every listing request was refused" in alerts[0]
    assert all(run.pages > 0 and problem(run) for run in rows)


def test_an_akorda_run_whose_every_request_hangs_raises_the_admin_alert(
    tmp_path: Path, receiver: WebhookReceiver
) -> None:
    release = threading.Event()
    settings = '[sources.akorda]\nlanguages = ["ru"]\n'
    try:
        alerts, rows = _alert_after_threshold(
            tmp_path, receiver, "akorda", [AkordaSite()], F.hang(release), settings
        )
    finally:
        release.set()
    assert "no listing, feed or API page fetched" in alerts[0], alerts
    assert all(problem(run) for run in rows)


def _cut_one_stored_article(db_url: str) -> tuple[str, str]:
    """Make one stored article look as an older crawl would have stored a cleanly cut page: its
    text cut mid-sentence (another hash), recent enough to be re-checked, its validators kept.
    Returns its URL and its whole text."""
    engine = make_engine(db_url)
    with session_factory(engine)() as session, session.begin():
        article = next(a for a in session.scalars(select(Article)) if len(a.body) > 200)
        url, whole = article.canonical_url, article.body
        article.body = whole[: len(whole) // 2].rstrip(' .!?»"') + " и"
        article.content_hash = "0" * 64
        article.published_at = utcnow()
    engine.dispose()
    return url, whole


def test_an_article_stored_cut_short_is_replaced_by_the_whole_page(
    tmp_path: Path, receiver: WebhookReceiver
) -> None:
    config, db_url = write_config(tmp_path, receiver.url)
    with ReplicaServer([KazinformSite(page_size=4)]) as server:
        assert run_crawl("kazinform", config, server, "languages=ru").returncode == 0
        url, whole = _cut_one_stored_article(db_url)
        # With its validators the replica would answer 304 and keep the cut text for good.
        done = run_crawl("kazinform", config, server, "languages=ru", "recheck=1")
    assert done.returncode == 0, done.stderr[-2000:]
    recheck = runs(db_url)[-1].stats
    assert recheck["akimwatch/recheck_unconditional"] == 1, recheck
    assert recheck.get("akimwatch/recheck_fetched") == 1, recheck
    assert snapshot(db_url)["articles"][url][2] == whole
