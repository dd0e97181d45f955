"""Real local receivers for the benchmarks: a webhook receiver that notes when each delivery first
arrived (and keeps every body), and an SMTP mailbox (aiosmtpd) that keeps every message."""

from __future__ import annotations

import socket
import threading
import time
from email import message_from_bytes, policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from aiosmtpd.controller import Controller


class WebhookReceiver(ThreadingHTTPServer):
    """Answers 200 to every POST; ``arrivals`` maps delivery keys to ``time.perf_counter()``,
    ``bodies`` maps them to the first body received."""

    daemon_threads = True

    def __init__(self) -> None:
        self.arrivals: dict[str, float] = {}
        self.bodies: dict[str, bytes] = {}
        super().__init__(("127.0.0.1", 0), _Handler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A sender that hung up (a killed dispatcher) is expected: no traceback."""

    @property
    def url(self) -> str:
        """Where a webhook channel posts."""
        return f"http://127.0.0.1:{self.server_address[1]}/hook"

    def start(self) -> WebhookReceiver:
        """Serve in a daemon thread."""
        threading.Thread(target=self.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        """Stop serving and close the socket."""
        self.shutdown()
        self.server_close()


class _Handler(BaseHTTPRequestHandler):
    server: WebhookReceiver

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        key = self.headers["X-Akimwatch-Delivery"]
        self.server.arrivals.setdefault(key, time.perf_counter())
        self.server.bodies.setdefault(key, body)
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        return None


class Mailbox:
    """An aiosmtpd handler keeping every accepted message; :meth:`start` serves it."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.controller: Controller | None = None

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = message_from_bytes(envelope.content, policy=policy.default)
        if isinstance(message, EmailMessage):
            self.messages.append(message)
        return "250 OK"

    def start(self) -> int:
        """Serve SMTP on 127.0.0.1 and a free port; the port."""
        with socket.socket() as sock:  # aiosmtpd checks readiness by connecting to the port
            sock.bind(("127.0.0.1", 0))
            port = int(sock.getsockname()[1])
        self.controller = Controller(self, hostname="127.0.0.1", port=port)
        self.controller.start()
        return port

    def stop(self) -> None:
        """Stop the SMTP server."""
        if self.controller is not None:
            self.controller.stop()
