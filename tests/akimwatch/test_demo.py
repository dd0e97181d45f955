"""``akimwatch demo`` runs the whole pipeline offline against the replicas; with ``--keep DIR``
its data stays in DIR and the commands it prints browse it."""

from __future__ import annotations

import shlex
from pathlib import Path

import pytest
from click.testing import CliRunner

from akimwatch.cli import cli


@pytest.mark.slow
def test_demo_keeps_its_data_and_prints_commands_that_browse_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["demo", "--keep", "kept"])
    assert result.exit_code == 0, result.output
    for source in ("kazinform", "akorda", "govkz"):
        assert f"{source:10} ok" in result.output
    assert "meetings found" in result.output and "notifications queued" in result.output
    assert "https://www.gov.kz/memleket/entities/karaganda/press/news/details/" in result.output
    kept = tmp_path / "kept"
    assert (kept / "akimwatch.db").is_file() and (kept / "akimwatch.toml").is_file()
    commands = [
        shlex.split(line.strip())[1:]
        for line in result.output.splitlines()
        if line.startswith("  akimwatch --config ")
    ]
    assert {c[2] for c in commands} >= {"meetings", "status", "article", "export"}
    for args in commands:
        assert args[1] == str(kept / "akimwatch.toml")
        browsed = CliRunner().invoke(cli, args)
        assert browsed.exit_code == 0, (args, browsed.output)
        if args[2] == "meetings":
            assert "akorda.kz/ru/" in browsed.output
        if args[2] == "article":
            assert "meetings: " in browsed.output and "meetings: none" not in browsed.output
    assert (tmp_path / "meetings.csv").read_text(encoding="utf-8").startswith("meeting_key,")


@pytest.mark.slow
def test_demo_without_keep_says_the_data_is_gone_and_how_to_keep_it() -> None:
    result = CliRunner().invoke(cli, ["demo"])
    assert result.exit_code == 0, result.output
    assert "now deleted" in result.output and "akimwatch demo --keep DIR" in result.output
    assert "Browse them with" not in result.output
