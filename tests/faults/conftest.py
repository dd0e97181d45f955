"""The fault suite imports its helpers from this folder and tests/e2e; it prints its outcome
table at the end."""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).parents[1] / "e2e"))  # the e2e crawl helpers

from harness import TABLE, table


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Print the scenario table when fault scenarios ran."""
    if TABLE:
        terminalreporter.section("fault suite: alerts per scenario")
        terminalreporter.write_line(table())
