"""The warm crawl worker with real processes: a crawl forked from the zygote stores what a cold
child stores with the same verdict; a hung one is killed at the timeout while another completes;
SIGKILL of the launcher's process leaves no crawl and no zygote; a spent zygote is replaced."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.config import load
from replicas import ReplicaServer
from replicas.server import Reply, Request
from scheduler.launcher import CrawlLauncher, CrawlOutcome, child_env
from scheduler.service import CrawlService, judge
from scheduler.warm import ForkedChild, WarmWorker
from sources.akorda.replica import AkordaSite
from sources.kazinform.replica import KazinformSite
from storage.engine import make_engine
from storage.migrate import upgrade
from storage.models import Article
from testkit.waiting import wait_until

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]


def write_config(tmp: Path, server: ReplicaServer, worker: str) -> Path:
    """Kazinform and akorda (Russian) aimed at the replicas, the given worker."""
    hosts = ", ".join(f'"{host}" = "{url}"' for host, url in server.overrides().items())
    path = tmp / "akimwatch.toml"
    path.write_text(
        f'data_dir = "{tmp}"\n[database]\nurl = "sqlite:///{tmp / "akimwatch.db"}"\n'
        f"[crawl]\ndownload_delay = 0\nautothrottle = false\nretry_times = 0\n"
        f'worker = "{worker}"\nhost_overrides = {{{hosts}}}\n'
        '[sources.kazinform]\nlanguages = ["ru"]\n[sources.akorda]\nlanguages = ["ru"]\n',
        encoding="utf-8",
    )
    engine = make_engine(f"sqlite:///{tmp / 'akimwatch.db'}")
    upgrade(engine)
    engine.dispose()
    return path


def env() -> dict[str, str]:
    """This checkout first on the crawl children's path."""
    return {"PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}


def stored(path: Path) -> list[tuple[str, str, str]]:
    engine = make_engine(load(path).database_url)
    with Session(engine) as session:
        rows = session.execute(select(Article.url, Article.title, Article.source)).all()
    engine.dispose()
    return sorted((url, title, source) for url, title, source in rows)


def hang(
    source_host: str, release: threading.Event, entered: threading.Event | None = None
) -> object:
    """A replica fault: every request for the host is held until ``release`` (``entered`` is set
    once one is held)."""

    def fault(request: Request) -> Reply | None:
        if not request.host.endswith(source_host):
            return None
        if entered is not None:
            entered.set()
        release.wait(120)
        return Reply(504, b"released")

    return fault


def alive(pid: int) -> bool:
    """Whether ``pid`` runs (a zombie does not)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] not in ("Z", "X")


def test_a_forked_crawl_stores_what_a_cold_one_stores_with_the_same_verdict(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in env().items():
        monkeypatch.setenv(name, value)
    results = {}
    with ReplicaServer([KazinformSite(page_size=3), AkordaSite()]) as server:
        for worker in ("cold", "warm"):
            (tmp_path / worker).mkdir()
            path = write_config(tmp_path / worker, server, worker)
            config = load(path)
            engine = make_engine(config.database_url)
            service = CrawlService(config, engine, config_path=str(path), timeout=120)
            try:
                assert (service.launcher.zygotes is None) == (worker == "cold")
                first = service.crawl_all(["kazinform", "akorda"])
                again = service.crawl_all(["kazinform", "akorda"])  # nothing new: still good
                if worker == "warm":
                    zygotes = service.launcher.zygotes
                    assert zygotes is not None and zygotes.forked == 4
                    assert zygotes.current is None  # a batch's zygote ends with it
            finally:
                service.close()
                engine.dispose()
            results[worker] = (first, again, stored(path))
    for worker, (first, again, articles) in results.items():
        assert first.ok and again.ok, (worker, [r.reason for r in first.sources + again.sources])
        assert [r.run.new_articles for r in again.sources if r.run] == [0, 0], worker
        assert articles, worker
    assert results["warm"][2] == results["cold"][2]
    cold, warm = results["cold"][0].sources, results["warm"][0].sources
    assert [(r.run.new_articles, r.run.items) for r in warm if r.run] == [
        (r.run.new_articles, r.run.items) for r in cold if r.run
    ]


def test_a_bad_run_exits_1_from_the_zygote_as_from_scrapy(tmp_path: Path) -> None:
    """The crawl command's exit status comes through: 1 for a run judged bad (unreachable)."""
    with ReplicaServer([AkordaSite()]) as server:
        path = write_config(tmp_path, server, "warm")
    engine = make_engine(load(path).database_url)  # the server is gone: nothing answers
    launcher = CrawlLauncher(
        engine, timeout=120, grace=2, env={**env(), "AKIMWATCH_CONFIG": str(path)},
        warm=WarmWorker(),
    )  # fmt: skip
    try:
        outcome = launcher.run("akorda")
        assert launcher.zygotes is not None and launcher.zygotes.current is not None
    finally:
        launcher.close()
        engine.dispose()
    assert outcome.returncode == 1 and outcome.run is not None
    assert judge(outcome).reason and not judge(outcome).ok


def test_a_hung_forked_crawl_is_killed_at_the_timeout_while_another_completes(
    tmp_path: Path,
) -> None:
    release = threading.Event()
    with ReplicaServer([KazinformSite(page_size=3), AkordaSite()]) as server:
        server.faults.append(hang("akorda.kz", release))
        path = write_config(tmp_path, server, "warm")
        engine = make_engine(load(path).database_url)
        launcher = CrawlLauncher(
            engine, timeout=25, grace=2, env={**env(), "AKIMWATCH_CONFIG": str(path)},
            warm=WarmWorker(),
        )  # fmt: skip
        started = time.monotonic()
        outcomes: dict[str, CrawlOutcome] = {}
        try:  # as the daemon runs them: each from its own thread
            threads = [
                threading.Thread(target=lambda n=name: outcomes.update({n: launcher.run(n)}))
                for name in ("akorda", "kazinform")
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(60)
            took = time.monotonic() - started
            zygote = launcher.zygotes.current if launcher.zygotes else None
            assert zygote is not None and zygote.alive()  # the kill hit the crawl only
            assert zygote.forks == 2
        finally:
            release.set()
            launcher.close()
            engine.dispose()
    hung, done = outcomes["akorda"], outcomes["kazinform"]
    assert hung.killed_by == "timeout" and hung.run is not None and hung.run.killed_by == "timeout"
    assert 25 <= hung.seconds < 25 + 2 + 10, hung.seconds
    assert done.killed_by is None and done.returncode == 0, done
    assert done.seconds < took and judge(done).ok, judge(done).reason


PARENT = """
import sys, threading, time
from scheduler.launcher import CrawlLauncher
from scheduler.warm import WarmWorker
from storage.engine import make_engine
launcher = CrawlLauncher(make_engine(sys.argv[1]), timeout=300, grace=2,
                         env={"AKIMWATCH_CONFIG": sys.argv[2]}, warm=WarmWorker())
child = launcher.start("akorda")
print(child.pid, launcher.zygotes.current.pid, flush=True)
time.sleep(300)
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux's")
def test_sigkill_of_the_launcher_leaves_no_crawl_and_no_zygote(tmp_path: Path) -> None:
    release, entered = threading.Event(), threading.Event()
    with ReplicaServer([AkordaSite()]) as server:
        server.faults.append(hang("akorda.kz", release, entered))
        path = write_config(tmp_path, server, "warm")
        parent = subprocess.Popen(
            [sys.executable, "-c", PARENT, load(path).database_url, str(path)],
            env=child_env(env()), cwd=ROOT, stdout=subprocess.PIPE,
        )  # fmt: skip
        try:
            assert parent.stdout is not None
            crawl, zygote = (int(pid) for pid in parent.stdout.readline().split())
            wait_until(entered.is_set, 60, "the crawl mid-request", 0.2)
            assert alive(crawl) and alive(zygote)
            assert os.getpgid(crawl) == crawl  # a process group of its own
            parent.send_signal(signal.SIGKILL)
            parent.wait()
            wait_until(lambda: not alive(crawl) and not alive(zygote), 10,
                       "the crawl and the zygote to die with their parent", 0.1)  # fmt: skip
        finally:
            release.set()
            if parent.poll() is None:
                parent.kill()
                parent.wait()
            if parent.stdout is not None:
                parent.stdout.close()


def test_a_spent_zygote_is_replaced_and_the_old_one_winds_down(tmp_path: Path) -> None:
    with ReplicaServer([AkordaSite()]) as server:
        path = write_config(tmp_path, server, "warm")
        engine = make_engine(load(path).database_url)
        launcher = CrawlLauncher(
            engine, timeout=120, grace=2, env={**env(), "AKIMWATCH_CONFIG": str(path)},
            warm=WarmWorker(recycle_crawls=1),
        )  # fmt: skip
        try:
            assert launcher.zygotes is not None
            first = launcher.run("akorda")
            one = launcher.zygotes.current
            second = launcher.start("akorda")
            two = launcher.zygotes.current
            assert isinstance(second, ForkedChild)
            assert one is not None and two is not None and one.pid != two.pid
            assert one.process.wait(30) == 0  # retired: it exits, its crawl done
            outcome = launcher.wait("akorda", second, time.monotonic())
        finally:
            launcher.close()
            engine.dispose()
        assert two.process.poll() == 0  # closed with the launcher, and reaped
    assert first.returncode == 0 and outcome.returncode == 0
    assert judge(first).ok and judge(outcome).ok
