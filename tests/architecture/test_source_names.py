"""No product module outside ``sources/`` names a built-in source: whatever needs the sources asks
the registry (``docs/architecture.md``, "A source's package")."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
OUTSIDE_SOURCES = ("detect", "core", "storage", "crawler", "notify", "scheduler", "replicas",
                   "akimwatch")  # fmt: skip
NAMED = re.compile(r"kazinform|akorda|govkz|gov\.kz|bestnews", re.I)


@pytest.mark.parametrize("package", OUTSIDE_SOURCES)
def test_no_source_is_named_outside_its_package(package: str) -> None:
    found = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in sorted((ROOT / package).rglob("*.py"))
        for number, line in enumerate(path.read_text("utf-8").splitlines(), 1)
        if NAMED.search(line)
    ]
    assert found == []
