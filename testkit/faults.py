"""Fault factories for the misbehaving-replica mode: each returns a callable for
``ReplicaServer.faults`` that answers some requests badly and lets the rest through (``None``).

``only`` narrows a fault to requests whose host ends with it; ``listing`` faults hit listing
pages (``lenta``, ``/news``, feeds, the gov.kz API), ``article`` faults hit the rest.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable

from replicas.server import Fault, Reply, Request

Matcher = Callable[[Request], bool]
_LISTING = re.compile(r"lenta|/news/?$|/rss|/feed|/api/|/press/news/?$|/page/\d+|/news$")


def is_listing(request: Request) -> bool:
    """Whether a request looks like a listing, feed or API page."""
    return bool(_LISTING.search(request.path)) or request.path.rstrip("/").endswith("/news")


def is_article(request: Request) -> bool:
    """Whether a request is for anything but a listing page or robots.txt."""
    return request.path != "/robots.txt" and not is_listing(request)


def matcher(only: str = "", what: Matcher | None = None) -> Matcher:
    """A request predicate: host suffix ``only`` and the page predicate ``what`` (both optional)."""

    def match(request: Request) -> bool:
        if request.path == "/robots.txt":
            return False
        return request.host.endswith(only) and (what is None or what(request))

    return match


class _Counter:
    """A thread-safe count of the requests a fault answered."""

    def __init__(self) -> None:
        self.value = 0
        self._lock = threading.Lock()

    def take(self, limit: int | None) -> bool:
        """Count one more and say whether it is within ``limit`` (``None`` is unlimited)."""
        with self._lock:
            if limit is not None and self.value >= limit:
                return False
            self.value += 1
            return True


def server_errors(
    first: int | None = None,
    seconds: float | None = None,
    status: int = 503,
    match: Matcher | None = None,
) -> Fault:
    """``status`` (500/503) for the first ``first`` matching requests, or for ``seconds`` from the
    first matching request (so a slow client start-up does not eat the outage)."""
    counter = _Counter()
    started: list[float] = []
    match = match or matcher()

    def fault(request: Request) -> Reply | None:
        if not match(request):
            return None
        if seconds is not None:
            started[:] = started or [time.monotonic()]
            if time.monotonic() - started[0] > seconds:
                return None
        if not counter.take(first):
            return None
        return Reply(
            status,
            b"<html><body><h1>Service Unavailable</h1></body></html>",
            headers={"Retry-After": "1"},
        )

    return fault


def hang(release: threading.Event, match: Matcher | None = None, limit: float = 600) -> Fault:
    """Never answer matching requests until ``release`` is set (the client times out)."""
    match = match or matcher()

    def fault(request: Request) -> Reply | None:
        if not match(request):
            return None
        release.wait(limit)
        return Reply(504, b"released")

    return fault


def delay(seconds: float, match: Matcher | None = None) -> Fault:
    """Answer matching requests normally, ``seconds`` late (a slow site: crawls last longer)."""
    match = match or matcher()

    def fault(request: Request) -> Reply | None:
        if match(request):
            time.sleep(seconds)
        return None

    return fault


def _passthrough(
    site_answer: Callable[[Request], Reply], match: Matcher, change: Callable[[Reply], Reply]
) -> Fault:
    def fault(request: Request) -> Reply | None:
        if not match(request):
            return None
        return change(site_answer(request))

    return fault


def drip(
    site_answer: Callable[[Request], Reply], seconds_per_chunk: float, match: Matcher | None = None
) -> Fault:
    """The real page, written 64 bytes at a time with a pause after each chunk."""

    def change(reply: Reply) -> Reply:
        reply.headers["X-Replica-Drip"] = str(seconds_per_chunk)
        return reply

    return _passthrough(site_answer, match or matcher(), change)


def cut_body(site_answer: Callable[[Request], Reply], match: Matcher | None = None) -> Fault:
    """The real page with only half its body sent (Content-Length promises all of it)."""

    def change(reply: Reply) -> Reply:
        reply.headers["X-Replica-Cut"] = "1"
        return reply

    return _passthrough(site_answer, match or matcher(), change)


def malformed_html(site_answer: Callable[[Request], Reply], match: Matcher | None = None) -> Fault:
    """The real page with its tags broken: unclosed, mis-nested, stray bytes and NULs."""

    def change(reply: Reply) -> Reply:
        body = reply.body.replace(b"</div>", b"").replace(b"</p>", b"<p><b><i>")
        body = b"\x00\xff<<html <<body>>" + body[: len(body) * 3 // 4] + b'<div class="\x00'
        return Reply(reply.status, body, reply.content_type, reply.headers)

    return _passthrough(site_answer, match or matcher(), change)


def wrong_charset(site_answer: Callable[[Request], Reply], match: Matcher | None = None) -> Fault:
    """The real page re-encoded as cp1251 but declared as UTF-8 (mojibake, invalid bytes)."""

    def change(reply: Reply) -> Reply:
        text = reply.body.decode("utf-8", "replace")
        body = text.encode("cp1251", "replace")
        return Reply(reply.status, body, "text/html; charset=utf-8", reply.headers)

    return _passthrough(site_answer, match or matcher(), change)


def huge_page(size: int = 10 * 1024 * 1024, match: Matcher | None = None) -> Fault:
    """A ``size``-byte page of nested, never-closed markup (10 MB by default)."""
    match = match or matcher()
    unit = b"<div><p>\xd0\xb0\xd0\xba\xd0\xb8\xd0\xbc " * 8
    body = b"<html><body>" + unit * (size // len(unit) + 1)
    body = body[:size]

    def fault(request: Request) -> Reply | None:
        return Reply(200, body) if match(request) else None

    return fault


def redirect_loop(match: Matcher | None = None) -> Fault:
    """302 to ``<path>/loop`` then back, forever (relative ``Location``: stays on the replica)."""
    match = match or matcher()

    def fault(request: Request) -> Reply | None:
        if not match(request):
            return None
        target = (
            request.path[: -len("/loop")]
            if request.path.endswith("/loop")
            else (request.path.rstrip("/") + "/loop")
        )
        query = "&".join(f"{k}={v[0]}" for k, v in request.query.items())
        return Reply(302, b"", headers={"Location": target + (f"?{query}" if query else "")})

    return fault


ACCESS_DENIED = (
    "<html><head><title>Access denied</title></head><body><h1>Доступ запрещён</h1>"
    "<p>Access denied. Your request has been blocked by the web application firewall.</p>"
    "<p>Reference #18.4f2c1.1700000000</p></body></html>"
).encode()


def access_denied(match: Matcher | None = None) -> Fault:
    """A WAF "access denied" page served with status 200."""
    match = match or matcher()

    def fault(request: Request) -> Reply | None:
        return Reply(200, ACCESS_DENIED) if match(request) else None

    return fault


CHALLENGE = (
    b"<!DOCTYPE html><html><head><title>Just a moment...</title></head><body>"
    b"<h1>Checking your browser before accessing the site</h1>"
    b"<p>This process is automatic. Your browser will redirect to the requested content shortly."
    b"</p><noscript>Please enable JavaScript and cookies to continue.</noscript></body></html>"
)


def _limited(first: int | None, match: Matcher) -> Matcher:
    """``match``, for the first ``first`` matching requests only (``None``: all of them)."""
    counter = _Counter()
    return lambda request: match(request) and counter.take(first)


def block_page(match: Matcher | None = None, first: int | None = None) -> Fault:
    """A bot-challenge page ("Just a moment...") served with status 200 instead of the page,
    for the first ``first`` matching requests (every one when ``None``)."""
    hit = _limited(first, match or matcher())

    def fault(request: Request) -> Reply | None:
        return Reply(200, CHALLENGE) if hit(request) else None

    return fault


def cut_page(
    site_answer: Callable[[Request], Reply],
    match: Matcher | None = None,
    fraction: float = 0.6,
    first: int | None = None,
) -> Fault:
    """The real page cut cleanly at ``fraction`` of its length: a 200 whose Content-Length is
    the cut length, so no transfer error shows (first ``first`` matching requests, or all)."""
    hit = _limited(first, match or matcher())

    def fault(request: Request) -> Reply | None:
        if not hit(request):
            return None
        reply = site_answer(request)
        body = reply.body[: int(len(reply.body) * fraction)]
        return Reply(reply.status, body, reply.content_type, reply.headers)

    return fault


def empty_listing(match: Matcher | None = None) -> Fault:
    """A listing whose layout changed: a page with no recognizable article links."""
    match = match or matcher(what=is_listing)
    body = (
        '<html><head><title>Новости</title></head><body><main class="feed-v2">'
        '<section data-component="NewsFeed"></section></main>'
        "<script>window.__STATE__={}</script></body></html>"
    ).encode()

    def fault(request: Request) -> Reply | None:
        return Reply(200, body) if match(request) else None

    return fault


def rewrite_listing(
    site_answer: Callable[[Request], Reply],
    transform: Callable[[str], str],
    match: Matcher | None = None,
) -> Fault:
    """The real listing page with ``transform`` applied to its HTML text."""

    def change(reply: Reply) -> Reply:
        text = transform(reply.body.decode("utf-8"))
        return Reply(reply.status, text.encode("utf-8"), reply.content_type, reply.headers)

    return _passthrough(site_answer, match or matcher(what=is_listing), change)


def duplicate_and_pinned(
    site_answer: Callable[[Request], Reply], match: Matcher | None = None
) -> Fault:
    """Every listing card twice, and the first card of page one repeated ("pinned") on top of
    every page."""
    card = re.compile(
        r"<a href=\"[^\"]+\" class=\"news-card\">.*?</a>|"
        r"<div class=\"allNewsCard\">.*?</div></a></div>",
        re.S,
    )
    pinned: list[str] = []

    def transform(text: str) -> str:
        cards = card.findall(text)
        if not cards:
            return text
        if not pinned:
            pinned.append(cards[0])
        doubled = "".join(c + c for c in cards)
        start, end = text.index(cards[0]), text.rindex(cards[-1]) + len(cards[-1])
        return text[:start] + pinned[0] + doubled + text[end:]

    return rewrite_listing(site_answer, transform, match)


def shift_dates(
    site_answer: Callable[[Request], Reply], mode: str, match: Matcher | None = None
) -> Fault:
    """Pages whose dates are in the future (``mode="future"``: year + 5) or unparseable
    (``mode="garbage"``)."""
    year = re.compile(r"\b(20\d\d)\b")
    iso = re.compile(r"\d{4}-\d\d-\d\dT[\d:.+-]+")

    def transform(text: str) -> str:
        if mode == "future":
            return year.sub(lambda m: str(int(m.group(1)) + 5), text)
        text = iso.sub("not-a-date", text)
        return re.sub(r"\d{1,2}:\d\d, \d{1,2} \w+ \d{4}", "вчера где-то днём", text)

    def change(reply: Reply) -> Reply:
        if not reply.content_type.startswith("text/html") or reply.status != 200:
            return reply
        text = transform(reply.body.decode("utf-8"))
        return Reply(reply.status, text.encode("utf-8"), reply.content_type, reply.headers)

    return _passthrough(site_answer, match or matcher(), change)


def handshake_refused(match: Matcher | None = None) -> Fault:
    """gov.kz refusing every request with ``400 {"message": "notAllowed"}`` (the k6 check too)."""
    match = match or matcher("gov.kz")

    def fault(request: Request) -> Reply | None:
        if not match(request):
            return None
        return Reply(400, b'{"status":400,"message":"notAllowed"}', "application/json")

    return fault
