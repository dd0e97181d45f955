"""The progress display: on a terminal a crawl rewrites one status line; elsewhere it is silent."""

from __future__ import annotations

import os
import pty
import subprocess
from pathlib import Path

import pytest
from crawling import ROOT, crawl_command, crawl_env, write_config

from akimwatch.replicas import ReplicaServer
from akimwatch.replicas.kazinform import KazinformSite
from crawler.progress import progress_line

pytestmark = pytest.mark.slow


def _read_all(fd: int) -> str:
    chunks = []
    while True:
        try:
            chunk = os.read(fd, 65536)
        except OSError:  # the terminal's other end closed
            break
        if not chunk:
            break
        chunks.append(chunk)
    return b"".join(chunks).decode("utf-8", "replace")


def _crawl_with_stderr_on_a_terminal(tmp_path: Path) -> tuple[int, str]:
    config, _ = write_config(tmp_path)
    main, other = pty.openpty()
    with ReplicaServer([KazinformSite(page_size=5)]) as server:
        child = subprocess.Popen(
            crawl_command("kazinform", "languages=ru"), env=crawl_env(config, server), cwd=ROOT,
            stdout=subprocess.DEVNULL, stderr=other,
        )  # fmt: skip
        os.close(other)
        output = _read_all(main)
        code = child.wait(timeout=180)
    os.close(main)
    return code, output


def test_a_crawl_on_a_terminal_redraws_one_progress_line(tmp_path: Path) -> None:
    code, output = _crawl_with_stderr_on_a_terminal(tmp_path)
    assert code == 0, output[-3000:]
    lines = [line for line in output.split("\r") if line.startswith("\x1b[Kkazinform: ")]
    assert lines, output[-3000:]
    assert lines[-1].rstrip().endswith("errors (finished)")
    assert " 0 pages" not in lines[-1]


def test_no_progress_line_when_stderr_is_not_a_terminal(tmp_path: Path) -> None:
    config, _ = write_config(tmp_path)
    with ReplicaServer([KazinformSite(page_size=5)]) as server:
        done = subprocess.run(
            crawl_command("kazinform", "languages=ru"), env=crawl_env(config, server), cwd=ROOT,
            capture_output=True, text=True, timeout=180, check=False,
        )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    assert "kazinform: " not in done.stderr and "\r" not in done.stderr


def test_the_line_counts_pages_articles_new_and_errors() -> None:
    stats: dict[str, object] = {
        "downloader/response_count": 12, "item_scraped_count": 9,
        "akimwatch/new_articles": 4, "log_count/ERROR": 1,
    }  # fmt: skip
    assert progress_line("akorda", stats) == "akorda: 12 pages, 9 articles (4 new), 1 errors"
    assert progress_line("govkz", {}) == "govkz: 0 pages, 0 articles (0 new), 0 errors"
