"""The warm crawl worker: a zygote process that has imported what a crawl needs, then forks one
fresh child per crawl, which runs ``scrapy crawl`` exactly as ``python -m scrapy`` would.

A cold crawl child spends most of its CPU importing (Scrapy and its components, Twisted, our
spiders, pydantic and SQLAlchemy): about 2 of its 2.0 to 2.5 CPU seconds on an idle run. The
zygote pays that once. It imports modules only: it neither installs the Twisted reactor (each
child installs its own, as ``scrapy crawl`` does) nor reads the configuration (``crawler.settings``
is imported by the child, under the crawl's own environment), and it starts no thread.

Protocol, with ``scheduler.warm`` (the launcher's side; this module is never imported there):

- ``python -m crawler.zygote FD``: FD is our end of a ``SOCK_SEQPACKET`` pair, the control
  channel. Once preloaded the zygote sends ``ready PID`` on it (``error TEXT`` if it cannot).
- A crawl is one control message: JSON ``{"argv", "env", "cwd"}`` with three descriptors
  (``SCM_RIGHTS``): the crawl's connection (one end of a stream pair) and its stdout and stderr.
- The zygote forks. The child starts a session of its own (its process group, signalled alone),
  asks for SIGKILL when the zygote dies (``PR_SET_PDEATHSIG``), takes the descriptors as 0/1/2,
  closes every other, takes the environment and directory sent, and runs Scrapy's command line.
- On the connection the zygote writes ``pid N``, then ``exit RC`` once the child has ended (RC
  as ``subprocess`` reports it: negative for a signal). The child stays a zombie until the
  launcher closes the connection, so its pid and process group cannot be reused while the
  launcher may still signal them; then the zygote reaps it. A connection closed while its child
  runs means no one supervises it: the zygote SIGKILLs the child's group.
- End of file on the control channel (the launcher retiring this zygote, or gone): no more forks;
  the zygote exits when its last child is reaped. The zygote itself dies with the launcher
  (``PR_SET_PDEATHSIG``), and its children with it.
"""

from __future__ import annotations

import array
import contextlib
import ctypes
import importlib
import json
import os
import pkgutil
import selectors
import signal
import socket
import sys
import traceback
from typing import Any

PR_SET_PDEATHSIG = 1
NOT_PRELOADED = ("crawler.settings", "crawler.zygote")  # the config is read by each child


def preload() -> int:
    """Import Scrapy, its default components and ours, without the reactor; modules imported."""
    import scrapy.cmdline  # noqa: F401 (the child's entry point)
    import twisted.internet.asyncioreactor  # noqa: F401 (the module, not installed)
    from scrapy.settings import default_settings
    from scrapy.utils.misc import walk_modules_iter

    before = len(sys.modules)
    for _ in walk_modules_iter("scrapy.commands"):  # the command line lists them all
        pass
    for value in vars(default_settings).values():
        names = list(value) if isinstance(value, dict) else [value]
        for name in names:
            if isinstance(name, str) and name.startswith("scrapy.") and "." in name[7:]:
                _import_object(name)
    import crawler
    import sources

    for package in (crawler, sources):
        for info in pkgutil.walk_packages(package.__path__, f"{package.__name__}."):
            if info.name not in NOT_PRELOADED and not info.name.endswith(".replica"):
                importlib.import_module(info.name)
    import core.config  # noqa: F401 (read by crawler.settings in the child)

    _warm_caches()

    if "twisted.internet.reactor" in sys.modules:
        raise RuntimeError("preloading installed a Twisted reactor")
    return len(sys.modules) - before


def _warm_caches() -> None:
    """Work every crawl would otherwise repeat after the fork, done once: SQLAlchemy's mapper
    configuration, the cookie middleware's public-suffix list, and the source text of the
    spiders' callbacks that Scrapy reads to warn of generators returning a value (its cache is
    per bound method, so per crawl; ``inspect`` and ``linecache`` keep theirs across the fork)."""
    import inspect

    from scrapy.downloadermiddlewares.cookies import _is_public_domain
    from scrapy.utils.misc import is_generator_with_return_value
    from sqlalchemy.orm import configure_mappers

    import storage.models  # noqa: F401 (the mappers to configure)
    from sources import registry

    configure_mappers()
    _is_public_domain("www.example.com")
    for source in registry().values():
        module = source.spider.partition(":")[0]
        for spider in vars(importlib.import_module(module)).values():
            if not (inspect.isclass(spider) and spider.__module__ == module):
                continue
            for _, function in inspect.getmembers(spider, inspect.isfunction):
                with contextlib.suppress(Exception):
                    is_generator_with_return_value(function)


def _import_object(path: str) -> None:
    module, _, _name = path.rpartition(".")
    with contextlib.suppress(ImportError):
        importlib.import_module(module)


class Zygote:
    """The fork loop: control requests, children's ends, their connections closing."""

    def __init__(self, control: socket.socket) -> None:
        self.control: socket.socket | None = control
        self.selector = selectors.DefaultSelector()
        self.children: dict[int, tuple[socket.socket, int | None]] = {}  # pid: (conn, status)
        self.wake_r, self.wake_w = os.pipe()
        os.set_blocking(self.wake_w, False)
        signal.set_wakeup_fd(self.wake_w)
        signal.signal(signal.SIGCHLD, lambda *_: None)
        self.selector.register(control, selectors.EVENT_READ, "control")
        self.selector.register(self.wake_r, selectors.EVENT_READ, "wake")

    def serve(self) -> None:
        """Until the control channel closes and the last child is reaped."""
        while self.control is not None or self.children:
            for key, _ in self.selector.select():
                if key.data == "control":
                    self.request()
                elif key.data == "wake":
                    os.read(self.wake_r, 4096)
                    self.ended()
                else:
                    self.released(key.data)
            self.ended()  # a SIGCHLD may land between select and the read

    def request(self) -> None:
        """One control message: fork a crawl child (or, at end of file, fork no more)."""
        assert self.control is not None
        fds = array.array("i")
        try:
            data, ancdata, _, _ = self.control.recvmsg(1 << 20, socket.CMSG_SPACE(3 * fds.itemsize))
        except ConnectionError:
            data, ancdata = b"", []
        for level, kind, payload in ancdata:
            if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
                fds.frombytes(payload[: len(payload) - len(payload) % fds.itemsize])
        if not data:
            for fd in fds:
                os.close(fd)
            self.selector.unregister(self.control)
            self.control.close()
            self.control = None
            return
        if len(fds) != 3:
            for fd in fds:
                os.close(fd)
            return
        conn_fd, out, err = fds
        conn = socket.socket(fileno=conn_fd)
        try:
            spec = json.loads(data)
            pid = self.fork(spec, conn, out, err)
        finally:
            os.close(out)
            os.close(err)
        try:
            conn.sendall(f"pid {pid}\n".encode())
        except OSError:  # the launcher gave up already: nobody would supervise the crawl
            _kill_group(pid)
        self.children[pid] = (conn, None)
        self.selector.register(conn, selectors.EVENT_READ, pid)

    def fork(self, spec: dict[str, Any], conn: socket.socket, out: int, err: int) -> int:
        """The crawl child; returns its pid."""
        sys.stdout.flush()
        sys.stderr.flush()
        zygote = os.getpid()
        pid = os.fork()
        if pid == 0:  # pragma: no cover (the child; covered by the launcher tests)
            os._exit(_crawl(spec, conn.fileno(), out, err, zygote))
        return pid

    def ended(self) -> None:
        """Tell each launcher whose child has ended, leaving the child unreaped."""
        for pid, (conn, status) in list(self.children.items()):
            if status is not None:
                continue
            try:
                info = os.waitid(os.P_PID, pid, os.WEXITED | os.WNOHANG | os.WNOWAIT)
            except ChildProcessError:
                info = None
            if info is None or not info.si_pid:
                continue
            code = info.si_status if info.si_code == os.CLD_EXITED else -info.si_status
            self.children[pid] = (conn, code)
            with contextlib.suppress(OSError):
                conn.sendall(f"exit {code}\n".encode())

    def released(self, pid: int) -> None:
        """The launcher closed a crawl's connection: reap the child (SIGKILL it if it runs)."""
        conn, status = self.children[pid]
        with contextlib.suppress(OSError):
            if conn.recv(4096):
                return  # nothing is expected from the launcher; ignored
        if status is None:
            _kill_group(pid)
        with contextlib.suppress(ChildProcessError):
            os.waitpid(pid, 0)
        self.selector.unregister(conn)
        conn.close()
        del self.children[pid]


def _kill_group(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signal.SIGKILL)


def _crawl(spec: dict[str, Any], conn: int, out: int, err: int, zygote: int) -> int:
    """In the forked child: become a crawl as ``python -m scrapy crawl ...`` would be."""
    try:
        os.setsid()
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
        if os.getppid() != zygote:  # the zygote died before the request was in place
            os.kill(os.getpid(), signal.SIGKILL)
        signal.set_wakeup_fd(-1)
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)
        os.dup2(out, 1)
        os.dup2(err, 2)
        os.closerange(3, os.sysconf("SC_OPEN_MAX"))  # the zygote's sockets, the others' ends
        os.environ.clear()
        os.environ.update(spec["env"])
        os.chdir(spec["cwd"])
        sys.argv = list(spec["argv"])
        from scrapy.cmdline import execute

        execute(sys.argv)
    except SystemExit as exc:
        return _exit_code(exc.code)
    except BaseException:
        traceback.print_exc()
        return 1
    finally:
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(Exception):
                stream.flush()
    return 0


def _exit_code(code: object) -> int:
    if code is None:
        return 0
    if isinstance(code, int):
        return code & 0xFF
    print(code, file=sys.stderr)
    return 1


def main(argv: list[str]) -> int:
    """``python -m crawler.zygote FD``."""
    control = socket.socket(fileno=int(argv[0]))
    try:
        count = preload()
    except BaseException as exc:  # told to the launcher, which crawls cold instead
        with contextlib.suppress(OSError):
            control.send(f"error {type(exc).__name__}: {exc}".encode()[:4000])
        return 1
    control.send(f"ready {os.getpid()} {count}".encode())
    Zygote(control).serve()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
