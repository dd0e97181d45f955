"""``akimwatch run-once`` as cron runs it: one line per source, exit 1 when a source failed."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from crawling import ROOT, crawl_env, write_config

from akimwatch.replicas import ReplicaServer
from akimwatch.replicas.kazinform import KazinformSite

pytestmark = pytest.mark.slow
MAIN = "import sys; from akimwatch.cli import main; sys.exit(main())"


def run_once(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-c", MAIN, "run-once", "kazinform", "--no-dispatch"]
    return subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True,
                          timeout=180, check=False)  # fmt: skip


def test_a_healthy_source_is_ok_and_exits_zero(tmp_path: Path) -> None:
    config, _ = write_config(tmp_path, '[sources.kazinform]\nlanguages = ["ru"]\n')
    with ReplicaServer([KazinformSite(page_size=5)]) as server:
        done = run_once(crawl_env(config, server))
    assert done.returncode == 0, done.stdout + done.stderr[-2000:]
    assert done.stdout.startswith("kazinform  ok ")


def test_a_source_that_fetched_nothing_is_failed_and_exits_one(tmp_path: Path) -> None:
    config, _ = write_config(tmp_path, '[sources.kazinform]\nlanguages = ["ru"]\n')
    with ReplicaServer([KazinformSite(page_size=5)]) as server:
        env = crawl_env(config, server)  # the server is gone below: every connection is refused
    done = run_once(env)
    assert done.returncode == 1, done.stdout + done.stderr[-2000:]
    assert done.stdout.startswith("kazinform  FAILED (fetched no page)"), done.stdout
