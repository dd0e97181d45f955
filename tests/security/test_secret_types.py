"""Channel secrets are secret types: set through the environment and through files (an SMTP
password, a webhook URL carrying its token and its signing secret, Apprise URLs), they appear in
no output: not in ``repr``/``str`` of the configuration, its JSON dumps, ``akimwatch config``,
``status``, ``outbox``, the errors of failing sends (each channel sent a sample to a dead
address) or a configuration error, nor in the debug logs of any of those commands."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from core.config import masked
from notify.channels import make_channel
from notify.config import load

ROOT = Path(__file__).resolve().parents[2]
SMTP_PASSWORD_ENV, SMTP_PASSWORD_FILE = "smtp-Env-Pa55-81f0", "smtp-File-Pa55-2c7e"
HOOK_TOKEN, HOOK_SECRET = "hookTok3n-9a4d17", "hook-File-Secr3t-5b22"
APPRISE_ENV, APPRISE_FILE = "json://127.0.0.1:9/appriseEnvTok-77c1", "json://apprTok-File-3e9a@x"
NODE_PASSWORD, NODE_DB_PASSWORD = "nodePa55-4e1b", "nodeDbPa55-90ac"
RAW = (SMTP_PASSWORD_ENV, SMTP_PASSWORD_FILE, HOOK_TOKEN, HOOK_SECRET, "appriseEnvTok", "apprTok",
       NODE_PASSWORD, NODE_DB_PASSWORD)  # fmt: skip
CHANNELS = ("desk", "ops", "hook", "chat")
ENV = {"AW_SMTP_PASSWORD": SMTP_PASSWORD_ENV, "AW_APPRISE_URLS": APPRISE_ENV}


def _config(tmp_path: Path, extra: str = "") -> Path:
    (tmp_path / "smtp-password").write_text(SMTP_PASSWORD_FILE + "\n", encoding="utf-8")
    (tmp_path / "hook-secret").write_text(HOOK_SECRET + "\n", encoding="utf-8")
    mail = 'kind = "email"\nsmtp_host = "127.0.0.1"\nsmtp_port = 9\nsmtp_tls = "none"\n'
    path = tmp_path / "akimwatch.toml"
    path.write_text(
        f'data_dir = "{tmp_path}"\n'
        f'[[channels]]\nname = "desk"\n{mail}smtp_user = "aw"\nto = ["d@example.org"]\n'
        'smtp_password_env = "AW_SMTP_PASSWORD"\n'
        f'[[channels]]\nname = "ops"\n{mail}smtp_user = "aw"\nto = ["o@example.org"]\n'
        f'smtp_password_file = "{tmp_path}/smtp-password"\nadmin = true\n'
        f'[[channels]]\nname = "hook"\nkind = "webhook"\nurl = "http://127.0.0.1:9/{HOOK_TOKEN}"\n'
        f'secret_file = "{tmp_path}/hook-secret"\n'
        f'[[channels]]\nname = "chat"\nkind = "apprise"\nurls = ["{APPRISE_FILE}"]\n'
        f'urls_env = "AW_APPRISE_URLS"\n{extra}'
        f'[[crawl.nodes]]\nurl = "http://127.0.0.1:9"\nusername = "aw"\n'
        f'password = "{NODE_PASSWORD}"\n'
        f'database_url = "postgresql+psycopg://aw:{NODE_DB_PASSWORD}@db/aw"\n',
        encoding="utf-8",
    )
    return path


def _cli(path: Path, *args: str, env: dict[str, str] | None = None) -> str:
    """Everything one CLI command prints at debug level (tracebacks of errors included), with the
    secrets in its environment."""
    environ = {k: v for k, v in os.environ.items() if not k.startswith("AKIMWATCH_")}
    environ.update(ENV, PYTHONPATH=str(ROOT), **(env or {}))
    result = subprocess.run(
        [sys.executable, "-m", "akimwatch.cli", "-vv", "--config", str(path), *args],
        cwd=path.parent,
        env=environ,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    return f"exit {result.returncode}\n{result.stdout}\n{result.stderr}"


def _leaks(text: str) -> list[str]:
    return [secret for secret in RAW if secret in text]


def test_the_loaded_configuration_never_shows_a_secret(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in ENV.items():
        monkeypatch.setenv(name, value)
    config = load(_config(tmp_path), environ=ENV)
    hook = make_channel(config.channel("hook"))
    chat = make_channel(config.channel("chat"))
    outputs = [
        repr(config),
        str(config),
        config.model_dump_json(),
        str(config.model_dump()),
        str(masked(config)),
        *(repr(channel) for channel in config.channels),
        str(chat.targets()),
        str(hook.headers(b"{}", "key")),  # the signature, not the secret
    ]
    assert not _leaks("\n".join(outputs))
    assert "http://127.0.0.1:9/********" in masked(config)["channels"][2]["url"]
    assert len(chat.targets()) == 2  # the file's URL and the variable's, each a target
    password = config.channel("desk").secret("smtp_password")  # revealed where it is used
    assert password is not None and password.get_secret_value() == SMTP_PASSWORD_ENV


@pytest.mark.slow
def test_no_command_output_or_log_shows_a_secret(tmp_path: Path) -> None:
    path = _config(tmp_path)
    _cli(path, "db", "upgrade")
    outputs = {
        "config": _cli(path, "config"),
        "status": _cli(path, "status"),
        "status --json": _cli(path, "status", "--json"),
        "outbox": _cli(path, "outbox"),
        **{f"notify --test {name}": _cli(path, "notify", "--test", name) for name in CHANNELS},
        "config error": _cli(path, "config", env={"AKIMWATCH_CRAWL__DOWNLOAD_DELAY": "fast"}),
        "channel error": _cli(_config(tmp_path, "timeout = 0\n"), "config"),
    }
    assert "http://127.0.0.1:9/********" in outputs["notify --test hook"]
    assert "Error: invalid configuration" in outputs["channel error"]
    assert all(text.startswith("exit 1") for k, text in outputs.items() if "--test" in k)
    leaks = {command: _leaks(text) for command, text in outputs.items() if _leaks(text)}
    assert not leaks, leaks
