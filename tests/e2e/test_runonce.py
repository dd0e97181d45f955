"""``akimwatch run-once`` as cron runs it: one line per source, exit 1 when a source failed; on a
machine without network every source fails fast, names the cause and points to the demo. Also
``scrapy crawl NAME`` itself: non-zero on a bad run, one line on a database not migrated."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest
from crawling import ROOT, crawl_command, crawl_env, write_config

import sources
from core.config import Config
from replicas import ReplicaServer
from scheduler.lock import InstanceLock
from sources.kazinform.replica import KazinformSite
from storage.engine import make_engine
from storage.migrate import current_revision

pytestmark = pytest.mark.slow
MAIN = "import sys; from akimwatch.cli import main; sys.exit(main())"
HOSTS = [h for source in sources.registry().values() for h in source.replica_class().hosts]
NOWHERE = ",".join(f"{host}=http://akimwatch-test.invalid" for host in HOSTS)  # never resolves
OFFLINE_BOUND = 60.0  # seconds: the README's first command on a machine without network


def run_once(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-c", MAIN, "run-once", *args, "--no-dispatch"]
    return subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True,
                          timeout=180, check=False)  # fmt: skip


def offline_env(config: Path) -> dict[str, str]:
    """The crawl environment with every source's hosts routed to a name that never resolves."""
    with ReplicaServer([KazinformSite(page_size=1)]) as server:
        env = crawl_env(config, server)
    return {**env, "AKIMWATCH_HOST_OVERRIDES": NOWHERE}


def test_a_healthy_source_is_ok_and_exits_zero(tmp_path: Path) -> None:
    config, _ = write_config(tmp_path, '[sources.kazinform]\nlanguages = ["ru"]\n')
    with ReplicaServer([KazinformSite(page_size=5)]) as server:
        done = run_once(crawl_env(config, server), "kazinform")
    assert done.returncode == 0, done.stdout + done.stderr[-2000:]
    assert done.stdout.startswith("kazinform  ok ")


def test_a_source_whose_host_refuses_connections_fails_fast_and_exits_one(tmp_path: Path) -> None:
    config, _ = write_config(tmp_path, '[sources.kazinform]\nlanguages = ["ru"]\n')
    with ReplicaServer([KazinformSite(page_size=5)]) as server:
        env = crawl_env(config, server)  # the server is gone below: every connection is refused
    started = time.monotonic()
    done = run_once(env, "kazinform")
    assert time.monotonic() - started < 30, done.stdout
    assert done.returncode == 1, done.stdout + done.stderr[-2000:]
    assert done.stdout.startswith(
        "kazinform  FAILED (cannot reach www.inform.kz: connection refused)"
    ), done.stdout


def test_without_network_every_source_fails_fast_naming_the_cause_and_the_demo(
    tmp_path: Path,
) -> None:
    """The README's first command on a fresh clone: no database yet, the default configuration
    (so every source is due), every host unresolvable."""
    config = tmp_path / "akimwatch.toml"
    config.write_text(f'data_dir = "{tmp_path / "data"}"\n', encoding="utf-8")
    started = time.monotonic()
    done = run_once(offline_env(config))
    seconds = time.monotonic() - started
    print(f"run-once, every source unreachable: {seconds:.1f}s")  # the measured figure
    assert seconds < OFFLINE_BOUND, done.stdout
    assert done.returncode == 1, done.stdout + done.stderr[-2000:]
    lines = done.stdout.splitlines()
    assert [line.split()[0] for line in lines] == list(sources.names())
    for line in lines:
        assert "FAILED (cannot reach " in line and "name does not resolve (no network?)" in line
    assert "`akimwatch demo`" in done.stderr and "Traceback" not in done.stderr


def test_scrapy_crawl_exits_non_zero_without_network(tmp_path: Path) -> None:
    config, _ = write_config(tmp_path)
    started = time.monotonic()
    done = subprocess.run(crawl_command("govkz", "projects=akorda,astana", "languages=ru,kk"),
                          env=offline_env(config), cwd=ROOT, capture_output=True, text=True,
                          timeout=120, check=False)  # fmt: skip
    assert time.monotonic() - started < 30, done.stderr[-2000:]
    assert done.returncode == 1, done.stderr[-2000:]
    last = done.stderr.strip().splitlines()[-1]
    assert last.endswith("was bad: cannot reach www.gov.kz: name does not resolve (no network?)")


def test_scrapy_crawl_on_a_database_not_migrated_says_so_in_one_line(tmp_path: Path) -> None:
    config = tmp_path / "akimwatch.toml"
    config.write_text(f'data_dir = "{tmp_path}"\n', encoding="utf-8")
    done = subprocess.run(crawl_command("kazinform"), env=offline_env(config), cwd=ROOT,
                          capture_output=True, text=True, timeout=120, check=False)  # fmt: skip
    assert done.returncode == 1
    assert "Traceback" not in done.stderr, done.stderr[-2000:]
    lines = [line for line in done.stderr.splitlines() if "akimwatch db upgrade" in line]
    assert len(lines) == 1 and lines[0].startswith("akimwatch: the database "), done.stderr


def test_a_run_once_beside_a_running_instance_neither_migrates_nor_crawls(tmp_path: Path) -> None:
    """Another configuration (its own data_dir) on the same database holds the lock: run-once
    exits 75 before touching the schema."""
    url = f"sqlite:///{tmp_path / 'shared.db'}"
    config = tmp_path / "cron.toml"
    config.write_text(f'data_dir = "{tmp_path / "cron"}"\n[database]\nurl = "{url}"\n',
                      encoding="utf-8")  # fmt: skip
    daemon = Config.model_validate({"data_dir": tmp_path / "daemon", "database": {"url": url}})
    engine = make_engine(url)
    try:
        with InstanceLock(daemon, engine):
            done = run_once(offline_env(config), "kazinform")
        assert done.returncode == 75, done.stdout + done.stderr[-2000:]
        assert "another akimwatch daemon or run-once is running" in done.stderr
        assert current_revision(engine) is None  # not migrated beside the lock holder
    finally:
        engine.dispose()
