"""Real receivers for the notification tests: an HTTP webhook receiver and an SMTP server."""

from __future__ import annotations

import json
import socket
import threading
import time
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from aiosmtpd.controller import Controller


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Answer:
    """How the receiver answers one request; with ``hold`` it records the request, then keeps the
    answer back until the event is set (the sender is stuck between its send and its bookkeeping).
    """

    status: int = 200
    delay: float = 0.0
    headers: dict[str, str] = field(default_factory=dict)
    hold: threading.Event | None = None


@dataclass
class Received:
    """One request as the receiver saw it."""

    headers: dict[str, str]
    body: bytes
    status: int
    delay: float

    @property
    def json(self) -> Any:
        return json.loads(self.body)

    @property
    def key(self) -> str:
        return self.headers["X-Akimwatch-Delivery"]


class Receiver:
    """A stdlib ThreadingHTTPServer recording every POST; ``script`` answers in order."""

    def __init__(self, port: int | None = None, default: Answer | None = None) -> None:
        self.port = port or free_port()
        self.script: list[Answer] = []
        self.default = default or Answer()
        self.received: list[Received] = []
        self.lock = threading.Lock()
        self.server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook"

    def start(self) -> Receiver:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                with receiver.lock:
                    answer = receiver.script.pop(0) if receiver.script else receiver.default
                time.sleep(answer.delay)
                with receiver.lock:
                    receiver.received.append(
                        Received(dict(self.headers), body, answer.status, answer.delay)
                    )
                if answer.hold is not None:
                    answer.hold.wait(60)
                self.send_response(answer.status)
                for name, value in answer.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, format: str, *args: Any) -> None:
                return None

        class Server(ThreadingHTTPServer):
            daemon_threads = True

            def handle_error(self, request: Any, client_address: Any) -> None:
                return None  # a client that timed out and hung up is expected here

        self.server = Server(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None

    def wait_for(self, count: int, timeout: float = 5.0) -> None:
        """Wait until ``count`` requests were recorded (a slow answer records late)."""
        deadline = time.monotonic() + timeout
        while len(self.received) < count and time.monotonic() < deadline:
            time.sleep(0.02)

    def ok(self) -> list[Received]:
        """Requests answered with 2xx."""
        return [r for r in self.received if 200 <= r.status < 300]

    def unique(self) -> list[Received]:
        """2xx requests after de-duplication on the delivery key (the first of each)."""
        return list({r.key: r for r in reversed(self.ok())}.values())[::-1]


class Mailbox:
    """aiosmtpd handler: refuses the first ``refuse`` messages with ``code``, keeps the rest.

    ``messages`` is every message accepted; ``unique()`` drops repeats by ``Message-ID``.
    """

    def __init__(self, refuse: int = 0, code: str = "451 4.3.0 try again later") -> None:
        self.refuse = refuse
        self.code = code
        self.messages: list[EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.refuse > 0:
            self.refuse -= 1
            return self.code
        message = message_from_bytes(envelope.content, policy=policy.default)
        assert isinstance(message, EmailMessage)
        self.messages.append(message)
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return "250 OK"

    def unique(self) -> list[EmailMessage]:
        """The accepted messages after de-duplication on ``Message-ID`` (the first of each)."""
        first: dict[str, EmailMessage] = {}
        for message in self.messages:
            first.setdefault(str(message["Message-ID"]), message)
        return list(first.values())


def smtp_server(mailbox: Mailbox) -> Controller:
    """A started aiosmtpd server on 127.0.0.1 and a free port."""
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    return controller
