"""The launcher's side of the warm crawl worker: a zygote process (``crawler.zygote``) that has
imported Scrapy, Twisted and our crawler once and forks one fresh child per crawl.

A forked crawl keeps every property of a ``python -m scrapy crawl`` child: its own process group
(the launcher's hard timeout signals it alone), SIGKILL when its parent dies (the zygote, which
itself dies with the launcher's thread that started it: a thread of its own here, living as long
as the launcher), the environment and arguments of its launch, its exit status. The zygote
reports that status and keeps the child unreaped until the launcher has read it, so the pid the
launcher signals cannot have been reused. This module never imports Scrapy (the daemon doesn't).

The zygote's memory does not grow with the crawls (they run in the children, each a fresh
process), but it is replaced after ``recycle_crawls`` forks or above ``max_rss_mb`` anyway (new
code on disk, a library caching at import); a retired zygote exits when its last crawl ends.
Should a zygote fail to start, the launcher crawls cold.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import select
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from core.sections import CrawlConfig

logger = logging.getLogger(__name__)
READY_SECONDS = 120  # preloading takes 1 to 2 CPU seconds; a loaded machine is slower
REPLY_SECONDS = 30
KILLED = -9  # a crawl whose zygote died went with it (PR_SET_PDEATHSIG: SIGKILL)


class ZygoteFailed(RuntimeError):
    """The zygote could not be started or did not answer."""


@dataclass(frozen=True)
class WarmWorker:
    """``[crawl] worker = "warm"`` and its recycling limits."""

    recycle_crawls: int = 200
    max_rss_mb: int = 400

    @classmethod
    def configured(cls, crawl: CrawlConfig) -> WarmWorker | None:
        """The warm worker ``[crawl]`` asks for; None: a fresh process per crawl (``cold``)."""
        if crawl.worker != "warm":
            return None
        return cls(crawl.worker_recycle_crawls, crawl.worker_max_rss_mb)


class ForkedChild:
    """A crawl forked by a zygote: as much of ``subprocess.Popen`` as the launcher uses."""

    def __init__(self, conn: socket.socket, pid: int, args: Sequence[str]) -> None:
        conn.setblocking(False)  # read only what is there; waits are select()'s
        self.conn: socket.socket | None = conn
        self.pid = pid
        self.args = list(args)
        self.returncode: int | None = None
        self._pending = b""
        self._lock = threading.Lock()

    def poll(self) -> int | None:
        """The exit status if the crawl has ended, else None."""
        self._settle(0)
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        """Wait for the end (``subprocess.TimeoutExpired`` past ``timeout`` seconds)."""
        if not self._settle(timeout):
            raise subprocess.TimeoutExpired(self.args, timeout or 0)
        assert self.returncode is not None
        return self.returncode

    def _settle(self, timeout: float | None) -> bool:
        """Whether the crawl has ended, waiting up to ``timeout``; threads may wait at once
        (the crawl's own and ``close``), one reads at a time."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            with self._lock:
                if self.returncode is None:
                    self._take()
                if self.returncode is not None:
                    return True
                conn = self.conn
            assert conn is not None
            left = 1.0 if deadline is None else min(1.0, deadline - time.monotonic())
            if left <= 0:
                return False
            with contextlib.suppress(ValueError, OSError):  # closed by the other thread
                select.select([conn], [], [], left)

    def _take(self) -> None:
        """Read what the zygote wrote: ``exit RC`` ends the crawl, so does end of file (the
        zygote died, and its crawls with it); then release the child (the zygote reaps it)."""
        assert self.conn is not None
        while b"\n" not in self._pending:
            try:
                chunk = self.conn.recv(256)
            except (BlockingIOError, InterruptedError):
                return
            except OSError:
                chunk = b""
            if not chunk:
                logger.warning("crawl pid %s: its zygote ended first", self.pid)
                self._end(KILLED)
                return
            self._pending += chunk
        line, _, self._pending = self._pending.partition(b"\n")
        word, _, value = line.decode().partition(" ")
        self._end(int(value) if word == "exit" else KILLED)

    def _end(self, code: int) -> None:
        self.returncode = code
        if self.conn is not None:
            self.conn.close()  # the zygote reaps the child now
            self.conn = None


class Zygote:
    """One zygote process and its control channel."""

    def __init__(
        self, env: Mapping[str, str], preexec: Callable[[], None], cwd: str | None = None
    ) -> None:
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        try:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "crawler.zygote", str(theirs.fileno())],
                env=dict(env),
                cwd=cwd,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                pass_fds=[theirs.fileno()],
                preexec_fn=preexec,
                start_new_session=True,  # a Ctrl-C to our group reaches us, not the crawls
            )
        finally:
            theirs.close()
        self.control: socket.socket | None = ours
        self.forks = 0
        ours.settimeout(READY_SECONDS)
        try:
            answer = ours.recv(4096).decode("utf-8", "replace")
        except OSError as exc:
            answer = f"error {exc}"
        if not answer.startswith("ready "):
            self.kill()
            raise ZygoteFailed(answer.removeprefix("error ") or "the zygote exited")
        ours.settimeout(REPLY_SECONDS)

    @property
    def pid(self) -> int:
        """The zygote's process id."""
        return self.process.pid

    def fork(
        self, argv: Sequence[str], env: Mapping[str, str], cwd: str, stdout: int, stderr: int
    ) -> ForkedChild:
        """One crawl child running ``scrapy`` with ``argv`` (after the interpreter's options)."""
        if self.control is None:
            raise ZygoteFailed("retired")
        ours, theirs = socket.socketpair()
        try:
            request = {"argv": list(argv), "env": dict(env), "cwd": cwd}
            data = json.dumps(request).encode()
            try:
                socket.send_fds(self.control, [data], [theirs.fileno(), stdout, stderr])
            except OSError as exc:
                raise ZygoteFailed(f"the zygote is gone: {exc}") from None
        finally:
            theirs.close()
        self.forks += 1
        ours.settimeout(REPLY_SECONDS)
        line = b""
        try:
            while not line.endswith(b"\n"):
                chunk = ours.recv(64)
                if not chunk:
                    break
                line += chunk
        except OSError:
            pass
        word, _, value = line.decode().strip().partition(" ")
        if word != "pid":
            ours.close()
            raise ZygoteFailed(f"no crawl started (answer {line!r})")
        return ForkedChild(ours, int(value), ["scrapy", *argv[1:]])

    def rss_mb(self) -> float:
        """The zygote's resident memory (0 once it is gone)."""
        try:
            status = Path(f"/proc/{self.pid}/status").read_text()
        except OSError:
            return 0.0
        for line in status.splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        return 0.0

    def retire(self) -> None:
        """No more forks: the zygote exits once its running crawls have ended."""
        if self.control is not None:
            self.control.close()
            self.control = None

    def alive(self) -> bool:
        """Whether the process still runs (reaped when it has ended)."""
        return self.process.poll() is None

    def kill(self) -> None:
        """SIGKILL the zygote (its crawls die with it) and reap it."""
        self.retire()
        with contextlib.suppress(ProcessLookupError):
            self.process.kill()
        self.process.wait()


class Zygotes:
    """The launcher's current zygote, replaced when it is spent; retired ones wind down."""

    def __init__(
        self, settings: WarmWorker, env: Mapping[str, str], preexec: Callable[[int], None]
    ) -> None:
        self.settings = settings
        self.env = dict(env)
        self.preexec = preexec  # called in the zygote before exec with the starting pid
        self.current: Zygote | None = None
        self.retired: list[Zygote] = []
        self.failed = False
        self.forked = 0  # crawls forked, over every zygote
        # Started from one long-lived thread: PR_SET_PDEATHSIG fires when the starting thread
        # ends, and a zygote outlives the crawl (and the worker thread) that first needed it.
        self._spawner = ThreadPoolExecutor(max_workers=1, thread_name_prefix="zygote")

    def fork(
        self, command: Sequence[str], env: Mapping[str, str], stdout: int, stderr: int
    ) -> ForkedChild | None:
        """A crawl child from the current zygote; None: crawl cold (no zygote could start)."""
        for _attempt in range(2):
            zygote = self._zygote()
            if zygote is None:
                return None
            try:
                child = zygote.fork(command[2:], env, os.getcwd(), stdout, stderr)
            except ZygoteFailed as exc:
                logger.warning("zygote %s: %s; starting another", zygote.pid, exc)
                self.current = None
                zygote.kill()
            else:
                self.forked += 1
                return child
        return None

    def _zygote(self) -> Zygote | None:
        self.retired = [z for z in self.retired if z.alive()]
        zygote = self.current
        if zygote is not None and not self._fit(zygote):
            zygote.retire()
            self.retired.append(zygote)
            zygote = self.current = None
        if zygote is None and not self.failed:
            future = self._spawner.submit(self._start)
            try:
                zygote = self.current = future.result()
            except (ZygoteFailed, OSError) as exc:
                self.failed = True  # not retried for every crawl: its start-up is the cost
                logger.error("the warm crawl worker failed to start (%s); crawling cold", exc)
        return zygote

    def _start(self) -> Zygote:
        parent = os.getpid()
        return Zygote(self.env, lambda: self.preexec(parent))

    def _fit(self, zygote: Zygote) -> bool:
        if not zygote.alive() or zygote.forks >= self.settings.recycle_crawls:
            return False
        rss = zygote.rss_mb()
        if rss > self.settings.max_rss_mb:
            logger.info("zygote %s: %.0f MB resident; recycling it", zygote.pid, rss)
            return False
        return True

    def close(self, timeout: float) -> None:
        """Retire every zygote and wait for them; start no more."""
        self.retire(timeout)
        self._spawner.shutdown(wait=False)

    def retire(self, timeout: float) -> None:
        """Retire every zygote, wait for them (their crawls ended first), SIGKILL the rest; the
        next crawl starts a new one."""
        zygotes = [*self.retired, *([self.current] if self.current else [])]
        self.current, self.retired = None, []
        for zygote in zygotes:
            zygote.retire()
        deadline = time.monotonic() + timeout
        for zygote in zygotes:
            try:
                zygote.process.wait(max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                zygote.kill()
