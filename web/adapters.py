"""The exports, the feed and the status report, imported in one place.

``scheduler.outputs`` and ``scheduler.feed`` are moving to ``notify``; when they do, only the
imports of this module change.
"""

from __future__ import annotations

from scheduler import feed, outputs
from scheduler.status import report as status_report

__all__ = ["feed", "outputs", "status_report"]
