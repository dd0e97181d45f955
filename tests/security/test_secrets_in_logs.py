"""Secrets never leak: a crawl and the dispatcher run at DEBUG with an SMTP password, a webhook
secret and a database password configured (each really used: SMTP AUTH, signed webhooks,
PostgreSQL), then fail on purpose (SMTP refusing the login, the webhook answering 500, the database
unreachable); every log, ``akimwatch config`` output, exception message and stored error is grepped
for the secrets and their encoded forms."""

from __future__ import annotations

import base64
import json
import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from datetime import UTC
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
from sqlalchemy import make_url, select, text

from replicas import ReplicaServer
from sources.kazinform.replica import KazinformSite
from storage.clock import utcnow
from storage.engine import make_engine
from storage.migrate import upgrade
from storage.models import CrawlRun, Outbox

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "faults"))
from receivers import WebhookReceiver

ROOT = Path(__file__).resolve().parents[2]
AKIMWATCH = [sys.executable, "-c", "import sys; from akimwatch.cli import main; sys.exit(main())"]

SMTP_PASSWORD, HOOK_SECRET, DB_PASSWORD = "smtp-Pa55-9d1e", "hook-Secr3t-44ab", "db-Pa55w0rd-7c2f"
PG_URL = os.environ.get("AKIMWATCH_TEST_PG_URL")
pytestmark = [pytest.mark.slow, pytest.mark.postgres]


class _Mail:
    """aiosmtpd handler and authenticator: logins checked against the password, mail counted."""

    def __init__(self) -> None:
        self.received = 0
        self.refuse_login = False

    def __call__(
        self, server: Any, session: Any, envelope: Any, mechanism: str, data: Any
    ) -> AuthResult:
        ok = not self.refuse_login and data.password.decode() == SMTP_PASSWORD
        return AuthResult(success=ok)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.received += 1
        return "250 OK"


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A fresh, migrated PostgreSQL database whose URL carries a password."""
    if not PG_URL:
        if os.environ.get("CI"):
            pytest.fail("CI must provide PostgreSQL through AKIMWATCH_TEST_PG_URL")
        pytest.skip("AKIMWATCH_TEST_PG_URL is not set")
    name = f"aw_{uuid.uuid4().hex[:12]}"
    admin = make_engine(PG_URL)
    with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    base = make_url(PG_URL).set(database=name)
    url = base.set(password=base.password or DB_PASSWORD).render_as_string(hide_password=False)
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    yield url
    with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _forms(*secrets: str) -> list[str]:
    """The secrets as they could appear: plain, URL-quoted, base64 (SMTP AUTH LOGIN and PLAIN)."""
    forms = []
    for secret in secrets:
        forms += [secret, quote(secret, safe=""), base64.b64encode(secret.encode()).decode()]
    plain = f"\0akimwatch\0{SMTP_PASSWORD}".encode()
    return [*forms, base64.b64encode(plain).decode()]


def _smtp(mail: _Mail) -> Controller:
    """A started aiosmtpd server offering AUTH without TLS on 127.0.0.1."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    controller = Controller(
        mail, hostname="127.0.0.1", port=port, authenticator=mail, auth_require_tls=False
    )
    controller.start()
    return controller


def _config(tmp_path: Path, smtp_port: int, hook_url: str) -> Path:
    path = tmp_path / "akimwatch.toml"
    path.write_text(
        f'data_dir = "{tmp_path}"\n[daemon]\nlog_level = "DEBUG"\n'
        "[crawl]\ndownload_delay = 0\nautothrottle = false\nretry_times = 0\n"
        "[notify]\nbackoff_base_seconds = 1\nbackoff_max_seconds = 1\n"
        f'[[channels]]\nname = "mail"\nkind = "email"\nsmtp_host = "127.0.0.1"\n'
        f'smtp_port = {smtp_port}\nsmtp_tls = "none"\nsmtp_user = "akimwatch"\nsmtp_timeout = 3\n'
        'smtp_password_env = "AW_SMTP_PASSWORD"\nfrom = "aw@example.org"\nto = ["d@example.org"]\n'
        f'[[channels]]\nname = "hook"\nkind = "webhook"\nurl = "{hook_url}"\n'
        'secret_env = "AW_HOOK_SECRET"\n',
        encoding="utf-8",
    )
    return path


def _run(args: list[str], env: dict[str, str]) -> str:
    result = subprocess.run(
        args, env=env, cwd=ROOT, capture_output=True, text=True, timeout=120, check=False
    )
    return f"exit {result.returncode}\n{result.stdout}\n{result.stderr}"


def _stored_text(db_url: str) -> str:
    """Stored errors and run statistics, where exception messages end up."""
    engine = make_engine(db_url)
    with engine.connect() as connection:
        errors = list(connection.scalars(select(Outbox.last_error)))
        stats = list(connection.scalars(select(CrawlRun.stats)))
    engine.dispose()
    return json.dumps([errors, stats], ensure_ascii=False)


def _wait_until_due(db_url: str, timeout: float = 10.0) -> None:
    """Wait until every pending outbox row is due again (its retry time has passed)."""
    engine = make_engine(db_url)
    deadline = time.monotonic() + timeout
    try:
        while True:
            with engine.connect() as connection:
                times = connection.scalars(
                    select(Outbox.next_attempt_at).where(Outbox.status == "pending")
                )
                waiting = [t for t in times if t.replace(tzinfo=t.tzinfo or UTC) > utcnow()]
            if not waiting:
                return
            assert time.monotonic() < deadline, f"outbox rows still waiting: {waiting}"
            time.sleep(0.1)
    finally:
        engine.dispose()


def _failing_then_working(env: dict[str, str], mail: _Mail, hook: WebhookReceiver) -> list[str]:
    """Dispatch while SMTP refuses the login and the webhook answers 500 (errors logged and
    stored), send samples that fail, then dispatch again once both work."""
    mail.refuse_login, hook.mode = True, "500"
    outputs = [_run([*AKIMWATCH, "-vv", "notify"], env)]
    stored = _stored_text(env["AKIMWATCH_DATABASE_URL"])
    assert "SMTP 127.0.0.1" in stored and "HTTP 500" in stored, stored[:500]
    outputs += [stored] + [
        _run([*AKIMWATCH, "-vv", "notify", "--test", name], env) for name in ("mail", "hook")
    ]
    assert all(o.startswith("exit 1") for o in outputs[2:]), outputs[2:]
    mail.refuse_login, hook.mode = False, "ok"
    _wait_until_due(env["AKIMWATCH_DATABASE_URL"])  # past the 1-second backoff
    outputs.append(_run([*AKIMWATCH, "-vv", "notify"], env))
    assert mail.received > 0 and sum(hook.delivered.values()) > 0, outputs[-1]
    return outputs


def _database_down(env: dict[str, str], pg_url: str) -> list[str]:
    """``status`` and a crawl with the database unreachable (same password, port 1)."""
    down = make_url(pg_url).set(port=1).render_as_string(hide_password=False)
    env = {**env, "AKIMWATCH_DATABASE_URL": down}
    outputs = [
        _run([*AKIMWATCH, "-vv", "status"], env),
        _run([sys.executable, "-m", "scrapy", "crawl", "kazinform", "-s", "LOG_LEVEL=DEBUG"], env),
    ]
    assert all("OperationalError" in o for o in outputs), [o[-500:] for o in outputs]
    return outputs


def test_secrets_stay_out_of_logs_config_and_errors(tmp_path: Path, pg_url: str) -> None:
    mail, hook = _Mail(), WebhookReceiver()
    smtp = _smtp(mail)
    with ReplicaServer([KazinformSite(page_size=4)]) as server:
        env = {
            **os.environ,
            "AKIMWATCH_CONFIG": str(_config(tmp_path, smtp.port, hook.url)),
            "AKIMWATCH_DATABASE_URL": pg_url,
            "AW_SMTP_PASSWORD": SMTP_PASSWORD,
            "AW_HOOK_SECRET": HOOK_SECRET,
            "AKIMWATCH_HOST_OVERRIDES": server.overrides_env(),
            "SCRAPY_SETTINGS_MODULE": "crawler.settings",
        }
        outputs = [
            _run(
                [
                    sys.executable,
                    "-m",
                    "scrapy",
                    "crawl",
                    "kazinform",
                    "-a",
                    "languages=ru",
                    "-s",
                    "LOG_LEVEL=DEBUG",
                ],
                env,
            )
        ]
        assert " DEBUG: " in outputs[0] and outputs[0].startswith("exit 0"), outputs[0][-500:]
        outputs += _failing_then_working(env, mail, hook)
        outputs.append(_run([*AKIMWATCH, "-vv", "config"], env))
        outputs += _database_down(env, pg_url)
    smtp.stop()
    hook.stop()
    for output in [*outputs, _stored_text(pg_url)]:
        for form in _forms(SMTP_PASSWORD, HOOK_SECRET, str(make_url(pg_url).password)):
            assert form not in output, (form, output[-2000:])
