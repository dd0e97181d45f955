"""Conditional requests: send the stored validators, let ``304 Not Modified`` reach the callback.

A request that carries ``meta["akimwatch_validators"] = {"etag": ..., "last_modified": ...}`` gets
``If-None-Match`` / ``If-Modified-Since`` headers (headers the request already has are kept), and
304 is added to its ``handle_httpstatus_list`` so that the callback sees it instead of the
HttpError middleware dropping it. Requests without validators are left alone.
"""

from __future__ import annotations

from typing import Any

from scrapy import Request

META_KEY = "akimwatch_validators"
HEADERS = {"etag": "If-None-Match", "last_modified": "If-Modified-Since"}


class ConditionalRequestsMiddleware:
    """Downloader middleware: validators from ``request.meta`` to conditional headers."""

    def process_request(self, request: Request) -> Any:
        """Add the conditional headers and let 304 through."""
        validators = request.meta.get(META_KEY) or {}
        added = False
        for key, header in HEADERS.items():
            value = validators.get(key)
            if value:
                request.headers.setdefault(header, value)
                added = True
        if added:
            allowed = list(request.meta.get("handle_httpstatus_list", []))
            if 304 not in allowed:
                request.meta["handle_httpstatus_list"] = [*allowed, 304]
        return None
