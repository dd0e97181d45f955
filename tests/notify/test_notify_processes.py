"""The production entry point as processes: SIGKILL between send and mark; two at once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from notify_helpers import add_meetings, make_config, outbox_rows
from notify_servers import Answer, Receiver
from sqlalchemy import Engine

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow


def _config_file(tmp_path: Path, db_url: str, receiver: Receiver, batch_size: int = 50) -> Path:
    path = tmp_path / "akimwatch.toml"
    path.write_text(
        f'[database]\nurl = "{db_url}"\n[notify]\nbatch_size = {batch_size}\n'
        f'[[channels]]\nname = "crm"\nkind = "webhook"\nurl = "{receiver.url}"\n',
        encoding="utf-8",
    )
    return path


def _dispatch(config: Path, **env: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "notify", "--config", str(config)],
        cwd=ROOT,
        env={**os.environ, **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _counts(receiver: Receiver, keys: list[str]) -> tuple[int, int]:
    delivered = [r.key for r in receiver.ok()]
    return len(set(keys) - set(delivered)), len(delivered) - len(set(delivered))


def test_sigkill_between_send_and_mark_resends_once_with_the_same_key(
    tmp_path: Path, db_url: str, engine: Engine, receiver: Receiver
) -> None:
    config = _config_file(tmp_path, db_url, receiver)
    channel = {"name": "crm", "kind": "webhook", "url": receiver.url}
    keys = add_meetings(engine, make_config(db_url, channel), 3)
    held = threading.Event()
    receiver.script = [Answer(hold=held)]  # received, but the answer is kept back
    process = _dispatch(config)
    receiver.wait_for(1, timeout=20)
    assert len(receiver.received) == 1, process.communicate(timeout=5)
    process.send_signal(signal.SIGKILL)
    process.communicate(timeout=10)
    held.set()
    assert {row.status for row in outbox_rows(engine)} == {"sending"}
    second = _dispatch(config)  # the claimer is gone: its claims come back at once, no lease wait
    out, err = second.communicate(timeout=30)
    assert second.returncode == 0, err
    assert "stale claims recovered 3" in out
    resent = [r.key for r in receiver.received]
    assert len(resent) == 4 and resent[0] == resent[1]  # one re-send, with the same key
    unique = [r.key for r in receiver.unique()]
    lost, raw_duplicates = _counts(receiver, keys)
    dedup_duplicates = len(unique) - len(set(unique))
    print(
        f"lost = {lost} re-sends (raw) = {raw_duplicates} "
        f"duplicated after de-duplication on the delivery key = {dedup_duplicates}"
    )
    assert (lost, raw_duplicates, dedup_duplicates) == (0, 1, 0)
    assert sorted(unique) == sorted(keys)
    assert {row.status for row in outbox_rows(engine)} == {"sent"}


def test_two_dispatcher_processes_never_double_send(
    tmp_path: Path, db_url: str, engine: Engine, receiver: Receiver
) -> None:
    receiver.default = Answer(delay=0.005)
    channel = {"name": "crm", "kind": "webhook", "url": receiver.url}
    keys = add_meetings(engine, make_config(db_url, channel), 60)
    config = _config_file(tmp_path, db_url, receiver, batch_size=5)
    processes = [_dispatch(config) for _ in range(2)]
    started = time.monotonic()
    for process in processes:
        _, err = process.communicate(timeout=60)
        assert process.returncode == 0, err
    lost, duplicated = _counts(receiver, keys)
    print(f"lost = {lost} duplicated = {duplicated} ({time.monotonic() - started:.1f} s)")
    assert (lost, duplicated) == (0, 0)
    assert len({row.claimed_by.split("/")[0] for row in outbox_rows(engine) if row.claimed_by}) == 2
