"""Configuration: file, environment overrides, clear errors, masked secrets."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from akimwatch.cli import cli
from core.config import ConfigError, parse_host_overrides
from core.exitcodes import EXIT_CONFIG
from notify.config import load
from sources import names as source_names

SAMPLE = """
data_dir = "{tmp}"
[crawl]
download_delay = 2
[[channels]]
name = "crm"
kind = "webhook"
url = "https://example.org/hook"
secret_env = "AW_TEST_SECRET"
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "akimwatch.toml"
    path.write_text(text.format(tmp=tmp_path), encoding="utf-8")
    return path


def test_defaults_without_a_file() -> None:
    config = load(None, environ={})
    assert config.database_url == "sqlite:///data/akimwatch.db"
    assert config.enabled_sources() == list(source_names())


def test_environment_overrides_single_keys(tmp_path: Path) -> None:
    env = {
        "AKIMWATCH_CRAWL__DOWNLOAD_DELAY": "0.25",
        "AKIMWATCH_SOURCES__GOVKZ__ENABLED": "false",
        "AKIMWATCH_SOURCES__KAZINFORM__LANGUAGES": '["ru"]',
        "AKIMWATCH_DATABASE_URL": "postgresql+psycopg://u:pw@db/aw",
        "AKIMWATCH_HOST_OVERRIDES": "www.inform.kz=http://127.0.0.1:8001",
        "AW_TEST_SECRET": "s3cret",
    }
    config = load(write(tmp_path, SAMPLE), environ=env)
    assert config.crawl.download_delay == 0.25
    assert "govkz" not in config.enabled_sources()
    assert config.sources["kazinform"].languages == ["ru"]
    assert config.database_url == "postgresql+psycopg://u:pw@db/aw"
    assert config.crawl.host_overrides == {"www.inform.kz": "http://127.0.0.1:8001"}


@pytest.mark.parametrize(
    ("text", "env", "needle"),
    [
        ("[crawl]\ndownload_delay = -1\n", {}, "crawl.download_delay = -1"),
        ("[sources.bogus]\nenabled = true\n", {}, "unknown source 'bogus'"),
        ("", {"AKIMWATCH_NOTIFY__GIVE_UP_HOURS": "soon"}, "notify.give_up_hours = 'soon'"),
        ('[[channels]]\nname="a"\nkind="pager"\n', {}, "'email', 'webhook' or 'apprise'"),
        (
            '[[channels]]\nname="a"\nkind="webhook"\nevents=["x"]\nurl="http://h"\n',
            {},
            "allowed: meeting.new",
        ),
        ("[crawl\n", {}, "not valid TOML"),
    ],
)
def test_wrong_values_fail_naming_key_value_and_allowed(
    tmp_path: Path, text: str, env: dict[str, str], needle: str
) -> None:
    with pytest.raises(ConfigError) as caught:
        load(write(tmp_path, text), environ=env)
    assert needle in str(caught.value)


def test_host_overrides_syntax_error_is_clear() -> None:
    with pytest.raises(ConfigError, match="not host=http"):
        parse_host_overrides("www.inform.kz")


def test_config_command_masks_secrets(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AW_TEST_SECRET", "hunter2-secret")
    monkeypatch.setenv("AKIMWATCH_DATABASE_URL", "postgresql+psycopg://aw:dbpass123@db/aw")
    result = CliRunner().invoke(cli, ["--config", str(write(tmp_path, SAMPLE)), "config"])
    assert result.exit_code == 0, result.output
    assert "hunter2-secret" not in result.output and "dbpass123" not in result.output
    shown = json.loads(result.output)
    assert shown["channels"][0]["secret_env"] == "AW_TEST_SECRET"
    assert shown["crawl"]["download_delay"] == 2


def test_invalid_config_exits_with_the_message(tmp_path: Path) -> None:
    path = write(tmp_path, "[crawl]\ntimeout_seconds = 0\n")
    result = CliRunner().invoke(cli, ["--config", str(path), "config"])
    assert result.exit_code == EXIT_CONFIG
    assert "crawl.timeout_seconds = 0" in result.output


def test_named_secrets_that_exist_load(tmp_path: Path) -> None:
    secret = tmp_path / "smtp-password"
    secret.write_text("pw\n", encoding="utf-8")
    text = SAMPLE + (
        '[[channels]]\nname = "desk"\nkind = "email"\nto = ["d@example.org"]\n'
        f'smtp_password_file = "{secret}"\n'
    )
    config = load(write(tmp_path, text), environ={"AW_TEST_SECRET": "s3cret"})
    password = config.channel("desk").secret("smtp_password")
    assert password is not None and password.get_secret_value() == "pw"
    with pytest.raises(ConfigError, match=r"channels\.crm\.secret_env: .*AW_TEST_SECRET"):
        load(write(tmp_path, text), environ={"AW_TEST_SECRET": ""})


def test_several_problems_are_reported_on_one_line(tmp_path: Path) -> None:
    text = "[crawl]\ndownload_delay = -1\nretry_times = -2\n"
    with pytest.raises(ConfigError) as caught:
        load(write(tmp_path, text), environ={"AKIMWATCH_DAEMON__LOG_LEVEL": "LOUD"})
    message = str(caught.value)
    assert "\n" not in message and message.count("; ") >= 2
    assert "crawl.retry_times = -2" in message
    assert "daemon.log_level = 'LOUD' (from AKIMWATCH_DAEMON__LOG_LEVEL)" in message
