"""``akimwatch demo`` runs the whole pipeline offline against the replicas."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from akimwatch.commands.demo import demo


@pytest.mark.slow
def test_demo_crawls_every_replica_and_shows_alerts(tmp_path: Path) -> None:
    result = CliRunner().invoke(demo, ["--data-dir", str(tmp_path)])
    assert result.exit_code == 0, result.output
    for source in ("kazinform", "akorda", "govkz"):
        assert f"{source:10} ok" in result.output
    assert "meetings found" in result.output
    assert "https://www.akorda.kz/ru/" in result.output
    assert "https://www.gov.kz/memleket/entities/karaganda/press/news/details/" in result.output
    assert "notifications queued" in result.output
    assert (tmp_path / "akimwatch-demo.db").exists()
