"""Safe by default: the loopback without a token, the token anywhere else, and the one write
(re-queuing a dead alert) behind the token and a CSRF check."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from core.config import ConfigError
from storage.models import Outbox
from web.security import Guard, hash_token
from web.server import Background

from .conftest import Seeded, clock, web_config

TOKEN = "correct horse battery staple"


def test_any_address_but_the_loopback_needs_a_token(tmp_path: Path, sqlite_url: str) -> None:
    with pytest.raises(ConfigError, match="token_hash"):
        web_config(tmp_path, sqlite_url, listen="0.0.0.0:8765")
    config = web_config(tmp_path, sqlite_url, listen="0.0.0.0:8765", token_hash=hash_token(TOKEN))
    assert config.web.host == "0.0.0.0" and config.web.port == 8765
    with pytest.raises(ConfigError, match="bcrypt"):
        web_config(tmp_path, sqlite_url, token_hash=TOKEN)  # the token itself is refused


def test_the_guard_checks_the_hash_once_per_token() -> None:
    guard = Guard(hash_token(TOKEN))
    assert guard.valid(TOKEN) and guard.valid(TOKEN)
    assert not guard.valid("wrong") and not guard.valid(None)
    assert not Guard(None).valid(TOKEN)


@pytest.fixture
def guarded(tmp_path: Path, engine: Engine, seeded: Seeded) -> Iterator[str]:
    """The base URL of the application served with an access token."""
    url = engine.url.render_as_string(hide_password=False)
    config = web_config(tmp_path, url, listen="127.0.0.1:0", token_hash=hash_token(TOKEN))
    with Background(config, clock) as server:
        yield server.url


def test_every_page_but_healthz_needs_the_token(guarded: str) -> None:
    with httpx.Client(base_url=guarded) as anonymous:
        for path in ("/meetings", "/api/meetings", "/metrics", "/charts/kinds.csv", "/feed.atom"):
            answer = anonymous.get(path)
            assert answer.status_code == 401, path
            assert answer.headers["www-authenticate"].startswith("Basic")
        assert anonymous.get("/healthz").status_code == 200
        assert anonymous.get("/meetings", headers={"authorization": "Bearer no"}).status_code == 401
    with httpx.Client(base_url=guarded, headers={"authorization": f"Bearer {TOKEN}"}) as bearer:
        assert bearer.get("/api/meetings").status_code == 200
    with httpx.Client(base_url=guarded, auth=("analyst", TOKEN)) as basic:
        assert basic.get("/meetings").status_code == 200


def _status(engine: Engine, entry_id: int) -> str:
    with Session(engine) as session:
        row = session.get(Outbox, entry_id)
        assert row is not None
        return row.status


def test_requeue_needs_the_token_and_the_csrf_token(
    guarded: str, engine: Engine, seeded: Seeded
) -> None:
    path = f"/outbox/{seeded.dead_entry}/requeue"
    with httpx.Client(base_url=guarded, auth=("analyst", TOKEN)) as client:
        page = client.get("/sources").text
        csrf = re.search(r'name="csrf" value="([0-9a-f]+)"', page)
        assert csrf is not None
        origin = {"origin": guarded}
        assert client.post(path, data={"csrf": "0" * 64}, headers=origin).status_code == 403
        assert client.post(path, data={"csrf": csrf[1]}).status_code == 403  # no origin
        foreign = {"origin": "http://evil.example"}
        assert client.post(path, data={"csrf": csrf[1]}, headers=foreign).status_code == 403
        assert _status(engine, seeded.dead_entry) == "dead"
        answer = client.post(path, data={"csrf": csrf[1]}, headers=origin)
        assert answer.status_code == 303 and _status(engine, seeded.dead_entry) == "pending"
        assert client.post(path, data={"csrf": csrf[1]}, headers=origin).status_code == 409


def test_without_a_token_nothing_can_be_written(served: httpx.Client, seeded: Seeded) -> None:
    answer = served.post(f"/outbox/{seeded.dead_entry}/requeue", data={"csrf": "x"})
    assert answer.status_code == 403
    assert "read-only" in served.get("/sources").text
    assert served.put("/api/meetings").status_code == 405
