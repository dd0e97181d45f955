"""Bad configurations, environments and arguments (bad_inputs.toml) through the real CLI: one
line on stderr naming the key or variable, status 78 for configuration errors, no traceback.
With ``-s`` the module ends by printing the table case | exit | message."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
CASES: list[dict[str, Any]] = tomllib.loads(
    (Path(__file__).with_name("bad_inputs.toml")).read_text(encoding="utf-8")
)["case"]


def fill(text: str, tmp: Path) -> str:
    """``text`` with ``{tmp}`` replaced by the case's directory."""
    return text.replace("{tmp}", str(tmp))


def run_case(case: dict[str, Any], tmp: Path) -> subprocess.CompletedProcess[str]:
    """Set up the case's files under ``tmp``, run its ``before`` commands (which must succeed),
    then its command with the CLI."""
    for name in case.get("dirs", []):
        (tmp / name).mkdir()
    for name, text in case.get("files", {}).items():
        (tmp / name).write_text(text, encoding="utf-8")
    head: list[str] = []
    if "config" in case:
        config = tmp / "akimwatch.toml"
        config.write_text(fill(case["config"], tmp), encoding="utf-8")
        head = ["--config", str(config)]
    env = _environment(case, tmp)
    for before in case.get("before", []):
        _cli([*head, *before], tmp, env).check_returncode()
    return _cli([*head, *(fill(arg, tmp) for arg in case.get("args", ["config"]))], tmp, env)


def _environment(case: dict[str, Any], tmp: Path) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("AKIMWATCH_") and key not in ("AW_SMTP_PASSWORD", "AW_APPRISE_URLS")
    }
    env.update({key: fill(value, tmp) for key, value in case.get("env", {}).items()})
    env["PYTHONPATH"] = str(ROOT)
    return env


def _cli(args: list[str], tmp: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "akimwatch.cli", *args],
        cwd=tmp,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.fixture(scope="module")
def table() -> Iterator[list[tuple[str, int, str]]]:
    """Rows (case, exit, message) collected by the cases, printed at the end (seen with -s)."""
    rows: list[tuple[str, int, str]] = []
    yield rows
    width = max((len(name) for name, _, _ in rows), default=4)
    print(f"\n{'case':<{width}} | exit | message")
    for name, status, message in rows:
        print(f"{name:<{width}} | {status:>4} | {message}")


def test_the_table_covers_enough_cases() -> None:
    assert len(CASES) >= 25
    assert sum(case.get("exit", 78) == 78 for case in CASES) >= 25


@pytest.mark.parametrize("case", CASES, ids=[case["name"] for case in CASES])
def test_bad_input_gives_one_line_naming_the_key(
    case: dict[str, Any], tmp_path: Path, table: list[tuple[str, int, str]]
) -> None:
    result = run_case(case, tmp_path)
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    errors = [line for line in lines if line.startswith("Error: ")]
    shown = " / ".join(errors).replace(str(tmp_path), "{tmp}") or "(no Error line)"
    table.append((case["name"], result.returncode, shown))
    assert result.returncode == case.get("exit", 78), result.stderr
    assert len(errors) == 1, result.stderr
    assert fill(case["needle"], tmp_path) in errors[0]
    if result.returncode != 2:  # a usage error also gets click's "Usage:" and "Try" lines
        assert lines == errors
    assert "Traceback" not in result.stderr + result.stdout
