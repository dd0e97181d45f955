"""TLS verification against a local HTTPS server with a private CA, conditional requests, retry
backoff. The TLS and 304 checks run a real spider (``scrapy runspider``) in a child process."""

from __future__ import annotations

import asyncio
import json
import os
import ssl
import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from scrapy import Request, Spider
from scrapy.http import Response
from scrapy.utils.test import get_crawler

from crawler.middlewares.conditional import ConditionalRequestsMiddleware
from crawler.middlewares.retry import BackoffRetryMiddleware
from replicas import ReplicaServer
from sources.kazinform.replica import KazinformSite

ROOT = Path(__file__).resolve().parents[3]
SPIDER = """
import json, os, scrapy

class Probe(scrapy.Spider):
    name = "probe"
    custom_settings = {
        "DOWNLOAD_HANDLERS": {"https": "crawler.middlewares.tls.VerifyingHTTPSDownloadHandler"},
        "DOWNLOADER_MIDDLEWARES": {
            "crawler.middlewares.conditional.ConditionalRequestsMiddleware": 560,
            "crawler.middlewares.host_overrides.HostOverridesMiddleware": 950,
        },
        "RETRY_ENABLED": False, "ROBOTSTXT_OBEY": False, "TELNETCONSOLE_ENABLED": False,
    }

    async def start(self):
        meta = json.loads(os.environ.get("PROBE_META", "{}"))
        yield scrapy.Request(os.environ["PROBE_URL"], meta=meta, errback=self.failed)

    def parse(self, response):
        yield {"status": response.status}

    def failed(self, failure):
        yield {"error": f"{failure.type.__name__}: {failure.value}"}
"""


def _name(common: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common)])


def _certificate(subject: str, issuer: str, key: Any, signer: Any, ca: bool) -> x509.Certificate:
    now = datetime.now(UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(subject))
        .issuer_name(_name(issuer))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=2))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
    )
    if not ca:
        names = x509.SubjectAlternativeName([x509.DNSName("localhost")])
        builder = builder.add_extension(names, critical=False)
    return builder.sign(signer, hashes.SHA256())


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A private CA and a ``localhost`` certificate it signed (PEM files)."""
    folder = tmp_path_factory.mktemp("pki")
    ca_key, key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    ca = _certificate("akimwatch test CA", "akimwatch test CA", ca_key, ca_key, ca=True)
    leaf = _certificate("localhost", "akimwatch test CA", key, ca_key, ca=False)
    paths = {"ca": folder / "ca.pem", "cert": folder / "cert.pem", "key": folder / "key.pem"}
    paths["ca"].write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    paths["cert"].write_bytes(leaf.public_bytes(serialization.Encoding.PEM))
    paths["key"].write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return paths


class _Hello(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Length", "5")
        self.end_headers()
        self.wfile.write(b"hello")

    def log_message(self, format: str, *args: object) -> None:
        return


@pytest.fixture(scope="module")
def https_url(pki: dict[str, Path]) -> Iterator[str]:
    """A local HTTPS server presenting the ``localhost`` certificate."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Hello)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(pki["cert"], pki["key"])
    server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"https://localhost:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


def probe(tmp_path: Path, url: str, *settings: str, **env: str) -> tuple[list[Any], str]:
    """Run the probe spider outside the project settings; its items and its log."""
    (tmp_path / "probe.py").write_text(SPIDER, encoding="utf-8")
    out = tmp_path / "out.jsonl"
    command = [sys.executable, "-m", "scrapy", "runspider", "probe.py", "-O", str(out)]
    for setting in settings:
        command += ["-s", setting]
    environment = {k: v for k, v in os.environ.items() if not k.startswith("SCRAPY_")}
    environment.update(PYTHONPATH=str(ROOT), PROBE_URL=url, **env)
    result = subprocess.run(
        command, cwd=tmp_path, env=environment, capture_output=True, text=True, timeout=60
    )
    items = [json.loads(line) for line in out.read_text().splitlines()] if out.exists() else []
    return items, result.stderr


@pytest.mark.slow
def test_self_signed_certificate_is_refused_by_default(tmp_path: Path, https_url: str) -> None:
    items, log = probe(tmp_path, https_url)
    assert items and "certificate verify failed" in items[0]["error"], items or log[-2000:]


@pytest.mark.slow
def test_certificate_is_accepted_with_the_ca_bundle(
    tmp_path: Path, https_url: str, pki: dict[str, Path]
) -> None:
    items, log = probe(tmp_path, https_url, f"AKIMWATCH_CA_BUNDLE={pki['ca']}")
    assert items == [{"status": 200}], log[-2000:]


@pytest.mark.slow
def test_insecure_hosts_skip_verification_with_a_warning(tmp_path: Path, https_url: str) -> None:
    items, log = probe(tmp_path, https_url, "AKIMWATCH_INSECURE_HOSTS=localhost")
    assert items == [{"status": 200}], log[-2000:]
    assert "verification is OFF for localhost" in log


@pytest.mark.slow
def test_304_reaches_the_callback(tmp_path: Path) -> None:
    site = KazinformSite(page_size=5)
    article = site.articles[0]
    meta = json.dumps({"akimwatch_validators": {"etag": article.etag}})
    with ReplicaServer([site]) as server:
        items, log = probe(
            tmp_path,
            site.url_of(article),
            f"HOST_OVERRIDES={json.dumps(server.overrides())}",
            PROBE_META=meta,
        )
    assert items == [{"status": 304}], log[-2000:]
    assert [e.status for e in server.log] == [304]


def test_conditional_headers_only_with_validators() -> None:
    middleware = ConditionalRequestsMiddleware()
    request = Request(
        "https://www.inform.kz/ru/a-32af94",
        meta={"akimwatch_validators": {"etag": '"x"', "last_modified": "Sat, 21 Mar 2026"}},
    )
    assert middleware.process_request(request) is None
    assert request.headers["If-None-Match"] == b'"x"'
    assert request.headers["If-Modified-Since"] == b"Sat, 21 Mar 2026"
    assert 304 in request.meta["handle_httpstatus_list"]
    plain = Request("https://www.inform.kz/ru/lenta")
    middleware.process_request(plain)
    assert b"If-None-Match" not in plain.headers and "handle_httpstatus_list" not in plain.meta


def test_retry_backoff_doubles(monkeypatch: pytest.MonkeyPatch) -> None:
    crawler = get_crawler(Spider, {"RETRY_TIMES": 3, "RETRY_BACKOFF_BASE": 0.5})
    crawler.spider = Spider.from_crawler(crawler, name="s")
    middleware = BackoffRetryMiddleware.from_crawler(crawler)
    pauses: list[float] = []

    async def sleep(seconds: float) -> None:
        pauses.append(seconds)

    monkeypatch.setattr("crawler.middlewares.retry.asyncio.sleep", sleep)
    request = Request("https://bestnews.kz/vlast")
    for _ in range(3):
        result = asyncio.run(
            middleware.process_response(request, Response(request.url, status=503))
        )
        assert isinstance(result, Request)
        request = result
    final = asyncio.run(middleware.process_response(request, Response(request.url, status=503)))
    assert isinstance(final, Response)
    assert pauses == [0.5, 1.0, 2.0]
