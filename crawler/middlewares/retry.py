"""Retries with exponential backoff: Scrapy's RetryMiddleware re-queues a failed request at once.

The n-th retry of a request waits ``RETRY_BACKOFF_BASE * 2**(n-1)`` seconds (capped by
``RETRY_BACKOFF_MAX``) before it is handed back to the scheduler, so that a struggling server gets
time to recover instead of a burst of immediate repeats. A retry made elsewhere (a spider that got
a page that is not the article) carries ``BACKOFF_META`` and waits the same pause before it goes.
"""

from __future__ import annotations

import asyncio

from scrapy import Request
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.http import Response
from scrapy.settings import BaseSettings

BACKOFF_META = "akimwatch_backoff"  # a retry request made outside this middleware: pause first


class BackoffRetryMiddleware(RetryMiddleware):
    """RetryMiddleware that sleeps before each retry, doubling the pause every time."""

    def __init__(self, settings: BaseSettings) -> None:
        super().__init__(settings)
        self.base = settings.getfloat("RETRY_BACKOFF_BASE", 1.0)
        self.cap = settings.getfloat("RETRY_BACKOFF_MAX", 30.0)

    def delay(self, retry: Request) -> float:
        """The pause before a retry request (its ``retry_times`` is already incremented)."""
        attempt = max(int(retry.meta.get("retry_times", 1)), 1)
        return float(min(self.base * 2 ** (attempt - 1), self.cap))

    async def process_request(self, request: Request) -> None:
        """Pause before a retry that a spider made (``BACKOFF_META``)."""
        if request.meta.pop(BACKOFF_META, False):
            await asyncio.sleep(self.delay(request))

    async def process_response(  # type: ignore[override]
        self, request: Request, response: Response
    ) -> Request | Response:
        """Retry retryable statuses after a pause."""
        result = super().process_response(request, response)
        if isinstance(result, Request):
            await asyncio.sleep(self.delay(result))
        return result

    async def process_exception(  # type: ignore[override]
        self, request: Request, exception: Exception
    ) -> Request | Response | None:
        """Retry network errors after a pause."""
        result = super().process_exception(request, exception)
        if isinstance(result, Request):
            await asyncio.sleep(self.delay(result))
        return result
