"""A threaded HTTP server that serves several replica sites by ``Host`` header, with a request log
and faults on demand (status codes, hangs, slow drips, cut bodies)."""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from replicas.articles import CrawledArticle


@dataclass
class Reply:
    """One HTTP answer."""

    status: int = 200
    body: bytes = b""
    content_type: str = "text/html; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Request:
    """What a replica site sees of a request."""

    method: str
    host: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes

    def arg(self, name: str, default: str = "") -> str:
        """One query argument."""
        return self.query.get(name, [default])[0]


Fault = Callable[[Request], Reply | None]


class Site:
    """A replica site: subclasses answer requests for their hosts."""

    hosts: tuple[str, ...] = ()

    def handle(self, request: Request) -> Reply:
        """Answer a request (404 by default)."""
        return Reply(404, b"not found")

    def crawled(self) -> list[CrawledArticle]:
        """The articles a crawl of the site finds, with the URLs they are stored under (what the
        truth benchmark scores; none by default)."""
        return []

    def source_options(self) -> dict[str, Any]:
        """The ``[sources.<name>]`` keys a crawl needs to find all of them (none by default)."""
        return {}


@dataclass
class LogEntry:
    """One served request."""

    method: str
    host: str
    path: str
    status: int
    query: dict[str, list[str]] = field(default_factory=dict)


class _Server(ThreadingHTTPServer):
    """A threading server that takes a client hanging up (a killed or timed-out crawl) quietly."""

    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class ReplicaServer:
    """Serves sites on 127.0.0.1; ``faults`` may intercept requests (first match answers)."""

    def __init__(self, sites: list[Site], port: int = 0) -> None:
        self.sites = {host: site for site in sites for host in site.hosts}
        self.log: list[LogEntry] = []
        self.faults: list[Fault] = []
        self.hang = threading.Event()
        self._lock = threading.Lock()
        self.httpd = _Server(("127.0.0.1", port), self._handler())
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        """Base URL of the server."""
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def overrides(self) -> dict[str, str]:
        """``HOST_OVERRIDES`` that send every replicated host here."""
        return dict.fromkeys(self.sites, self.url)

    def overrides_env(self) -> str:
        """The same as ``AKIMWATCH_HOST_OVERRIDES`` text."""
        return ",".join(f"{host}={url}" for host, url in self.overrides().items())

    def start(self) -> ReplicaServer:
        """Serve in a background thread."""
        self._thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving."""
        self.hang.set()
        self.httpd.shutdown()
        self.httpd.server_close()

    def __enter__(self) -> ReplicaServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def requests_for(self, host_suffix: str = "") -> list[LogEntry]:
        """Logged requests, optionally only those whose host ends with ``host_suffix``."""
        with self._lock:
            return [e for e in self.log if e.host.endswith(host_suffix)]

    def clear_log(self) -> None:
        """Forget the request log."""
        with self._lock:
            self.log.clear()

    def answer(self, request: Request) -> Reply:
        """Route to a fault or a site."""
        for fault in list(self.faults):
            reply = fault(request)
            if reply is not None:
                return reply
        site = self.sites.get(request.host)
        if site is None and len(set(self.sites.values())) == 1:
            site = next(iter(self.sites.values()))
        if request.path == "/robots.txt":
            return Reply(200, b"User-agent: *\nDisallow: /admin/\n", "text/plain")
        return site.handle(request) if site else Reply(404, b"unknown host")

    def _record(self, request: Request, status: int) -> None:
        with self._lock:
            self.log.append(
                LogEntry(request.method, request.host, request.path, status, request.query)
            )

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: object) -> None:
                return

            def _serve(self) -> None:
                parts = urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                request = Request(
                    self.command,
                    (self.headers.get("Host") or "").split(":")[0].lower(),
                    parts.path,
                    parse_qs(parts.query),
                    dict(self.headers.items()),
                    self.rfile.read(length) if length else b"",
                )
                reply = server.answer(request)
                server._record(request, reply.status)
                self._write(reply)

            def _write(self, reply: Reply) -> None:
                drip = float(reply.headers.pop("X-Replica-Drip", "0") or 0)
                cut = reply.headers.pop("X-Replica-Cut", "")
                self.send_response(reply.status)
                self.send_header("Content-Type", reply.content_type)
                self.send_header("Content-Length", str(len(reply.body)))
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                self.end_headers()
                if self.command == "HEAD":
                    return
                body = reply.body[: len(reply.body) // 2] if cut else reply.body
                if drip:
                    for i in range(0, len(body), 64):
                        self.wfile.write(body[i : i + 64])
                        self.wfile.flush()
                        time.sleep(drip)
                else:
                    self.wfile.write(body)
                if cut:
                    self.close_connection = True

            do_GET = do_POST = do_HEAD = _serve

        return Handler
