"""Waiting on a condition in tests, never on a fixed sleep alone."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def wait_until(check: Callable[[], T], timeout: float, what: str, every: float = 0.3) -> T:
    """Poll ``check`` every ``every`` seconds until it is true, and return that true value; fail
    (``AssertionError`` naming ``what``) after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not (value := check()):
        assert time.monotonic() < deadline, f"timed out after {timeout:.0f} s waiting for {what}"
        time.sleep(every)
    return value
