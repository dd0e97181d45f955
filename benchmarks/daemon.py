"""The daemon over many short cycles: its memory and the requests it makes when nothing is new.

``python -m benchmarks.daemon [--quick]`` starts the real ``akimwatch daemon`` as a child process
against the local replicas of every source (through ``AKIMWATCH_HOST_OVERRIDES``, as the e2e tests
do), with every source due each ``INTERVAL_SECONDS``. A crawl child needs a second or two of CPU to
start Scrapy, so the interval cannot be the cycle: a *cycle* is one round of every source's job,
counted from finished runs in ``crawl_runs``. It prints JSON:

- ``daemon_rss_mb_start`` / ``_at_10pct`` / ``_end`` / ``_max``: the daemon process's own resident
  memory (``VmRSS``; its crawl children are separate processes) after cycle 1, 10% and the last;
- ``daemon_rss_slope_mb_per_100_cycles``: least-squares slope of the RSS samples from 10% on;
- ``requests_per_idle_cycle``: per source, replica requests per run once everything is stored
  (from the replica request log, after ``WARMUP_CYCLES``; ``idle_new_articles`` should be 0).

The change re-check job is pushed past the end of the run, so the figures are the regular crawls.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, func, select

import sources
from akimwatch.demo import replica_sites
from replicas import ReplicaServer
from storage.engine import make_engine
from storage.migrate import upgrade
from storage.models import CrawlRun

INTERVAL_SECONDS = 1.0
WARMUP_CYCLES = 2
DAEMON = "from akimwatch.cli import main; main()"


def write_config(directory: Path) -> Path:
    """Every source due each INTERVAL_SECONDS, no politeness delays, quiet logs, an Atom feed."""
    database = f"sqlite:///{directory / 'akimwatch.db'}"
    lines = [
        f"data_dir = {json.dumps(str(directory))}",
        f"[database]\nurl = {json.dumps(database)}",
        "[crawl]\ndownload_delay = 0\nautothrottle = false\nretry_times = 0\ntimeout_seconds = 120",
        "[daemon]\ndispatch_every_seconds = 5\nrecheck_every_minutes = 100000",
        f'log_level = "WARNING"\nfeed_path = {json.dumps(str(directory / "meetings.atom"))}',
    ]
    for name in replica_sites():
        every = INTERVAL_SECONDS / 60
        lines.append(f"[sources.{name}]\nevery_minutes = {every}\njitter_seconds = 0")
        options = sources.get(name).demo_config
        lines += [f"{key} = {json.dumps(value)}" for key, value in options.items()]
    path = directory / "akimwatch.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def rss_mb(pid: int) -> float:
    """A process's resident set size in MB, from /proc."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for pid {pid}")


def cpu_seconds(pid: int) -> float:
    """A process's own user + system CPU time so far, from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def finished_runs(engine: Engine) -> dict[str, int]:
    """Finished crawl runs per source."""
    with engine.connect() as connection:
        rows = connection.execute(
            select(CrawlRun.spider, func.count())
            .where(CrawlRun.finished_at.is_not(None))
            .group_by(CrawlRun.spider)
        ).all()
    return {spider: int(count) for spider, count in rows}


def new_articles_since(engine: Engine, run_id: int) -> int:
    """New articles stored by the runs after ``run_id``."""
    with engine.connect() as connection:
        total = connection.scalar(
            select(func.sum(CrawlRun.new_articles)).where(CrawlRun.id > run_id)
        )
    return int(total or 0)


class Bench:
    """One daemon run: samples RSS at each cycle and counts requests after the warm-up."""

    def __init__(self, server: ReplicaServer, engine: Engine, sources: list[str]) -> None:
        self.server, self.engine, self.sources = server, engine, sources
        self.hosts = {h: name for name, site in replica_sites().items() for h in site.hosts}
        self.samples: list[tuple[int, float]] = []
        self.runs_at_warmup: dict[str, int] = {}
        self.last_run_at_warmup = 0
        self.cpu_at_warmup = self.cpu_at_end = 0.0

    def cycle(self, runs: dict[str, int]) -> int:
        """Complete rounds: the fewest finished runs of any source."""
        return min(runs.get(name, 0) for name in self.sources)

    def follow(
        self, daemon: subprocess.Popen[bytes], cycles: int, timeout: float
    ) -> dict[str, int]:
        """Poll until ``cycles`` rounds are done; returns the finished runs at the end."""
        deadline, seen = time.monotonic() + timeout, 0
        while True:
            if daemon.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"daemon exited or stalled at cycle {seen} of {cycles}")
            runs = finished_runs(self.engine)
            done = self.cycle(runs)
            if done > seen:
                seen = done
                self.samples.append((done, rss_mb(daemon.pid)))
                if done >= WARMUP_CYCLES and not self.runs_at_warmup:
                    self.warmed_up(runs)
                    self.cpu_at_warmup = cpu_seconds(daemon.pid)
                if done >= cycles:
                    self.cpu_at_end = cpu_seconds(daemon.pid)
                    return runs
            time.sleep(0.2)

    def warmed_up(self, runs: dict[str, int]) -> None:
        """Everything is stored: count requests from here on."""
        self.server.clear_log()
        self.runs_at_warmup = runs
        with self.engine.connect() as connection:
            self.last_run_at_warmup = connection.scalar(select(func.max(CrawlRun.id))) or 0

    def requests_per_run(self, runs: dict[str, int]) -> dict[str, float]:
        """Replica requests per source per run since the warm-up (within a run at the edges)."""
        counts = Counter(self.hosts.get(entry.host, entry.host) for entry in self.server.log)
        return {
            name: round(counts[name] / max(1, runs[name] - self.runs_at_warmup[name]), 2)
            for name in self.sources
        }


def rss_figures(samples: list[tuple[int, float]], cycles: int) -> dict[str, float]:
    """Start, 10%, end and max RSS, and the slope of the samples from 10% on."""
    tenth = max(1, cycles // 10)
    later = [(cycle, mb) for cycle, mb in samples if cycle >= tenth]
    slope = statistics.linear_regression([c for c, _ in later], [mb for _, mb in later]).slope
    return {
        "daemon_rss_mb_start": round(samples[0][1], 1),
        "daemon_rss_mb_at_10pct": round(later[0][1], 1),
        "daemon_rss_mb_end": round(samples[-1][1], 1),
        "daemon_rss_mb_max": round(max(mb for _, mb in samples), 1),
        "daemon_rss_slope_mb_per_100_cycles": round(slope * 100, 2),
    }


def start_daemon(config: Path, server: ReplicaServer, log: Path) -> subprocess.Popen[bytes]:
    """``akimwatch --config CONFIG daemon`` aimed at the replicas, its log in ``log``."""
    env = {**os.environ, "AKIMWATCH_HOST_OVERRIDES": server.overrides_env()}
    with log.open("wb") as out:
        return subprocess.Popen(
            [sys.executable, "-c", DAEMON, "--config", str(config), "daemon"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=out,
        )


def stop_daemon(daemon: subprocess.Popen[bytes]) -> int:
    """SIGTERM the daemon and wait for it (SIGKILL if it does not stop)."""
    daemon.send_signal(signal.SIGTERM)
    try:
        return daemon.wait(timeout=60)
    except subprocess.TimeoutExpired:
        daemon.kill()
        return daemon.wait()


def run(quick: bool = False, cycles: int | None = None) -> dict[str, Any]:
    """Run the daemon for 200 cycles (``quick``: 10) and report its memory and idle requests."""
    cycles = cycles or (10 if quick else 200)
    sites = replica_sites()
    with tempfile.TemporaryDirectory() as tmp, ReplicaServer(list(sites.values())) as server:
        config = write_config(Path(tmp))
        engine = make_engine(f"sqlite:///{Path(tmp) / 'akimwatch.db'}")
        upgrade(engine)
        bench = Bench(server, engine, list(sites))
        daemon = start_daemon(config, server, Path(tmp) / "daemon.log")
        started = time.monotonic()
        try:
            runs = bench.follow(daemon, cycles, timeout=30 + cycles * 20)
        except RuntimeError as exc:
            raise RuntimeError(f"{exc}: {(Path(tmp) / 'daemon.log').read_text()[-2000:]}") from None
        finally:
            seconds = time.monotonic() - started
            stop_daemon(daemon)
        idle_new = new_articles_since(engine, bench.last_run_at_warmup)
        engine.dispose()
    return {
        "cycles": cycles,
        "cycle": f"one round of every source's crawl job (interval {INTERVAL_SECONDS:g} s)",
        "sources": list(sites),
        "cycle_seconds_mean": round(seconds / cycles, 2),
        "daemon_cpu_ms_per_idle_cycle": round(
            (bench.cpu_at_end - bench.cpu_at_warmup) * 1000 / (cycles - WARMUP_CYCLES), 1
        ),
        **rss_figures(bench.samples, cycles),
        "requests_per_idle_cycle": bench.requests_per_run(runs),
        "idle_new_articles": idle_new,
    }


def main(argv: list[str]) -> None:
    """``[--quick] [--cycles N]``: print the figures as JSON."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.daemon", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="10 cycles, for CI")
    parser.add_argument("--cycles", type=int, help="how many cycles (default 200, quick 10)")
    args = parser.parse_args(argv)
    print(json.dumps(run(quick=args.quick, cycles=args.cycles), indent=2))


if __name__ == "__main__":
    main(sys.argv[1:])
