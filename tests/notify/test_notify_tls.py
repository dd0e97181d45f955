"""STARTTLS and login against a real aiosmtpd server with a self-signed certificate."""

from __future__ import annotations

import datetime as dt
import ipaddress
import ssl
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from notify_helpers import add_meetings, make_config
from notify_servers import Mailbox, free_port
from sqlalchemy import Engine

from notify.dispatcher import Dispatcher


def _certificate(tmp_path: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


def _authenticate(
    server: Any, session: Any, envelope: Any, mechanism: str, auth: Any
) -> AuthResult:
    ok = auth.login == b"akimwatch" and auth.password == b"hunter2"
    return AuthResult(success=ok, handled=False)


def test_starttls_and_login(
    tmp_path: Path, db_url: str, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    cert, key = _certificate(tmp_path)
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))  # the client trusts our self-signed server
    monkeypatch.setenv("TEST_SMTP_PASSWORD", "hunter2")
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    box = Mailbox()
    port = free_port()
    controller = Controller(
        box,
        hostname="127.0.0.1",
        port=port,
        tls_context=context,
        require_starttls=True,
        authenticator=_authenticate,
        auth_require_tls=True,
    )
    controller.start()
    try:
        channel = {
            "name": "newsroom",
            "kind": "email",
            "smtp_host": "127.0.0.1",
            "smtp_port": port,
            "smtp_tls": "starttls",
            "smtp_user": "akimwatch",
            "smtp_password_env": "TEST_SMTP_PASSWORD",
            "smtp_timeout": 5,
            "to": ["desk@example.org"],
        }
        config = make_config(db_url, channel)
        [delivery] = add_meetings(engine, config, 1)
        report = Dispatcher(config, engine).run_once()
        assert report.sent == 1, report.errors
        monkeypatch.setenv("TEST_SMTP_PASSWORD", "wrong")
        add_meetings(engine, config, 1, start=1)
        failed = Dispatcher(config, engine).run_once()
        assert failed.dead == 1 and "535" in failed.errors[0]  # bad credentials are permanent
    finally:
        controller.stop()
    assert [m["X-Akimwatch-Delivery"] for m in box.messages] == [delivery]
