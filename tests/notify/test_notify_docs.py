"""The verification snippet of docs/webhook.md, run as written against a real signed request."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from notify_helpers import add_meetings, make_config, webhook
from notify_servers import Receiver
from sqlalchemy import Engine

from notify.dispatcher import Dispatcher

DOC = Path(__file__).resolve().parents[2] / "docs" / "webhook.md"


def _snippet() -> Callable[..., bool]:
    [code] = re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)
    namespace: dict[str, Any] = {}
    exec(compile(code, str(DOC), "exec"), namespace)
    verify: Callable[..., bool] = namespace["verify"]
    return verify


def test_documented_snippet_verifies_real_requests(
    db_url: str, engine: Engine, receiver: Receiver, monkeypatch: Any
) -> None:
    monkeypatch.setenv("HOOK_SECRET", "correct horse battery staple")
    config = make_config(db_url, webhook(receiver, secret_env="HOOK_SECRET"))
    add_meetings(engine, config, 1)
    Dispatcher(config, engine).run_once()
    [request] = receiver.received
    verify = _snippet()
    assert verify("correct horse battery staple", request.headers, request.body)
    tampered = request.body.replace(b"Karaganda", b"Pavlodar")
    assert tampered != request.body
    assert not verify("correct horse battery staple", request.headers, tampered)
    assert not verify("wrong secret", request.headers, request.body)
    old = {**request.headers, "X-Akimwatch-Timestamp": "1000000000"}
    assert not verify("correct horse battery staple", old, request.body)
