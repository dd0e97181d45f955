"""``run-once`` on a terminal: a line as each crawl child starts, then the child's progress line.

Each child gets a pseudo-terminal as its stderr, so its ``crawler.progress`` display turns on and
draws there; a thread reads that terminal and redraws only the progress line (``NAME: 12 pages,
9 articles (4 new), 0 errors``) on our stdout. The child's log lines are dropped, as they are
under cron, where no terminal is given and nothing of this runs.
"""

from __future__ import annotations

import os
import pty
import re
import threading
from typing import IO

ERASE = "\r\x1b[K"  # back to the start of the line, erase it
PROGRESS = re.compile(  # a log line may follow on the same line: it is cut off
    r"\x1b\[K(?P<line>\S+: \d+ pages, \d+ articles \(\d+ new\), \d+ errors)(?P<end> \([^()]+\))?"
)
SEPARATORS = re.compile(r"[\r\n]")


class Terminal:
    """Our stdout as a terminal shared by the children: whole lines and one redrawn line."""

    def __init__(self, out: IO[str]) -> None:
        self.out = out
        self.open = False  # a progress line is drawn and not ended
        self._lock = threading.Lock()

    def line(self, text: str) -> None:
        """Write a line of its own (over a progress line that is being drawn)."""
        self._write(f"{ERASE}{text}\n", closed=True)

    def draw(self, text: str) -> None:
        """Redraw the progress line."""
        self._write(f"{ERASE}{text}", closed=False)

    def end(self) -> None:
        """Leave a progress line still drawn (a child killed mid-line) on its own line."""
        if self.open:
            self._write("\n", closed=True)

    def _write(self, text: str, closed: bool) -> None:
        with self._lock:
            self.out.write(text)
            self.out.flush()
            self.open = not closed


class Relay:
    """A child's stderr terminal, read by a thread that passes its progress line through."""

    def __init__(self, terminal: Terminal) -> None:
        self.terminal = terminal
        self.main, self.child_end = pty.openpty()
        self._shown = ""
        self._thread = threading.Thread(target=self._read, daemon=True)

    def start(self) -> None:
        """Begin reading; the child's end is closed here, the child holds its own copy."""
        os.close(self.child_end)
        self._thread.start()

    def close(self) -> None:
        """Release both ends when the child never started (its thread never ran)."""
        os.close(self.child_end)
        os.close(self.main)

    def join(self, timeout: float = 5.0) -> None:
        """Wait for the child's last line (its terminal closes when the child ends)."""
        self._thread.join(timeout)

    def _read(self) -> None:
        pending = ""
        try:
            while chunk := os.read(self.main, 65536):
                pending = self.feed(pending + chunk.decode("utf-8", "replace"))
        except OSError:  # EIO: every holder of the child's end has closed it
            pass
        finally:
            os.close(self.main)
        self.feed(pending + "\n")

    def feed(self, text: str) -> str:
        """Show the progress lines in ``text``; returns its unfinished tail."""
        *done, tail = SEPARATORS.split(text)
        for segment in done:
            self._show(segment)
        found = PROGRESS.match(tail)
        if found is not None and not found.group("end"):
            self._show(tail)  # drawn whole; its end, if any, comes later on the same line
        return tail

    def _show(self, segment: str) -> None:
        found = PROGRESS.match(segment)
        text = found.group("line") + (found.group("end") or "") if found else self._shown
        if found is None or text == self._shown:
            return
        self._shown = text
        if found.group("end"):
            self.terminal.line(text)
        else:
            self.terminal.draw(text)
