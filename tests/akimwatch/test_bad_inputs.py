"""Bad configurations, environments and arguments (bad_inputs.toml) through the real CLI: one
line on stderr naming the key or variable, status 78 for configuration errors, no traceback."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
CASES: list[dict[str, Any]] = tomllib.loads(
    (Path(__file__).with_name("bad_inputs.toml")).read_text(encoding="utf-8")
)["case"]


def run_case(case: dict[str, Any], tmp: Path) -> subprocess.CompletedProcess[str]:
    """Set up the case's files under ``tmp`` and run its command with the CLI."""

    def fill(text: str) -> str:
        return text.replace("{tmp}", str(tmp))

    for name in case.get("dirs", []):
        (tmp / name).mkdir()
    for name, text in case.get("files", {}).items():
        (tmp / name).write_text(text, encoding="utf-8")
    args = [fill(arg) for arg in case.get("args", ["config"])]
    if "config" in case:
        config = tmp / "akimwatch.toml"
        config.write_text(fill(case["config"]), encoding="utf-8")
        args = ["--config", str(config), *args]
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("AKIMWATCH_") and key not in ("AW_SMTP_PASSWORD", "AW_APPRISE_URLS")
    }
    env.update({key: fill(value) for key, value in case.get("env", {}).items()})
    env["PYTHONPATH"] = str(ROOT)
    return subprocess.run(
        [sys.executable, "-m", "akimwatch.cli", *args],
        cwd=tmp,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_the_table_covers_enough_cases() -> None:
    assert len(CASES) >= 25
    assert sum(case.get("exit", 78) == 78 for case in CASES) >= 25


@pytest.mark.parametrize("case", CASES, ids=[case["name"] for case in CASES])
def test_bad_input_gives_one_line_naming_the_key(case: dict[str, Any], tmp_path: Path) -> None:
    result = run_case(case, tmp_path)
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    errors = [line for line in lines if line.startswith("Error: ")]
    assert result.returncode == case.get("exit", 78), result.stderr
    assert len(errors) == 1, result.stderr
    assert case["needle"] in errors[0]
    if result.returncode != 2:  # a usage error also gets click's "Usage:" and "Try" lines
        assert lines == errors
    assert "Traceback" not in result.stderr + result.stdout
