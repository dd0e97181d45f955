"""Misbehaving alert receivers: a webhook server that fails (500, 400), stalls, acknowledges late
or refuses connections on demand, and an aiosmtpd handler that refuses (451) or stalls, on a
server that can go down and come back on the same port. Both count raw deliveries and, as a real
receiver would de-duplicate them, distinct ones (webhook: ``X-Akimwatch-Delivery``; email:
``Message-ID``)."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections import Counter
from email import message_from_bytes, policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from aiosmtpd.controller import Controller


class WebhookReceiver:
    """Records POSTs; ``mode`` is ``ok``, ``500``, ``400``, ``slow`` (sleeps ``delay``, then 200)
    or ``late`` (takes the delivery at once, answers 200 after ``delay``: a sender killed meanwhile
    never learns that it was delivered).

    Only 2xx answers count as deliveries (``delivered``), keyed by ``X-Akimwatch-Delivery``.
    """

    def __init__(self, mode: str = "ok", delay: float = 3.0, port: int = 0) -> None:
        self.mode = mode
        self.delay = delay
        self.attempts: list[str] = []
        self.delivered: Counter[str] = Counter()
        self.bodies: list[bytes] = []
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                key = self.headers.get("X-Akimwatch-Delivery", "")
                mode = receiver.mode
                with receiver.lock:
                    receiver.attempts.append(key)
                if mode == "slow":
                    time.sleep(receiver.delay)
                status = {"500": 500, "400": 400}.get(mode, 200)
                if status == 200:
                    with receiver.lock:
                        receiver.delivered[key] += 1
                        receiver.bodies.append(body)
                if mode == "late":
                    time.sleep(receiver.delay)
                self.send_response(status)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, format: str, *args: Any) -> None:
                return None

        class Server(ThreadingHTTPServer):
            daemon_threads = True

            def handle_error(self, request: Any, client_address: Any) -> None:
                return None  # a client that gave up on a slow answer hangs up

        self._server_class, self._handler = Server, Handler
        self.httpd = Server(("127.0.0.1", port), Handler)
        self.port = int(self.httpd.server_address[1])
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def counts(self, keys: set[str]) -> tuple[int, int]:
        """(raw deliveries, deliveries after de-duplication on the delivery key) among ``keys``."""
        return _counts(self.delivered, keys)

    @property
    def url(self) -> str:
        """Where to POST."""
        return f"http://127.0.0.1:{self.port}/hook"

    def stop(self) -> None:
        """Stop serving: connections are refused from now on."""
        self.httpd.shutdown()
        self.httpd.server_close()

    def restart(self) -> None:
        """Serve again on the same port, keeping what was recorded."""
        self.httpd = self._server_class(("127.0.0.1", self.port), self._handler)
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()


class SmtpFaults:
    """aiosmtpd handler: ``refuse`` messages answered 451, ``stall`` seconds of silence before
    DATA is answered (a message whose client gave up meanwhile is not delivered: the server never
    committed it), ``late`` seconds between taking a message and answering 250; accepted
    messages are counted by ``X-Akimwatch-Delivery`` (``accepted``) and by ``Message-ID``
    (``message_ids``)."""

    def __init__(self, refuse: int = 0, stall: float = 0.0, late: float = 0.0) -> None:
        self.refuse = refuse
        self.stall = stall
        self.late = late
        self.accepted: Counter[str] = Counter()
        self.message_ids: Counter[str] = Counter()
        self.keys_by_id: dict[str, str] = {}

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.stall:
            await asyncio.sleep(self.stall)
            if server.transport is None or server.transport.is_closing():
                return "421 4.4.2 timed out"
        if self.refuse > 0:
            self.refuse -= 1
            return "451 4.3.0 mailbox busy, try again later"
        message = message_from_bytes(envelope.content, policy=policy.default)
        key = str(message.get("X-Akimwatch-Delivery", ""))
        self.accepted[key] += 1
        message_id = str(message.get("Message-ID", ""))
        self.message_ids[message_id] += 1
        self.keys_by_id[message_id] = key
        if self.late:  # taken, but the client hears so only later (if it is still alive)
            await asyncio.sleep(self.late)
        return "250 OK"

    def clear(self) -> None:
        """Forget what was accepted so far."""
        self.accepted.clear()
        self.message_ids.clear()
        self.keys_by_id.clear()

    def counts(self, keys: set[str]) -> tuple[int, int]:
        """(raw messages, messages after de-duplication on ``Message-ID``) among ``keys``."""
        wanted = Counter(
            {i: n for i, n in self.message_ids.items() if self.keys_by_id.get(i) in keys}
        )
        return _counts(wanted, set(wanted))


def _counts(delivered: Counter[str], keys: set[str]) -> tuple[int, int]:
    mine = {key: n for key, n in delivered.items() if key in keys}
    return sum(mine.values()), len(mine)


def smtp_controller(handler: SmtpFaults, port: int = 0) -> Controller:
    """A started aiosmtpd server on 127.0.0.1, on ``port`` or a free one (stop it with
    ``.stop()``; a new controller on the same port brings it back)."""
    if not port:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = int(sock.getsockname()[1])
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    return controller
