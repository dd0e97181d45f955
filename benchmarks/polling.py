"""The cost of polling: CPU per idle round of every source (crawl children included), and the time
from a new article to its webhook when the daemon polls every minute.

``python -m benchmarks.polling [--quick] [--only idle|alert] [--worker warm|cold]`` prints JSON:

- ``idle_round``: per crawl worker (``[crawl] worker``, ``cold``: a fresh ``python -m scrapy`` per
  crawl; ``warm``: a child forked from the preloaded crawl zygote), ``akimwatch run-once --all``
  over the replicas of every source once everything is stored (two seeding rounds first, so
  nothing is new): ``cpu_s`` is user + system of the run-once process and every descendant it
  reaped (``os.wait4``: the crawl children, the zygote and the zygote's children), the median
  over the rounds; ``wall_s``; per source the replica ``requests`` and the TCP ``connections``
  (distinct client ports seen by the replica server). The sources keep their production
  defaults (gov.kz: every regional akimat), politeness off (no delay, no AutoThrottle).
- ``time_to_alert``: the real ``akimwatch daemon`` with every source due every minute
  (``jitter_seconds = 0``, ``dispatch_every_seconds = 5``), a real webhook receiver, and a new
  meeting published on the kazinform replica at a random moment (uniform over one interval after
  the previous alert); seconds from the article's appearance to the webhook's arrival, median
  and p95 over ``trials`` (12; ``--quick``: 2, said in the output).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from akimwatch.demo import replica_sites
from benchmarks.receiver import WebhookReceiver
from replicas import ReplicaServer
from replicas.articles import ReplicaArticle
from replicas.server import Site
from storage.engine import make_engine
from storage.migrate import upgrade
from storage.models import CrawlRun
from testkit.corpus import REGIONS as corpus_regions
from testkit.corpus import CorpusSite, meeting_article, synthetic_articles

ROOT = Path(__file__).resolve().parents[1]
CLI = "import sys; from akimwatch.cli import main; sys.exit(main())"
WORKERS = ("cold", "warm")
INTERVAL_MINUTES = 1
QUICK_INTERVAL_MINUTES = 0.25  # --quick: a smoke run of the alert path, not the 60 s figure
DISPATCH_SECONDS = 5


def write_config(
    directory: Path,
    names: list[str],
    worker: str,
    *,
    every_minutes: float = 10,
    hook_url: str | None = None,
) -> Path:
    """Every source enabled with its production defaults, politeness off, quiet logs."""
    database = f"sqlite:///{directory / 'akimwatch.db'}"
    lines = [
        f"data_dir = {json.dumps(str(directory))}",
        f"[database]\nurl = {json.dumps(database)}",
        "[crawl]\ndownload_delay = 0\nautothrottle = false\nretry_times = 0\ntimeout_seconds = 300",
        f'worker = "{worker}"',
        f"[daemon]\ndispatch_every_seconds = {DISPATCH_SECONDS}\nrecheck_every_minutes = 100000",
        'log_level = "WARNING"',
    ]
    for name in names:
        lines.append(f"[sources.{name}]\nevery_minutes = {every_minutes}\njitter_seconds = 0")
    if hook_url:
        lines.append(f'[[channels]]\nname = "hook"\nkind = "webhook"\nurl = "{hook_url}"')
    path = directory / "akimwatch.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    engine = make_engine(database)
    upgrade(engine)
    engine.dispose()
    return path


def env_for(config: Path, server: ReplicaServer) -> dict[str, str]:
    """Our environment aimed at the replicas (this checkout first on the path)."""
    path = os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p)
    return {
        **os.environ,
        "PYTHONPATH": path,
        "AKIMWATCH_CONFIG": str(config),
        "AKIMWATCH_HOST_OVERRIDES": server.overrides_env(),
    }


class Connections:
    """Counts the TCP connections the replica server accepts, per Host (a client port each)."""

    def __init__(self, server: ReplicaServer, hosts: dict[str, str]) -> None:
        self.hosts = hosts
        self.seen: dict[str, set[tuple[str, int]]] = defaultdict(set)
        lock = threading.Lock()
        base: Any = server.httpd.RequestHandlerClass
        seen = self.seen

        class Counting(base):
            def _serve(self) -> None:
                host = (self.headers.get("Host") or "").split(":")[0].lower()
                with lock:
                    seen[hosts.get(host, host)].add(self.client_address)
                super()._serve()

            do_GET = do_POST = do_HEAD = _serve

        server.httpd.RequestHandlerClass = Counting

    def clear(self) -> None:
        """Forget the connections seen so far."""
        self.seen.clear()

    def counts(self) -> dict[str, int]:
        """Connections per source."""
        return {name: len(peers) for name, peers in self.seen.items()}


def run_once(env: dict[str, str]) -> tuple[float, float, str]:
    """``akimwatch run-once --all``: (CPU s of it and its reaped descendants, wall s, output)."""
    started = time.monotonic()
    child = subprocess.Popen(
        [sys.executable, "-c", CLI, "run-once", "--all"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    assert child.stdout is not None
    output = child.stdout.read().decode("utf-8", "replace")
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    wall = time.monotonic() - started
    if child.returncode != 0:
        raise RuntimeError(f"run-once exited {child.returncode}: {output[-1500:]}")
    return usage.ru_utime + usage.ru_stime, wall, output


def idle_round(worker: str, rounds: int) -> dict[str, Any]:
    """``run-once --all`` after two seeding rounds: CPU, wall, requests and connections."""
    sites = replica_sites()
    hosts = {host: name for name, site in sites.items() for host in site.hosts}
    cpu, wall = [], []
    with tempfile.TemporaryDirectory() as tmp, ReplicaServer(list(sites.values())) as server:
        connections = Connections(server, hosts)
        env = env_for(write_config(Path(tmp), list(sites), worker), server)
        for _ in range(2):  # everything stored; the second round settles what the first left
            run_once(env)
        server.clear_log()
        connections.clear()
        for _ in range(rounds):
            seconds, elapsed, _ = run_once(env)
            cpu.append(seconds)
            wall.append(elapsed)
        requests: dict[str, int] = defaultdict(int)
        for entry in server.log:
            requests[hosts.get(entry.host, entry.host)] += 1
        handshakes = sum(1 for e in server.log if e.path.endswith("/_/c/k6"))
        links = connections.counts()
    return {
        "rounds": rounds,
        "cpu_s": round(statistics.median(cpu), 2),
        "cpu_s_each": [round(c, 2) for c in cpu],
        "wall_s": round(statistics.median(wall), 1),
        "requests": {name: round(requests[name] / rounds, 1) for name in sites},
        "connections": {name: round(links.get(name, 0) / rounds, 1) for name in sites},
        "govkz_handshakes": round(handshakes / rounds, 1),
    }


def tree_cpu(root: int) -> float:
    """User + system CPU seconds of ``root`` and its live descendants, each with the children it
    reaped (``/proc``: utime, stime, cutime, cstime): a crawl child reaped by the daemon or by
    the zygote is in its reaper's figure."""
    clock = os.sysconf("SC_CLK_TCK")
    parents: dict[int, int] = {}
    times: dict[int, float] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(entry.name)] = int(fields[1])
        times[int(entry.name)] = sum(int(f) for f in fields[11:15]) / clock
    total, tree = 0.0, {root}
    grown = True
    while grown:
        grown = False
        for pid, parent in parents.items():
            if parent in tree and pid not in tree:
                tree.add(pid)
                grown = True
    for pid in tree:
        total += times.get(pid, 0.0)
    return total


def finished_runs(database: str) -> int:
    """Finished crawl runs so far."""
    engine = make_engine(database)
    try:
        with engine.connect() as connection:
            count = connection.scalar(
                select(func.count()).select_from(CrawlRun).where(CrawlRun.finished_at.is_not(None))
            )
    finally:
        engine.dispose()
    return int(count or 0)


def daemon_round(worker: str, rounds: int) -> dict[str, Any]:
    """The daemon with every source due every second (rounds back to back) once everything is
    stored: CPU of the daemon and its descendants per round of every source."""
    sites = replica_sites()
    with tempfile.TemporaryDirectory() as tmp, ReplicaServer(list(sites.values())) as server:
        config = write_config(Path(tmp), list(sites), worker, every_minutes=1 / 60)
        database = f"sqlite:///{Path(tmp) / 'akimwatch.db'}"
        env = env_for(config, server)
        run_once(env)  # everything stored
        daemon = start_daemon(env, Path(tmp) / "daemon.log")
        try:
            wait_runs(daemon, database, 2 * len(sites))  # warmed up (the zygote started)
            cpu, runs, started = tree_cpu(daemon.pid), finished_runs(database), time.monotonic()
            wait_runs(daemon, database, runs + rounds * len(sites))
            spent = tree_cpu(daemon.pid) - cpu
            done = (finished_runs(database) - runs) / len(sites)
            seconds = time.monotonic() - started
        finally:
            stop(daemon)
    return {
        "rounds": round(done, 1),
        "cpu_s_per_round": round(spent / done, 2),
        "wall_s_per_round": round(seconds / done, 1),
    }


def wait_runs(daemon: subprocess.Popen[bytes], database: str, count: int) -> None:
    """Until ``count`` crawl runs have finished (the daemon must keep running)."""
    deadline = time.monotonic() + 60 + count * 10
    while finished_runs(database) < count:
        if daemon.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"the daemon exited or stalled before {count} runs")
        time.sleep(0.2)


# Regions of the new meetings, one per trial: a second meeting of a region on one day would be an
# update of the first, not a new alert.
REGIONS = (
    *corpus_regions,
    ("Западно-Казахстанской", "Нариман Турегалиева"),
    ("Восточно-Казахстанской", "Ермека Кошербаева"),
    ("Северо-Казахстанской", "Гауеза Нурмухамбетова"),
    ("Алматинской", "Марат Султангазиева"),
    ("Актюбинской", "Асхата Шахарова"),
    ("Кызылординской", "Нурлыбека Налибаева"),
)


def alert_sites() -> tuple[CorpusSite, dict[str, Site]]:
    """The replicas, kazinform's able to publish a new article (48 known ones first); the other
    sites' articles moved three days back, past ``notify_max_age_hours``: stored, never alerted,
    no meeting of today's that a new one would merely update."""
    sites = replica_sites()
    for site in sites.values():
        articles = getattr(site, "articles", None)
        if isinstance(articles, list):
            site.articles = [  # type: ignore[attr-defined]
                replace(a, published=a.published - timedelta(days=3)) for a in articles
            ]
    corpus = CorpusSite(synthetic_articles(48))
    sites["kazinform"] = corpus
    return corpus, sites


def new_meeting(number: int) -> ReplicaArticle:
    """A new reception of the akim of region ``number``, published now."""
    region, akim = REGIONS[number % len(REGIONS)]
    article = meeting_article(number)
    return replace(
        article,
        title=f"Глава государства принял акима {region} области",
        lead=f"Касым-Жомарт Токаев принял акима {region} области {akim}.",
    )


def start_daemon(env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    """``akimwatch daemon``, its log in ``log``."""
    with log.open("ab") as out:
        return subprocess.Popen(
            [sys.executable, "-c", CLI, "daemon"], env=env, cwd=ROOT, stdout=out, stderr=out
        )


def stop(daemon: subprocess.Popen[bytes]) -> None:
    """SIGTERM, then SIGKILL if it does not stop."""
    daemon.terminate()
    try:
        daemon.wait(timeout=60)
    except subprocess.TimeoutExpired:
        daemon.kill()
        daemon.wait()


def time_to_alert(
    worker: str, trials: int, seed: int = 17, minutes: float = INTERVAL_MINUTES
) -> dict[str, Any]:
    """Seconds from a new meeting on the replica to its webhook, the daemon polling every
    ``minutes``; the article appears at a random moment of an interval after the previous
    alert."""
    rng = random.Random(seed)
    corpus, sites = alert_sites()
    receiver = WebhookReceiver().start()
    samples: list[float] = []
    interval = minutes * 60
    with tempfile.TemporaryDirectory() as tmp, ReplicaServer(list(sites.values())) as server:
        config = write_config(
            Path(tmp), list(sites), worker, every_minutes=minutes, hook_url=receiver.url
        )
        env = env_for(config, server)
        run_once({**env})  # seed: everything stored, nothing alerted (no meeting yet)
        log = Path(tmp) / "daemon.log"
        daemon = start_daemon(env, log)
        try:
            time.sleep(rng.uniform(0, interval))
            for number in range(trials):
                seen = set(receiver.arrivals)
                appeared = time.perf_counter()
                corpus.add(new_meeting(number))
                deadline = appeared + 3 * interval + 60
                while not set(receiver.arrivals) - seen:
                    if daemon.poll() is not None or time.perf_counter() > deadline:
                        raise RuntimeError(f"trial {number}: no webhook; {log.read_text()[-1500:]}")
                    time.sleep(0.05)
                new = [t for k, t in receiver.arrivals.items() if k not in seen]
                samples.append(min(new) - appeared)
                time.sleep(rng.uniform(0, interval))
        finally:
            stop(daemon)
            receiver.stop()
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {
        "trials": trials,
        "settings": f"every source every {minutes} min, jitter_seconds = 0, "
        f"dispatch_every_seconds = {DISPATCH_SECONDS}, worker = {worker}",
        "median_s": round(statistics.median(samples), 1),
        "p95_s": round(p95, 1),
        "min_s": round(ordered[0], 1),
        "max_s": round(ordered[-1], 1),
    }


def loadavg() -> float:
    """The 1-minute load average (other work on the machine colours the wall times)."""
    return round(os.getloadavg()[0], 2)


def run(
    quick: bool = False, only: tuple[str, ...] = ("idle", "alert"), workers: tuple[str, ...] = ()
) -> dict[str, Any]:
    """Both figures for each worker (idle: 3 rounds; alert: 12 trials at a 60 s interval).
    ``quick`` is a smoke run: the warm worker only, 1 round, 1 alert trial at a 15 s interval."""
    workers = (workers or WORKERS)[-1:] if quick else workers or WORKERS
    figures: dict[str, Any] = {"load_at_start": loadavg()}
    if "idle" in only:
        for worker in workers:
            figures[f"idle_round_{worker}"] = idle_round(worker, 1 if quick else 3)
            figures[f"daemon_round_{worker}"] = daemon_round(worker, 1 if quick else 10)
    if "alert" in only:
        trials, minutes = (1, QUICK_INTERVAL_MINUTES) if quick else (len(REGIONS), INTERVAL_MINUTES)
        for worker in workers:
            figures[f"time_to_alert_{worker}"] = time_to_alert(worker, trials, minutes=minutes)
        if quick:
            figures["time_to_alert_note"] = "--quick: 1 trial at a 15 s interval, a smoke run"
    if "idle" in only:
        figures["polling_cpu_s_per_idle_round"] = {
            f"daemon_{worker}": figures[f"daemon_round_{worker}"]["cpu_s_per_round"]
            for worker in workers
        } | {f"run_once_{worker}": figures[f"idle_round_{worker}"]["cpu_s"] for worker in workers}
    figures["load_at_end"] = loadavg()
    return figures


def main(argv: list[str]) -> None:
    """Print the figures as JSON."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.polling", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="warm only, 1 round, 1 alert trial")
    parser.add_argument("--only", nargs="*", choices=("idle", "alert"), default=["idle", "alert"])
    parser.add_argument("--worker", nargs="*", choices=WORKERS, default=list(WORKERS))
    args = parser.parse_args(argv)
    print(json.dumps(run(args.quick, tuple(args.only), tuple(args.worker)), indent=2))


if __name__ == "__main__":
    main(sys.argv[1:])
