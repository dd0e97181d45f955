"""``run-once``'s terminal: only the children's progress lines pass through, whole and in order."""

from __future__ import annotations

import io
import os

import pytest

from scheduler.terminal import Relay, Terminal

DRAW = "\r\x1b[Kakorda: {} pages, 0 articles (0 new), 0 errors"
LOG = "2026-12-02 10:00:00 [scrapy.core.engine] INFO: Spider opened\n"


@pytest.mark.parametrize(
    ("chunks", "shown"),
    [
        ([DRAW.format(0), DRAW.format(3), DRAW.format(7) + " (finished)\n"],
         "\r\x1b[Kakorda: 0 pages, 0 articles (0 new), 0 errors"
         "\r\x1b[Kakorda: 3 pages, 0 articles (0 new), 0 errors"
         "\r\x1b[Kakorda: 7 pages, 0 articles (0 new), 0 errors (finished)\n"),
        # a log line written after a draw, and the closing reason in a later read
        ([DRAW.format(2) + LOG, LOG, DRAW.format(2), " (shut", "down)\n"],
         "\r\x1b[Kakorda: 2 pages, 0 articles (0 new), 0 errors"
         "\r\x1b[Kakorda: 2 pages, 0 articles (0 new), 0 errors (shutdown)\n"),
        ([LOG, "Traceback (most recent call last):\n"], ""),  # no progress, nothing shown
    ],
)  # fmt: skip
def test_only_the_progress_line_passes_through(chunks: list[str], shown: str) -> None:
    out = io.StringIO()
    relay = Relay(Terminal(out))
    try:
        pending = ""
        for chunk in chunks:
            pending = relay.feed(pending + chunk)
        relay.feed(pending + "\n")
    finally:
        os.close(relay.main)
        os.close(relay.child_end)
    assert out.getvalue() == shown


def test_a_line_of_its_own_starts_over_a_drawn_line_and_end_closes_it() -> None:
    out = io.StringIO()
    terminal = Terminal(out)
    terminal.draw("govkz: 1 pages, 0 articles (0 new), 0 errors")
    terminal.line("akorda: crawling…")
    terminal.draw("akorda: 0 pages, 0 articles (0 new), 0 errors")
    terminal.end()
    terminal.end()  # nothing left open: no empty line
    assert out.getvalue().split("\r\x1b[K") == [
        "",
        "govkz: 1 pages, 0 articles (0 new), 0 errors",
        "akorda: crawling…\n",
        "akorda: 0 pages, 0 articles (0 new), 0 errors\n",
    ]


def test_a_relay_whose_child_never_started_releases_both_ends() -> None:
    relay = Relay(Terminal(io.StringIO()))
    ends = (relay.main, relay.child_end)
    relay.close()
    for fd in ends:
        with pytest.raises(OSError):
            os.fstat(fd)
