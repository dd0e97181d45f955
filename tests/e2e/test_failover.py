"""Failover end to end on one PostgreSQL database: two real ``akimwatch daemon`` processes, one
replica source (akorda), a real webhook receiver. New meetings appear on the replica while the
leading daemon is SIGKILLed ``KILLS`` times at random moments (each time restarted as a new
standby); at the end every meeting was delivered once after de-duplication on the delivery key
(none lost, one outbox row per meeting), and the takeover times (SIGKILL to the new term's
``since``) stay below ``failover_seconds``. Also: a crawl started under a stale term is fenced.

Where the crawls run is the ``cluster`` fixture's configuration alone: local children of each
daemon, or jobs on two real Scrapyd servers (``testkit.scrapyd``, the egg deployed with
``akimwatch deploy``). On Scrapyd, crawls land on both nodes, and one node is SIGKILLed in the
middle of a crawl halfway through the kills: its crawl moves to the other node.
"""

from __future__ import annotations

import os
import random
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

import pytest
from crawling import ROOT, crawl_env, run_crawl
from daemon_helpers import akimwatch, write_daemon_config
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from core.config import load
from replicas import ReplicaServer
from scheduler.leader import ADVISORY_KEY
from sources.akorda.replica import AkordaSite
from storage.clock import utcnow
from storage.engine import make_engine
from storage.leadership import current, current_term, take_term
from storage.migrate import upgrade
from storage.models import Article, CrawlRun, Outbox
from testkit.faults import delay, matcher
from testkit.scrapyd import ScrapydNode, scrapyd_nodes
from testkit.waiting import wait_until

sys.path.insert(0, str(ROOT / "tests" / "faults"))
from receivers import WebhookReceiver

pytestmark = [pytest.mark.slow, pytest.mark.postgres]
KILLS = {"local": 6, "scrapyd": 20}  # SIGKILLs of the leader, by crawl engine
KILLS_ENV = "AKIMWATCH_TEST_FAILOVER_KILLS"  # one number for both, to run more or fewer
FAILOVER = 5  # failover_seconds of the daemons
KILL_AFTER = (0.5, 4.0)  # seconds into a term at which its leader is killed, drawn uniformly
SLOW_REQUESTS = 1.0  # seconds each akorda request waits while a node is about to be killed
SETTLE = 180.0  # seconds for the last leader to crawl and deliver everything
QUEUED = "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND objid = :k AND NOT granted"
REGIONS = [
    ("Туркестанской области", "Дархана Сатыбалды"),
    ("Жамбылской области", "Ербола Карашукеева"),
    ("Алматинской области", "Марата Султангазиева"),
    ("Акмолинской области", "Марата Ахметжанова"),
    ("Кызылординской области", "Нурлыбека Налибаева"),
    ("города Шымкента", "Габита Сыздыкбекова"),
    ("Восточно-Казахстанской области", "Ермека Кошербаева"),
    ("Актюбинской области", "Асхата Шахарова"),
    ("области Жетысу", "Бейбута Исабаева"),
    ("области Улытау", "Дастана Рыспекова"),
]


@dataclass
class Node:
    """One daemon process and its log."""

    process: subprocess.Popen[bytes]
    log: Path


@pytest.fixture
def site() -> AkordaSite:
    return AkordaSite()


@pytest.fixture
def server(site: AkordaSite) -> Iterator[ReplicaServer]:
    with ReplicaServer([site]) as server:
        yield server


@pytest.fixture
def receiver() -> Iterator[WebhookReceiver]:
    hook = WebhookReceiver()
    yield hook
    hook.stop()


@pytest.fixture(params=["local", "scrapyd"])
def crawl_engine(request: pytest.FixtureRequest) -> str:
    """Where the daemons' crawls run."""
    return str(request.param)


@pytest.fixture
def nodes(crawl_engine: str, tmp_path: Path, server: ReplicaServer) -> Iterator[list[ScrapydNode]]:
    """Two Scrapyd servers for the Scrapyd engine (none for local crawls); a node's own
    configuration has the crawl settings, each job brings the database and the host overrides."""
    if crawl_engine == "local":
        yield []
        return
    directory = tmp_path / "nodes"
    directory.mkdir()
    config = write_daemon_config(directory, "", "akorda")
    path = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    with scrapyd_nodes(2, directory, {**crawl_env(config, server), "PYTHONPATH": path}) as found:
        yield found


@pytest.fixture
def cluster(
    tmp_path: Path,
    pg_database_url: str,
    receiver: WebhookReceiver,
    crawl_engine: str,
    nodes: list[ScrapydNode],
) -> Path:
    """The daemons' configuration: akorda on a short interval, crawled by ``crawl_engine``."""
    hook = f'[[channels]]\nname = "hook"\nkind = "webhook"\nurl = "{receiver.url}"\ntimeout = 5\n'
    config = write_daemon_config(tmp_path, hook + "".join(node.toml() for node in nodes), "akorda",
                                 db_url=pg_database_url, crawl=f'engine = "{crawl_engine}"',
                                 dispatch_every_seconds=1, failover_seconds=FAILOVER)  # fmt: skip
    if nodes:
        deployed = subprocess.run(akimwatch(config, "deploy"), capture_output=True, text=True,
                                  cwd=ROOT, check=False)  # fmt: skip
        assert deployed.returncode == 0, deployed.stdout + deployed.stderr
        assert deployed.stdout.count(" ok ") == len(nodes), deployed.stdout
    return config


def publish(site: AkordaSite, index: int) -> None:
    """A new reception of a regional akim on the replica, published now."""
    region, name = REGIONS[index]
    template = next(a for a in site.articles if a.id == "2895622")
    site.articles.insert(0, replace(
        template, id=str(2896000 + index), slug=f"glava-gosudarstva-prinyal-akima-{index}",
        title=f"Глава государства принял акима {region} {name}",
        lead=f"Касым-Жомарт Токаев принял акима {region} {name}.", published=utcnow(),
    ))  # fmt: skip


def start(config: Path, server: ReplicaServer, index: int) -> Node:
    log = config.parent / f"daemon-{index}.log"
    with log.open("ab") as out:
        process = subprocess.Popen(akimwatch(config, "daemon"), env=crawl_env(config, server),
                                   cwd=ROOT, stdout=out, stderr=out)  # fmt: skip
    return Node(process, log)


def leadership(url: str) -> tuple[int, str | None, datetime | None]:
    engine = make_engine(url)
    with Session(engine) as session:
        row = current(session)
        assert row is not None
        found = (row.term, row.holder, row.since)
    engine.dispose()
    return found


def meeting_keys(url: str) -> set[str]:
    """Delivery keys of every ``meeting.new`` outbox row (one per meeting and channel)."""
    engine = make_engine(url)
    with Session(engine) as session:
        keys = session.scalars(
            select(Outbox.delivery_key).where(Outbox.event_type == "meeting.new")
        )
        found = set(keys)
    engine.dispose()
    return found


def standing_by(url: str) -> bool:
    """Whether a daemon waits for the scheduler lock (a standby ready to take over)."""
    engine = make_engine(url)
    with engine.connect() as connection:
        queued = connection.scalar(text(QUEUED), {"k": ADVISORY_KEY})
    engine.dispose()
    return bool(queued)


def crawled(url: str) -> bool:
    """Whether a crawl of akorda finished by itself."""
    engine = make_engine(url)
    with Session(engine) as session:
        done = session.scalar(select(func.count()).where(CrawlRun.finish_reason == "finished"))
    engine.dispose()
    return bool(done)


def settled(url: str, receiver: WebhookReceiver, meetings: int) -> bool:
    """Whether ``meetings`` meetings have their outbox row, all sent and received."""
    keys = meeting_keys(url)
    engine = make_engine(url)
    with Session(engine) as session:
        open_rows = session.scalar(select(func.count()).where(Outbox.status != "sent"))
    engine.dispose()
    return len(keys) >= meetings and open_rows == 0 and keys <= set(receiver.delivered)


def state(url: str, receiver: WebhookReceiver) -> str:
    """What the database and the receiver hold now, for a failure message."""
    engine = make_engine(url)
    with Session(engine) as session:
        rows = session.execute(select(Outbox.status, func.count()).group_by(Outbox.status)).all()
        runs = session.execute(
            select(CrawlRun.finish_reason, CrawlRun.killed_by, func.count()).group_by(
                CrawlRun.finish_reason, CrawlRun.killed_by
            )
        ).all()
        articles = session.scalar(select(func.count()).select_from(Article))
    engine.dispose()
    return (f"meetings {len(meeting_keys(url))}, outbox {rows}, runs {runs}, articles {articles}, "
            f"received {len(receiver.delivered)}")  # fmt: skip


def test_the_leader_killed_over_and_over_loses_no_meeting_and_sends_none_twice(
    cluster: Path,
    server: ReplicaServer,
    site: AkordaSite,
    receiver: WebhookReceiver,
    crawl_engine: str,
    nodes: list[ScrapydNode],
    capsys: pytest.CaptureFixture[str],
) -> None:
    url = load(cluster).database_url
    daemons = [start(cluster, server, 0), start(cluster, server, 1)]
    rng = random.Random(17)
    kills = int(os.environ.get(KILLS_ENV) or KILLS[crawl_engine])
    takeovers: list[float] = []
    published = 0
    started = time.monotonic()
    try:
        wait_until(lambda: crawled(url) and settled(url, receiver, 1), SETTLE,
                   "the first crawl's meetings delivered")  # fmt: skip
        initial = len(meeting_keys(url))
        for kill in range(kills):
            if nodes and kill == kills // 2:
                kill_node_mid_crawl(url, server, nodes[0])
            wait_until(lambda: standing_by(url), 60, "the standby to queue for the lock")
            time.sleep(rng.uniform(*KILL_AFTER))  # a random moment of the term
            if published < len(REGIONS) and kill % 2 == 0:
                publish(site, published)
                published += 1
            takeovers.append(kill_leader(url, daemons))
            daemons = [d if d.process.poll() is None else start(cluster, server, len(takeovers) + 1)
                       for d in daemons]  # fmt: skip
        killing = time.monotonic() - started
        wait_until(lambda: standing_by(url), 60, "the last restarted daemon standing by")
        while published < len(REGIONS):
            publish(site, published)
            published += 1
        expected = initial + published
        try:
            wait_until(lambda: settled(url, receiver, expected), SETTLE, "every meeting sent")
        except AssertionError as exc:
            raise AssertionError(f"{exc}: {expected} expected; {state(url, receiver)}") from None
    finally:
        for daemon in daemons:
            daemon.process.terminate()
        for daemon in daemons:
            daemon.process.wait(60)
    ends = [(d.process.returncode, d.log.read_text()[-2000:]) for d in daemons]
    assert all(code == 0 for code, _log in ends), ends
    with capsys.disabled():  # the figures reach the CI log
        _report(url, receiver, takeovers, killing)
        if nodes:
            _report_nodes(url, nodes)


def kill_leader(url: str, daemons: list[Node]) -> float:
    """SIGKILL the leading daemon; the seconds until the next term began."""
    term, holder, _since = leadership(url)
    pid = int(str(holder).rsplit(":", 1)[1])
    leading = next(daemon for daemon in daemons if daemon.process.pid == pid)
    killed = utcnow()
    leading.process.kill()
    leading.process.wait()
    wait_until(lambda: leadership(url)[0] > term, 3 * FAILOVER, f"a term after {term}")
    since = leadership(url)[2]
    assert since is not None
    return (since - killed).total_seconds()


def kill_node_mid_crawl(url: str, server: ReplicaServer, node: ScrapydNode) -> None:
    """Wait until ``node`` runs a crawl that has recorded its run, then SIGKILL the node and its
    crawls; the leader's launcher closes that run as lost and moves the crawl. The replica answers
    late meanwhile, so the crawl is still running when the node dies. (A job a killed
    leader left running has no launcher following it; it ends as lost at the crawl timeout.)"""

    def running() -> str | None:  # a job of the current leader's, so a launcher follows it
        jobs = node.get("listjobs.json", project="akimwatch").get("running") or []
        ids = {str(job["id"]) for job in jobs}  # type: ignore[index, union-attr]
        engine = make_engine(url)
        with Session(engine) as session:
            found = session.scalar(
                select(CrawlRun.launch_id).where(
                    CrawlRun.launch_id.in_(ids),
                    CrawlRun.finished_at.is_(None),
                    CrawlRun.term == current_term(session),
                )
            )
        engine.dispose()
        return found

    slow = delay(SLOW_REQUESTS, matcher("akorda.kz"))  # the kill lands mid-crawl, not after it
    server.faults.append(slow)
    try:  # the launch id that was seen is the one killed
        launch_id = wait_until(running, 120, f"a crawl running on {node.label}")
        node.kill()
    finally:
        server.faults.remove(slow)

    def moved() -> bool:
        engine = make_engine(url)
        with Session(engine) as session:
            killed_by = session.scalar(
                select(CrawlRun.killed_by).where(CrawlRun.launch_id == launch_id)
            )
        engine.dispose()
        return killed_by == f"node {node.label} lost"

    wait_until(moved, 60, f"the crawl on {node.label} closed as lost")


def _report_nodes(url: str, nodes: list[ScrapydNode]) -> None:
    engine = make_engine(url)
    with Session(engine) as session:
        ran = dict(session.execute(
            select(CrawlRun.node, func.count()).where(CrawlRun.finish_reason == "finished")
            .group_by(CrawlRun.node)
        ).all())  # fmt: skip
        lost = session.scalars(
            select(CrawlRun).where(CrawlRun.killed_by == f"node {nodes[0].label} lost")
        ).all()
    engine.dispose()
    print(f"crawls finished per node: {ran}; moved off the killed node: {len(lost)}")
    assert set(ran) == {node.label for node in nodes}  # crawls landed on both nodes
    assert lost and all(run.node == nodes[0].label for run in lost)  # and the lost one moved


def _report(url: str, receiver: WebhookReceiver, takeovers: list[float], killing: float) -> None:
    keys = meeting_keys(url)
    raw, distinct = receiver.counts(keys)
    resent = raw - distinct
    engine = make_engine(url)
    with Session(engine) as session:
        fenced = session.scalar(select(func.count()).where(CrawlRun.finish_reason == "fenced"))
        per_meeting = session.execute(
            select(Outbox.meeting_id, func.count())
            .where(Outbox.event_type == "meeting.new")
            .group_by(Outbox.meeting_id)
        ).all()
        unterm = session.scalar(select(func.count()).where(Outbox.claim_term.is_(None)))
    engine.dispose()
    median, worst = statistics.median(takeovers), max(takeovers)
    print(f"\nfailover: {len(takeovers)} SIGKILLs of the leader in {killing:.0f} s "
          f"({killing / len(takeovers):.1f} s per kill); takeover median {median:.2f} s, "
          f"max {worst:.2f} s (failover_seconds {FAILOVER}); meetings {len(keys)}, "
          f"delivered {distinct} (re-sent {resent}), fenced crawl runs {fenced}")  # fmt: skip
    assert distinct == len(keys) and set(receiver.delivered) >= keys  # none lost
    assert all(count == 1 for _meeting, count in per_meeting)  # one delivery per meeting
    assert unterm == 0  # every claim was made under a term
    assert median < FAILOVER and worst < FAILOVER


@pytest.mark.parametrize("crawl_engine", ["local"])
def test_a_crawl_started_under_a_stale_term_is_fenced(cluster: Path, server: ReplicaServer) -> None:
    engine = make_engine(load(cluster).database_url)
    upgrade(engine)
    with Session(engine) as session, session.begin():
        stale = take_term(session, "old:1")
        take_term(session, "new:2")
    done = run_crawl("akorda", cluster, server, f"term={stale}", "launch_id=stale")
    assert done.returncode == 1 and "no longer the leader's: not crawling" in done.stderr
    with Session(engine) as session:
        run = session.scalars(select(CrawlRun).where(CrawlRun.launch_id == "stale")).one()
        articles = session.scalar(select(func.count()).select_from(Article))
    engine.dispose()
    assert (run.finish_reason, run.term, run.pages, articles) == ("fenced", stale, 0, 0)
