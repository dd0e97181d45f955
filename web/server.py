"""Serving the application with uvicorn: in the foreground (``akimwatch serve``) or on a thread
beside other work (the daemon, ``demo --serve``, the tests), started once its socket listens."""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable
from datetime import datetime
from types import TracebackType

import uvicorn

from core.config import Config
from storage.clock import utcnow
from web.app import create_app


def _socket(host: str, port: int) -> socket.socket:
    """A listening TCP socket on ``host:port`` (port 0: any free one)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # IPPROTO_TCP, not 0: asyncio sets TCP_NODELAY on accepted connections only for sockets
    # that say they are TCP (else Nagle holds a response's second segment for the delayed ACK).
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(128)
    return sock


class _Server(uvicorn.Server):
    """A uvicorn server that says when it is up and installs no signal handlers (a thread)."""

    def __init__(self, config: uvicorn.Config) -> None:
        super().__init__(config)
        self.up = threading.Event()

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets)
        self.up.set()

    def install_signal_handlers(self) -> None:
        """Signals belong to the main thread's owner."""


def _uvicorn(config: Config, clock: Callable[[], datetime]) -> uvicorn.Config:
    app = create_app(config, clock)
    return uvicorn.Config(app, log_level="warning", access_log=False, lifespan="on")


def serve(config: Config, clock: Callable[[], datetime] = utcnow) -> None:
    """Serve in the foreground until interrupted (SIGINT/SIGTERM end it cleanly)."""
    sock = _socket(config.web.host, config.web.port)
    uvicorn.Server(_uvicorn(config, clock)).run(sockets=[sock])


class Background:
    """The application served on a thread: ``with Background(config) as server: server.url``."""

    def __init__(self, config: Config, clock: Callable[[], datetime] = utcnow) -> None:
        self._socket = _socket(config.web.host, config.web.port)
        self._server = _Server(_uvicorn(config, clock))
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [self._socket]}, daemon=True,
            name="akimwatch-web",
        )  # fmt: skip
        host, port = self._socket.getsockname()[:2]
        self.url = f"http://{f'[{host}]' if ':' in host else host}:{port}"

    def start(self, timeout: float = 30) -> Background:
        """Start serving; returns once the server accepts requests."""
        self._thread.start()
        if not self._server.up.wait(timeout):
            raise RuntimeError(f"the web server did not start within {timeout} s")
        return self

    def stop(self) -> None:
        """Stop serving and wait for the thread."""
        self._server.should_exit = True
        self._thread.join(30)
        self._socket.close()

    def __enter__(self) -> Background:
        return self.start()

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()
