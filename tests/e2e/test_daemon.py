"""The daemon end to end: a subprocess with short intervals against the replicas, a real SMTP
server and real webhook receivers. One daemon run shows a layout break (one alert, one recovery),
a hung source killed at the timeout while the other keeps its schedule, a new meeting sent once by
email and webhook, the lock refusing a second daemon and a cron run, and SIGTERM during a crawl; a
second test restarts the daemon with sources overdue. Every wait is on a condition, with a bound.
"""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

import feedparser
import pytest
from crawling import ROOT, crawl, crawl_env
from daemon_helpers import (
    DISPATCH,
    GRACE,
    INTERVAL,
    akimwatch,
    alive,
    all_ran,
    backdate,
    daemon_running,
    finished_since,
    hold_first,
    outbox_settled,
    runs,
    stop_daemon,
    write_daemon_config,
)

from replicas import ReplicaServer
from sources.akorda.replica import AkordaSite
from sources.kazinform.replica import KazinformSite
from storage.clock import utcnow
from testkit.faults import empty_listing, is_listing, matcher
from testkit.waiting import wait_until

sys.path.insert(0, str(ROOT / "tests" / "notify"))
from notify_servers import Mailbox, Receiver, smtp_server

pytestmark = pytest.mark.slow
TIMEOUT = 30  # the hard crawl timeout of the shared run: several kazinform intervals
SLACK = 30.0  # start-up and scheduling delays on a loaded 2-core machine
AT_ONCE = 45.0  # the restart test's bound for a catch-up run: well inside its 60 s interval


def new_meeting(site: KazinformSite) -> None:
    """Publish a new reception of the Pavlodar region's akim on the replica."""
    template = next(a for a in site.articles if a.id == "7a1c3e")
    site.articles.insert(0, replace(
        template, id="9a9b9c", slug="glava-gosudarstva-prinyal-akima-pavlodarskoy-oblasti",
        title="Глава государства принял акима Павлодарской области",
        lead="Касым-Жомарт Токаев принял акима Павлодарской области Асаина Баймханова.",
    ))  # fmt: skip


def webhook(name: str, url: str, admin: bool = False) -> str:
    flag = str(admin).lower()
    return f'[[channels]]\nname = "{name}"\nkind = "webhook"\nurl = "{url}"\nadmin = {flag}\n'


def email(port: int) -> str:
    return (
        f'[[channels]]\nname = "desk"\nkind = "email"\nsmtp_host = "127.0.0.1"\n'
        f'smtp_port = {port}\nsmtp_tls = "none"\nto = ["desk@example.org"]\n'
    )


@pytest.fixture
def kazinform() -> KazinformSite:
    return KazinformSite(page_size=5)


@pytest.fixture
def server(kazinform: KazinformSite) -> Iterator[ReplicaServer]:
    with ReplicaServer([kazinform, AkordaSite()]) as server:
        yield server


@pytest.fixture
def receivers() -> Iterator[tuple[Receiver, Receiver]]:
    """The newsroom's webhook and the admin's."""
    crm, ops = Receiver().start(), Receiver().start()
    yield crm, ops
    crm.stop()
    ops.stop()


@pytest.fixture
def mailbox() -> Iterator[tuple[Mailbox, int]]:
    """A real SMTP server: its mailbox and port."""
    mailbox = Mailbox()
    controller = smtp_server(mailbox)
    yield mailbox, controller.port
    controller.stop()


def layout_break_alerts_once(config: Path, ops: Receiver, since: datetime) -> None:
    """Two empty listings raise one admin alert; a further bad run raises no second one."""
    wait_until(lambda: ops.ok(), 4 * INTERVAL + SLACK, "the layout alert")
    alerted = utcnow()
    wait_until(lambda: finished_since(config, "kazinform", alerted), INTERVAL + SLACK,
               "a bad run after the alert")  # fmt: skip
    assert len(finished_since(config, "kazinform", since)) >= 3
    texts = [r.body.decode() for r in ops.ok()]
    assert len(texts) == 1, texts
    assert "kazinform: 0 articles from" in texts[0] and "layout may have changed" in texts[0]


def hung_source_is_killed_on_time(config: Path, launched: datetime) -> None:
    """Akorda, due at start and hung, is killed at the timeout; kazinform ran on meanwhile."""
    killed = next(r for r in runs(config, "akorda") if r.killed_by)
    assert killed.killed_by == "timeout" and killed.finished_at
    timeline = [(r.spider, r.started_at, r.finished_at, r.killed_by) for r in runs(config)]
    # Launched after the daemon started (started_at is written once Scrapy has booted):
    assert launched + timedelta(seconds=TIMEOUT) <= killed.finished_at, timeline
    assert killed.finished_at - killed.started_at < timedelta(seconds=TIMEOUT + GRACE + 5)
    assert killed.finished_at - launched < timedelta(seconds=TIMEOUT + GRACE + SLACK), timeline
    during = [r for r in runs(config, "kazinform")
              if killed.started_at <= r.started_at <= killed.finished_at]  # fmt: skip
    assert len(during) >= 2, timeline  # started every ~6 s (slower under load) while akorda hung


def recovery_notice_once(config: Path, ops: Receiver) -> None:
    """The first good run after the break sends one notice; the next good run none."""
    wait_until(lambda: len(ops.ok()) >= 2, 2 * INTERVAL + SLACK, "the recovery notice")
    noticed = utcnow()
    wait_until(lambda: finished_since(config, "kazinform", noticed), INTERVAL + SLACK,
               "a good run after the notice")  # fmt: skip
    texts = [r.body.decode() for r in ops.ok()]
    assert len(texts) == 2 and "kazinform: working again" in texts[1], texts


def second_instances_refuse(config: Path, server: ReplicaServer) -> None:
    """A second daemon and a cron ``run-once`` exit with status 75 while the daemon runs."""
    for command in ("daemon", "run-once"):
        second = subprocess.run(akimwatch(config, command), env=crawl_env(config, server),
                                cwd=ROOT, capture_output=True, text=True, timeout=120)  # fmt: skip
        assert second.returncode == 75, second.stderr
        assert "another akimwatch daemon" in second.stderr


def new_meeting_sent_once(
    config: Path, kazinform: KazinformSite, crm: Receiver, mailbox: Mailbox
) -> None:
    """A new meeting on the replica: one email and one webhook within an interval plus 30 s."""
    new_meeting(kazinform)
    published = time.monotonic()
    wait_until(lambda: mailbox.messages and crm.ok(), INTERVAL + 30, "the alerts")
    assert time.monotonic() - published < INTERVAL + 30
    after = utcnow()  # another crawl, and all it queued delivered: still exactly one of each
    wait_until(lambda: finished_since(config, "kazinform", after), INTERVAL + SLACK, "a crawl")
    wait_until(lambda: outbox_settled(config), 2 * DISPATCH + SLACK, "the outbox to settle")
    assert len(mailbox.messages) == 1 and len(crm.ok()) == 1
    assert "Павлодар" in str(mailbox.messages[0]["Subject"])
    assert "Павлодар" in crm.ok()[0].body.decode()


def sigterm_during_a_crawl_stops_cleanly(
    daemon: subprocess.Popen[bytes], config: Path, server: ReplicaServer, release: threading.Event
) -> None:
    """SIGTERM while a crawl is held mid-request: exit 0 within the grace, no crawl left."""
    entered = threading.Event()
    server.faults.append(hold_first(release, entered, matcher("inform.kz", is_listing)))
    wait_until(entered.is_set, INTERVAL + SLACK, "a crawl in progress")
    took = stop_daemon(daemon, config)
    assert took < GRACE + 8, took  # the grace period, plus slack for the last job to return
    assert not any(alive(run.pid) for run in runs(config))
    assert all(run.finished_at is not None for run in runs(config))
    assert runs(config, "kazinform")[-1].killed_by == "shutdown"


def test_alerts_a_hung_source_a_layout_break_and_sigterm_in_one_daemon_run(
    tmp_path: Path,
    server: ReplicaServer,
    kazinform: KazinformSite,
    receivers: tuple[Receiver, Receiver],
    mailbox: tuple[Mailbox, int],
) -> None:
    (crm, ops), (box, smtp_port) = receivers, mailbox
    channels = webhook("crm", crm.url) + webhook("ops", ops.url, admin=True) + email(smtp_port)
    feed = tmp_path / "meetings.atom"
    config = write_daemon_config(tmp_path, channels, "kazinform,akorda", timeout=TIMEOUT,
                                 failures_before_alert=2, feed_path=str(feed))  # fmt: skip
    for source in ("kazinform", "akorda"):  # what the sites had before: no alerts
        crawl(source, config, server, "languages=ru")
    backdate(config, timedelta(hours=1), sent=True)  # both due as the daemon starts; no alerts
    release, hung = threading.Event(), threading.Event()
    broken = empty_listing(matcher("inform.kz", is_listing))
    server.faults += [hold_first(release, hung, matcher("akorda.kz")), broken]
    launched = utcnow()
    try:
        with daemon_running(config, server) as daemon:
            layout_break_alerts_once(config, ops, launched)
            second_instances_refuse(config, server)  # while akorda hangs
            wait_until(lambda: any(r.killed_by for r in runs(config)), TIMEOUT + SLACK, "a kill")
            hung_source_is_killed_on_time(config, launched)
            server.faults.remove(broken)
            recovery_notice_once(config, ops)
            new_meeting_sent_once(config, kazinform, crm, box)
            sigterm_during_a_crawl_stops_cleanly(daemon, config, server, release)
    finally:
        release.set()
    parsed = feedparser.parse(feed.read_bytes())
    assert not parsed.bozo and any("Павлодар" in entry.title for entry in parsed.entries)


def test_restart_runs_overdue_sources_at_once_and_once(
    tmp_path: Path, server: ReplicaServer, receivers: tuple[Receiver, Receiver]
) -> None:
    """Stopped with both sources overdue, the daemon runs each at once, once; the interval is a
    minute, so "at once" and "a second run" cannot be mistaken for the schedule."""
    config = write_daemon_config(tmp_path, webhook("crm", receivers[0].url), "kazinform,akorda",
                                 every=1)  # fmt: skip
    both, start = ("kazinform", "akorda"), utcnow()
    with daemon_running(config, server) as daemon:
        wait_until(lambda: all_ran(config, start, *both), SLACK, "the first runs")
        stop_daemon(daemon, config)
    before = len(runs(config))
    backdate(config, timedelta(minutes=2))  # as if the daemon had been down for two intervals
    restarted = utcnow()
    with daemon_running(config, server) as daemon:
        wait_until(lambda: all_ran(config, restarted, *both), AT_ONCE, "the catch-up runs")
        caught_up = runs(config)[before:]
        assert all(r.started_at - restarted < timedelta(seconds=AT_ONCE) for r in caught_up)
        time.sleep(5)  # a double run (job store plus catch-up) would start at once too
        assert sorted(r.spider for r in runs(config)[before:]) == ["akorda", "kazinform"]
        stop_daemon(daemon, config)


def _running(pid: int) -> bool:
    """Whether ``pid`` is a live process (a zombie waiting for its reaper is not)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] not in ("Z", "X")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux's")
def test_crawl_children_die_with_a_sigkilled_daemon(
    tmp_path: Path, server: ReplicaServer, receivers: tuple[Receiver, Receiver]
) -> None:
    """SIGKILL reaches only the daemon (its children have their own process groups), yet the
    crawl it started goes with it instead of running on unsupervised."""
    config = write_daemon_config(tmp_path, webhook("crm", receivers[0].url), "kazinform")
    release, entered = threading.Event(), threading.Event()
    server.faults.append(hold_first(release, entered, matcher("inform.kz", is_listing)))
    try:
        with daemon_running(config, server) as daemon:
            wait_until(entered.is_set, SLACK, "a crawl in progress")
            child = runs(config, "kazinform")[-1].pid
            assert child is not None and _running(child)
            daemon.kill()
            daemon.wait()
            wait_until(lambda: not _running(child), 10, "the crawl child to die with the daemon")
    finally:
        release.set()
