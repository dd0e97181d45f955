"""Off-domain requests are dropped, whatever their ``dont_filter`` flag.

Scrapy's own OffsiteMiddleware lets ``dont_filter=True`` requests through, and redirects inherit
that flag, so a listing or feed page (always requested with ``dont_filter``) that redirects to
another site would be followed. This middleware checks every request, redirects included, against
the spider's ``allowed_domains`` (subdomains allowed); the addresses of ``HOST_OVERRIDES`` (local
replicas, mirrors) are allowed because the operator configured them.
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlsplit

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.utils.httpobj import urlparse_cached

log = logging.getLogger(__name__)


def within(host: str, domains: list[str]) -> bool:
    """Whether ``host`` is one of ``domains`` or a subdomain of one."""
    host = host.lower().rstrip(".")
    return any(host == d or host.endswith("." + d) for d in domains)


class StrictOffsiteMiddleware:
    """Downloader middleware: ``IgnoreRequest`` for any host outside the spider's domains."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        overrides = crawler.settings.getdict("HOST_OVERRIDES")
        self.targets = {urlsplit(str(target)).netloc for target in overrides.values()}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StrictOffsiteMiddleware:
        """Build for a crawler."""
        return cls(crawler)

    def process_request(self, request: Request) -> Any:
        """Let allowed hosts and override targets through; drop (and count) the rest."""
        domains = list(getattr(self.crawler.spider, "allowed_domains", None) or [])
        parts = urlparse_cached(request)
        if not domains or parts.netloc in self.targets or within(parts.hostname or "", domains):
            return None
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value("akimwatch/offsite_dropped")
        log.warning("dropped a request outside %s: %s", ", ".join(domains), request.url)
        raise IgnoreRequest(f"off-domain request: {request.url}")
