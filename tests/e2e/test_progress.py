"""The progress display: on a terminal a crawl rewrites one status line, and so does ``run-once``
(after a line as each child starts); elsewhere both are silent."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest
from crawling import ROOT, crawl_command, crawl_env, write_config

from crawler.progress import progress_line
from replicas import ReplicaServer
from sources.kazinform.replica import KazinformSite

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


RUN_ONCE = "import sys; from akimwatch.cli import main; sys.exit(main())"


def _run_once_with_stdout_on_a_terminal(tmp_path: Path) -> tuple[int, str, str]:
    config, _ = write_config(tmp_path, '[sources.kazinform]\nlanguages = ["ru"]\n')
    main, other = pty.openpty()
    command = [sys.executable, "-c", RUN_ONCE, "run-once", "kazinform", "--no-dispatch"]
    with ReplicaServer([KazinformSite(page_size=5)]) as server:
        child = subprocess.Popen(
            command, env=crawl_env(config, server), cwd=ROOT, stdout=other,
            stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        os.close(other)
        output = _read_all(main)
        code = child.wait(timeout=180)
        assert child.stderr is not None
        errors = child.stderr.read()
        child.stderr.close()
    os.close(main)
    return code, output, errors


def test_run_once_on_a_terminal_says_what_it_crawls_and_passes_the_progress_through(
    tmp_path: Path,
) -> None:
    code, output, errors = _run_once_with_stdout_on_a_terminal(tmp_path)
    assert code == 0, output[-3000:] + errors[-3000:]
    started = output.index("kazinform: crawling…")
    drawn = [line for line in output.split("\r") if line.startswith("\x1b[Kkazinform: ")]
    drawn = [line for line in drawn if " pages, " in line]
    assert drawn and output.index(drawn[0]) > started, output[-3000:]
    final = next(line for line in drawn if line.rstrip().endswith("errors (finished)"))
    assert " 0 pages" not in final
    assert "kazinform  ok " in output.split(final, 1)[1], output[-3000:]  # the summary after it
    assert " INFO: " not in output and " INFO: " not in errors  # the child's log stays out


def test_run_once_under_a_pipe_prints_only_the_summary(tmp_path: Path) -> None:
    config, _ = write_config(tmp_path, '[sources.kazinform]\nlanguages = ["ru"]\n')
    command = [sys.executable, "-c", RUN_ONCE, "run-once", "kazinform", "--no-dispatch"]
    with ReplicaServer([KazinformSite(page_size=5)]) as server:
        done = subprocess.run(
            command, env=crawl_env(config, server), cwd=ROOT, capture_output=True, text=True,
            timeout=180, check=False,
        )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr[-3000:]
    assert done.stdout.startswith("kazinform  ok ") and "\r" not in done.stdout, done.stdout
    assert "crawling" not in done.stdout + done.stderr


def test_the_line_counts_pages_articles_new_and_errors() -> None:
    stats: dict[str, object] = {
        "downloader/response_count": 12, "item_scraped_count": 9,
        "akimwatch/new_articles": 4, "log_count/ERROR": 1,
    }  # fmt: skip
    assert progress_line("akorda", stats) == "akorda: 12 pages, 9 articles (4 new), 1 errors"
    assert progress_line("govkz", {}) == "govkz: 0 pages, 0 articles (0 new), 0 errors"
