"""The configured proxy, applied to every request that has none of its own."""

from __future__ import annotations

import logging
from typing import Any

from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

logger = logging.getLogger(__name__)


class ProxyMiddleware:
    """Set ``request.meta['proxy']`` from ``AKIMWATCH_PROXY`` unless a request has its own."""

    def __init__(self, proxy: str) -> None:
        self.proxy = proxy

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ProxyMiddleware:
        """Build from settings; off when no proxy is configured."""
        proxy = crawler.settings.get("AKIMWATCH_PROXY")
        if not proxy:
            raise NotConfigured("no proxy configured")
        logger.info("all requests go through the configured proxy")
        return cls(proxy)

    def process_request(self, request: Request, spider: Spider | None = None) -> Any:
        """Attach the proxy."""
        request.meta.setdefault("proxy", self.proxy)
        return None
