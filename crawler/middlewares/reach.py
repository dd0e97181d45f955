"""Fail fast on hosts that cannot be reached: no name resolution, refused or failed connections.

A host whose first ``UNREACHABLE_AFTER`` attempts (retries included) all fail to resolve or to
connect, before it ever answered, is given up for the rest of the run: the error is logged once as
``cannot reach www.inform.kz: name does not resolve (no network?)``, recorded in the stats under
``akimwatch/unreachable/<host>`` (where :func:`storage.runs.problem` finds it), and every further
request for it is dropped at once instead of being retried. A host that answered once is never
given up: its later failures are ordinary, retried errors. Hosts are the real ones, also when
``HOST_OVERRIDES`` routes them elsewhere.
"""

from __future__ import annotations

import logging
from collections import Counter
from urllib.parse import urlsplit

from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadConnectionRefusedError,
    IgnoreRequest,
)
from scrapy.http import Response
from scrapy.statscollectors import StatsCollector
from twisted.internet.error import ConnectError, ConnectionRefusedError, DNSLookupError

from crawler.middlewares.host_overrides import META_KEY
from storage.runs import UNREACHABLE

logger = logging.getLogger(__name__)


class HostUnreachable(IgnoreRequest):
    """A request dropped because its host is known to be unreachable."""


def why_unreachable(exception: BaseException) -> str | None:
    """What a download error says about reaching the host, or None for other errors."""
    if isinstance(exception, CannotResolveHostError | DNSLookupError):
        return "name does not resolve (no network?)"
    if isinstance(exception, DownloadConnectionRefusedError | ConnectionRefusedError):
        return "connection refused"
    if isinstance(exception, ConnectError):  # no route, unreachable network, connect timeout
        return f"cannot connect ({exception.__class__.__name__})"
    return None


def real_host(request: Request) -> str:
    """The host a request is for (the real one when ``HOST_OVERRIDES`` rewrote it)."""
    return (urlsplit(request.meta.get(META_KEY) or request.url).hostname or "").lower()


class ReachabilityMiddleware:
    """Gives up on a host whose first attempts all fail to resolve or connect."""

    def __init__(self, stats: StatsCollector, after: int) -> None:
        self.stats = stats
        self.after = after
        self.failures: Counter[str] = Counter()
        self.answered: set[str] = set()
        self.unreachable: dict[str, str] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ReachabilityMiddleware:
        """Build from ``UNREACHABLE_AFTER`` (attempts, 3 by default)."""
        assert crawler.stats is not None
        return cls(crawler.stats, crawler.settings.getint("UNREACHABLE_AFTER", 3))

    def process_request(self, request: Request, spider: Spider | None = None) -> None:
        """Drop a request for a host given up on."""
        host = real_host(request)
        if host in self.unreachable:
            self.stats.inc_value("akimwatch/unreachable_dropped")
            raise HostUnreachable(f"cannot reach {host}: {self.unreachable[host]}")

    def process_response(
        self, request: Request, response: Response, spider: Spider | None = None
    ) -> Response:
        """Any answer proves the host reachable."""
        self.answered.add(real_host(request))
        return response

    def process_exception(
        self, request: Request, exception: Exception, spider: Spider | None = None
    ) -> None:
        """Count a resolve/connect failure; past the limit, give the host up (no more retries)."""
        why = why_unreachable(exception)
        host = real_host(request)
        if why is None or host in self.answered:
            return
        self.failures[host] += 1
        if host not in self.unreachable and self.failures[host] >= self.after:
            self.unreachable[host] = why
            self.stats.set_value(f"{UNREACHABLE}{host}", why)
            logger.error("cannot reach %s: %s; giving it up for this run", host, why)
        if host in self.unreachable:
            raise HostUnreachable(f"cannot reach {host}: {why}")
