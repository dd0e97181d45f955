"""The systemd unit does not restart on the exit statuses that a restart cannot fix."""

from __future__ import annotations

from pathlib import Path

from core.exitcodes import EXIT_CONFIG
from scheduler.lock import EXIT_LOCKED

UNIT = Path(__file__).resolve().parents[2] / "deploy" / "akimwatch.service"


def test_configuration_errors_and_a_held_lock_are_not_restarted() -> None:
    lines = [line.strip() for line in UNIT.read_text(encoding="utf-8").splitlines()]
    [prevent] = [line for line in lines if line.startswith("RestartPreventExitStatus=")]
    statuses = {int(value) for value in prevent.split("=", 1)[1].split()}
    assert {EXIT_CONFIG, EXIT_LOCKED} <= statuses
    assert "Restart=on-failure" in lines
