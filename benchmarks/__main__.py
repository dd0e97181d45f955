"""``python -m benchmarks [--quick] [--only NAME ...]``: every figure of the project, as JSON.

Each benchmark module exposes ``run(quick: bool) -> dict``; this command runs them in turn, each in
its own child process (so one's memory or imports don't colour the next), and prints the machine
they ran on beside the figures.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from typing import Any

BENCHMARKS = (
    "extraction", "classify", "dedup", "dispatch", "pipeline", "telegram", "daemon", "polling",
    "truth", "web",
)  # fmt: skip


def machine() -> dict[str, Any]:
    """What the figures were measured on."""
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "memory_gib": round(memory, 1),
        "processor": platform.processor() or platform.machine(),
    }


def run_one(name: str, quick: bool) -> dict[str, Any]:
    """Run ``benchmarks.<name>`` in a child process and return its figures (or its error)."""
    code = (
        "import json, sys, importlib; "
        f"m = importlib.import_module('benchmarks.{name}'); "
        f"print(json.dumps(m.run(quick={quick!r})))"
    )
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        return {"error": result.stderr.strip().splitlines()[-1:] or ["failed"]}
    figures: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    figures["wall_seconds"] = round(time.monotonic() - started, 1)
    return figures


def main(argv: list[str] | None = None) -> int:
    """Parse arguments, run the benchmarks, print one JSON object."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="small sizes, for CI")
    parser.add_argument("--only", nargs="*", choices=BENCHMARKS, help="run only these")
    args = parser.parse_args(argv)
    figures = {name: run_one(name, args.quick) for name in args.only or BENCHMARKS}
    print(json.dumps({"machine": machine(), "quick": args.quick, **figures}, indent=2))
    return 1 if any("error" in value for value in figures.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
