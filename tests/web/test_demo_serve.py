"""``akimwatch demo --serve`` serves the web pages over the demo's own data (the foreground
server is replaced by one on a thread that answers a few requests, then stops)."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner
from sqlalchemy import func, select
from sqlalchemy.orm import Session

import web.server
from akimwatch.cli import cli
from core.config import Config
from storage.engine import make_engine
from storage.models import Meeting


@pytest.mark.slow
def test_demo_serve_shows_the_demos_meetings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    answers: dict[str, object] = {}

    def serve(config: Config) -> None:
        answers["database"] = config.database_url
        listen = config.web.model_copy(update={"listen": "127.0.0.1:0"})
        background = web.server.Background(config.model_copy(update={"web": listen}))
        with background as server, httpx.Client(base_url=server.url) as client:
            answers["total"] = client.get("/api/meetings").json()["total"]
            answers["pages"] = [client.get(p).status_code for p in ("/meetings", "/charts")]

    monkeypatch.setattr(web.server, "serve", serve)
    result = CliRunner().invoke(cli, ["demo", "--keep", str(tmp_path / "kept"), "--serve"])
    assert result.exit_code == 0, result.output
    engine = make_engine(str(answers["database"]))
    with Session(engine) as session:
        assert answers["total"] == session.scalar(select(func.count(Meeting.id))) > 0
    engine.dispose()
    assert answers["pages"] == [200, 200]
    assert "serving on http://127.0.0.1:8765/" in result.output
