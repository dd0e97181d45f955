"""Who holds an outbox claim: ``host:pid:start:instance``, and whether that process is gone.

A claim names the process that took it (host, pid and the process's start time, so that a pid
reused by a later process is not mistaken for it). A dispatcher on the same host can tell that a
claimer has died and take its rows back at once instead of waiting out the lease.
"""

from __future__ import annotations

import os
import socket
import uuid
from pathlib import Path


def _host() -> str:
    return socket.gethostname()[:48].replace(":", "_")


def start_time(pid: int) -> str:
    """The start time of process ``pid`` in clock ticks since boot (Linux), ``-`` elsewhere."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="ascii", errors="replace")
    except OSError:
        return "-"
    fields = stat.rsplit(")", 1)[1].split()
    return "-" if fields[0] == "Z" else fields[19]


def worker_id(pid: int | None = None) -> str:
    """The identity of a dispatcher in process ``pid`` (this one by default), unique per call."""
    pid = os.getpid() if pid is None else pid
    return f"{_host()}:{pid}:{start_time(pid)}:{uuid.uuid4().hex[:8]}"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def gone(claimer: str) -> bool:
    """True when ``claimer`` (a claim token) names a process of this host that no longer runs."""
    parts = claimer.split("/", 1)[0].split(":")
    if len(parts) != 4 or parts[0] != _host() or not parts[1].isdigit():
        return False
    pid, started = int(parts[1]), parts[2]
    if not _alive(pid):
        return True
    now_started = start_time(pid)
    return started != "-" and now_started != started
