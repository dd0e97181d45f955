"""Which ``AKIMWATCH_*`` variables are configuration, which are let through (tests, the secrets the
configuration names) and which are refused; empty secrets are refused at load and at send."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.config import ConfigError
from notify.channels.base import DeliveryError
from notify.channels.webhook import WebhookChannel, WebhookConfig
from notify.config import load

WEBHOOK = '[[channels]]\nname = "crm"\nkind = "webhook"\nurl = "http://127.0.0.1:9/hook"\n'


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "akimwatch.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_top_level_key_is_set_from_its_variable(tmp_path: Path) -> None:
    config = load(None, environ={"AKIMWATCH_DATA_DIR": str(tmp_path / "state")})
    assert config.data_dir == tmp_path / "state"


@pytest.mark.parametrize(
    "name",
    ["AKIMWATCH_TEST_PG_URL", "AKIMWATCH_TEST_ANYTHING", "AKIMWATCH_CONFIG"],
)
def test_variables_that_are_not_configuration_are_let_through(name: str) -> None:
    assert load(None, environ={name: "x"}).data_dir == Path("data")


def test_a_secret_variable_named_by_the_configuration_is_let_through(tmp_path: Path) -> None:
    text = WEBHOOK + 'secret_env = "AKIMWATCH_HOOK_KEY"\n'
    config = load(write(tmp_path, text), environ={"AKIMWATCH_HOOK_KEY": "k"})
    assert config.channel("crm").secret_env == "AKIMWATCH_HOOK_KEY"


@pytest.mark.parametrize(
    ("name", "hint"),
    [
        ("AKIMWATCH_DATADIR", "did you mean AKIMWATCH_DATA_DIR?"),
        ("AKIMWATCH_DOWNLOAD_DELAY", "did you mean AKIMWATCH_CRAWL__DOWNLOAD_DELAY?"),
        ("AKIMWATCH_DATABASE_URI", "did you mean AKIMWATCH_DATABASE_URL?"),
        ("AKIMWATCH_HOST_OVERRIDE", "did you mean AKIMWATCH_HOST_OVERRIDES?"),
        ("AKIMWATCH_ZZZ", "allowed: AKIMWATCH_<KEY>"),
    ],
)
def test_an_unknown_variable_is_refused_with_the_nearest(name: str, hint: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load(None, environ={name: "1"})
    message = str(caught.value)
    assert message.startswith(f"{name}: not a configuration variable; ")
    assert hint in message and "\n" not in message


@pytest.mark.parametrize(
    ("key", "env", "content", "needle"),
    [
        ("secret_file", {}, "", "channels.crm.secret_file: the file {file} is empty"),
        ("secret_file", {}, " \n\t\n", "channels.crm.secret_file: the file {file} is empty"),
        ("secret_env", {"AW_HOOK": "  "}, None, "channels.crm.secret_env: the environment var"),
        ("secret_env", {"AW_HOOK": ""}, None, "variable AW_HOOK is empty"),
    ],
)
def test_an_empty_secret_is_refused_at_load(
    tmp_path: Path, key: str, env: dict[str, str], content: str | None, needle: str
) -> None:
    file = tmp_path / "hook-secret"
    if content is not None:
        file.write_text(content, encoding="utf-8")
    named = file if key == "secret_file" else "AW_HOOK"
    with pytest.raises(ConfigError, match=r"^invalid configuration") as caught:
        load(write(tmp_path, WEBHOOK + f'{key} = "{named}"\n'), environ=env)
    assert needle.format(file=file) in str(caught.value)


def test_a_secret_emptied_after_the_load_is_not_sent_unsigned(tmp_path: Path) -> None:
    file = tmp_path / "hook-secret"
    file.write_text("k\n", encoding="utf-8")
    config = WebhookConfig(
        name="crm", kind="webhook", url="http://127.0.0.1:9/", secret_file=str(file)
    )
    channel = WebhookChannel(config)
    assert "X-Akimwatch-Signature" in channel.headers(b"{}", "key-1")
    file.write_text("\n", encoding="utf-8")
    with pytest.raises(DeliveryError, match="missing or empty; not sent unsigned") as caught:
        channel.headers(b"{}", "key-1")
    assert not caught.value.permanent
    file.unlink()
    with pytest.raises(DeliveryError, match="hook-secret"):
        channel.headers(b"{}", "key-1")
