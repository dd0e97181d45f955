"""``akimwatch serve``: the token's hash, the listen address checked like the file's, and the
daemon serving the pages beside its jobs with ``[web] enabled``."""

from __future__ import annotations

from pathlib import Path

import bcrypt
import httpx
from click.testing import CliRunner
from sqlalchemy import Engine

from akimwatch.cli import cli
from akimwatch.commands.daemon import _web
from core.exitcodes import EXIT_CONFIG
from web.server import Background

from .conftest import Seeded, web_config


def test_hash_token_prints_a_bcrypt_hash_of_stdin() -> None:
    result = CliRunner().invoke(cli, ["serve", "--hash-token"], input="s3cret\n")
    assert result.exit_code == 0, result.output
    assert bcrypt.checkpw(b"s3cret", result.output.strip().encode())


def test_listen_off_the_loopback_without_a_token_is_a_config_error(tmp_path: Path) -> None:
    env = {"AKIMWATCH_DATA_DIR": str(tmp_path)}
    result = CliRunner().invoke(cli, ["serve", "--listen", "0.0.0.0:8080"], env=env)
    assert result.exit_code == EXIT_CONFIG
    assert "token_hash" in result.output and len(result.output.strip().splitlines()) == 1


def test_the_daemon_serves_the_pages_when_enabled(
    tmp_path: Path, engine: Engine, seeded: Seeded
) -> None:
    url = engine.url.render_as_string(hide_password=False)
    assert not isinstance(_web(web_config(tmp_path, url)), Background)  # off by default
    server = _web(web_config(tmp_path, url, enabled="true", listen="127.0.0.1:0"))
    assert isinstance(server, Background)
    with server, httpx.Client(base_url=server.url) as client:
        assert client.get("/api/meetings").json()["total"] == seeded.meetings
