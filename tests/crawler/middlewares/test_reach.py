"""Giving up unreachable hosts: after the first attempts fail to resolve or connect, never after
an answer, by the real host when HOST_OVERRIDES rewrote the request."""

from __future__ import annotations

import pytest
from scrapy import Request, Spider
from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadConnectionRefusedError,
    DownloadTimeoutError,
)
from scrapy.http import Response
from scrapy.utils.test import get_crawler

from crawler.middlewares.host_overrides import META_KEY
from crawler.middlewares.reach import HostUnreachable, ReachabilityMiddleware, why_unreachable

DNS = CannotResolveHostError("DNS lookup failed: no results for hostname lookup: x.invalid.")


def middleware(after: int = 2) -> ReachabilityMiddleware:
    crawler = get_crawler(Spider, {"UNREACHABLE_AFTER": after})
    crawler.spider = Spider("probe")
    crawler.stats.open_spider()
    return ReachabilityMiddleware.from_crawler(crawler)


def overridden(url: str) -> Request:
    """A request as HOST_OVERRIDES leaves it: sent elsewhere, the real URL in its meta."""
    return Request("http://127.0.0.1:9/ru/lenta", meta={META_KEY: url})


def test_a_host_is_given_up_after_its_first_attempts_fail_to_resolve() -> None:
    mw = middleware(after=2)
    request = overridden("https://www.inform.kz/ru/lenta")
    assert mw.process_exception(request, DNS) is None  # the first failure: retried as usual
    with pytest.raises(HostUnreachable, match=r"cannot reach www\.inform\.kz: name does not"):
        mw.process_exception(request, DNS)
    assert mw.stats.get_value("akimwatch/unreachable/www.inform.kz") == (
        "name does not resolve (no network?)"
    )
    with pytest.raises(HostUnreachable):  # every later request for the host is dropped
        mw.process_request(overridden("https://www.inform.kz/rss/ru.xml"))
    assert mw.process_request(overridden("https://kaz.inform.kz/lenta")) is None
    assert mw.stats.get_value("akimwatch/unreachable_dropped") == 1


def test_a_host_that_answered_once_is_never_given_up() -> None:
    mw = middleware(after=1)
    request = Request("https://www.akorda.kz/ru/events")
    mw.process_response(request, Response(request.url, status=503))
    for _ in range(5):
        assert mw.process_exception(request, DownloadConnectionRefusedError("refused")) is None
    assert mw.process_request(request) is None


ERRORS = {
    "no name": (DNS, "name does not resolve (no network?)"),
    "refused": (DownloadConnectionRefusedError("refused"), "connection refused"),
    "a hung answer is no reachability problem": (DownloadTimeoutError("took too long"), None),
    "a program error neither": (ValueError("bug"), None),
}


@pytest.mark.parametrize("error, why", ERRORS.values(), ids=ERRORS.keys())
def test_which_errors_say_the_host_cannot_be_reached(error: Exception, why: str | None) -> None:
    assert why_unreachable(error) == why
