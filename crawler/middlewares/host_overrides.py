"""Route requests for a host to another address, like curl's ``--connect-to``.

``HOST_OVERRIDES = {"www.inform.kz": "http://127.0.0.1:8001"}`` sends every request for that host to
the given address with the real ``Host`` header, and hands the spider a response whose URL is the
real one, so stored URLs and every output keep the real URL. This is how tests reach a local
replica and how a user routes a source through a mirror.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit, urlunsplit

from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Response

META_KEY = "akimwatch_real_url"


class HostOverridesMiddleware:
    """Send overridden hosts' requests elsewhere; restore the real URL on the way back."""

    def __init__(self, overrides: dict[str, str]) -> None:
        self.overrides = {host.lower(): target.rstrip("/") for host, target in overrides.items()}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> HostOverridesMiddleware:
        """Build from the ``HOST_OVERRIDES`` setting; off when it is empty."""
        overrides = crawler.settings.getdict("HOST_OVERRIDES")
        if not overrides:
            raise NotConfigured("HOST_OVERRIDES is empty")
        return cls(overrides)

    def rewrite(self, url: str) -> str | None:
        """The URL to connect to for ``url``, or None when its host is not overridden."""
        parts = urlsplit(url)
        target = self.overrides.get((parts.hostname or "").lower())
        if target is None:
            return None
        base = urlsplit(target)
        path = base.path.rstrip("/") + (parts.path or "/")
        return urlunsplit((base.scheme, base.netloc, path, parts.query, ""))

    def process_request(self, request: Request, spider: Spider | None = None) -> Any:
        """Send an overridden request to its replacement address, keeping the real Host header."""
        target = self.rewrite(request.url)  # None for an already rewritten request too
        if target is None:
            return None
        headers = request.headers.copy()
        headers["Host"] = urlsplit(request.url).netloc
        meta = {**request.meta, META_KEY: request.url}
        return request.replace(url=target, headers=headers, meta=meta, dont_filter=True)

    def process_response(
        self, request: Request, response: Response, spider: Spider | None = None
    ) -> Response:
        """Give the response the real URL, and rewrite redirects that point at the replica."""
        real = request.meta.get(META_KEY)
        if real is None:
            return response
        location = response.headers.get("Location")
        if location:
            response.headers["Location"] = self._unrewrite(location.decode("latin-1"), real)
        return response.replace(url=real)

    def _unrewrite(self, location: str, real: str) -> str:
        for host, target in self.overrides.items():
            if location.startswith(target + "/") or location == target:
                scheme = urlsplit(real).scheme or "https"
                return f"{scheme}://{host}{location[len(target) :] or '/'}"
        return location
