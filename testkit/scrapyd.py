"""Real Scrapyd servers on loopback ports for tests: each in its own directory with its own
``scrapyd.conf``, in its own process group (so :meth:`ScrapydNode.kill` takes the crawls it
started down with it, as a machine that dies would).

    with scrapyd_nodes(2, tmp_path, env) as nodes:
        config += "".join(node.toml() for node in nodes)
        ...
        nodes[0].kill()
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import httpx

STARTUP_SECONDS = 30.0
CONF = """[scrapyd]
bind_address = 127.0.0.1
http_port = {port}
username = {username}
password = {password}
eggs_dir = {dir}/eggs
logs_dir = {dir}/logs
items_dir =
dbs_dir = {dir}/dbs
max_proc = {max_proc}
poll_interval = {poll_interval}
jobs_to_keep = 20
finished_to_keep = 100
"""


@dataclass
class ScrapydNode:
    """One running Scrapyd server: ``url``, ``label`` (its ``[[crawl.nodes]]`` name), its
    directory (``scrapyd.log`` there holds its output) and process."""

    label: str
    url: str
    directory: Path
    process: subprocess.Popen[bytes]
    username: str = ""
    password: str = ""

    def toml(self) -> str:
        """This node as a ``[[crawl.nodes]]`` entry of a configuration file."""
        text = f'[[crawl.nodes]]\nurl = "{self.url}"\nname = "{self.label}"\n'
        if self.username:
            text += f'username = "{self.username}"\npassword = "{self.password}"\n'
        return text

    def alive(self) -> bool:
        """Whether the server process still runs."""
        return self.process.poll() is None

    def kill(self) -> None:
        """SIGKILL the server and every crawl it started (its process group), as a crash."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()

    def stop(self, grace: float = 5.0) -> None:
        """SIGTERM the process group, SIGKILL it after ``grace`` seconds."""
        if not self.alive():
            self.kill()  # its crawls may outlive it
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=grace)
        self.kill()

    def log(self) -> str:
        """The server's output so far."""
        return (self.directory / "scrapyd.log").read_text(encoding="utf-8", errors="replace")

    def get(self, endpoint: str, **params: str) -> dict[str, object]:
        """GET one of the node's JSON endpoints."""
        auth = (self.username, self.password) if self.username else None
        reply = httpx.get(f"{self.url}/{endpoint}", params=params, auth=auth, timeout=5)
        data: dict[str, object] = reply.json()
        return data


def free_port() -> int:
    """A loopback TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def start_node(
    directory: Path,
    label: str,
    env: Mapping[str, str],
    *,
    username: str = "",
    password: str = "",
    max_proc: int = 2,
    poll_interval: float = 0.5,
) -> ScrapydNode:
    """Start a Scrapyd server in ``directory`` with ``env`` (its crawls inherit it) and wait
    until ``daemonstatus.json`` answers."""
    directory.mkdir(parents=True, exist_ok=True)
    port = free_port()
    conf = CONF.format(port=port, username=username, password=password, dir=directory,
                       max_proc=max_proc, poll_interval=poll_interval)  # fmt: skip
    (directory / "scrapyd.conf").write_text(conf, encoding="utf-8")
    with (directory / "scrapyd.log").open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "scrapyd", "--pidfile="],
            cwd=directory,
            env=dict(env),
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    node = ScrapydNode(label, f"http://127.0.0.1:{port}", directory, process, username, password)
    _wait_ready(node)
    return node


def _wait_ready(node: ScrapydNode) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while True:
        try:
            node.get("daemonstatus.json")
            return
        except (httpx.HTTPError, ValueError):
            pass
        if not node.alive() or time.monotonic() > deadline:
            node.stop()
            raise RuntimeError(f"Scrapyd {node.label} did not start:\n{node.log()[-3000:]}")
        time.sleep(0.1)


@contextlib.contextmanager
def scrapyd_nodes(
    count: int,
    tmp_path: Path,
    env: Mapping[str, str],
    *,
    username: str = "",
    password: str = "",
    max_proc: int = 2,
) -> Iterator[list[ScrapydNode]]:
    """``count`` Scrapyd servers labelled ``crawl-1``…, in ``tmp_path/scrapyd-N``, with the
    environment ``env`` (give it PYTHONPATH and the AKIMWATCH_* a crawl needs); every one is
    stopped (with its crawls) on exit. The other arguments go to :func:`start_node`."""
    nodes: list[ScrapydNode] = []
    try:
        for number in range(1, count + 1):
            directory = tmp_path / f"scrapyd-{number}"
            label = f"crawl-{number}"
            nodes.append(start_node(directory, label, env, username=username,
                                    password=password, max_proc=max_proc))  # fmt: skip
        yield nodes
    finally:
        for node in nodes:
            node.stop()
