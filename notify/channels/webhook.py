"""Webhook: an HMAC-signed HTTP POST of the versioned JSON document (see docs/webhook.md)."""

from __future__ import annotations

import hashlib
import hmac
import json
import ssl
import time
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from functools import cache
from typing import Any

import httpx

import core
from notify.channels.base import Channel, DeliveryError, register

RETRYABLE = {408, 429}


def encode(document: dict[str, Any]) -> bytes:
    """The exact bytes posted (and signed)."""
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def signature(secret: str, timestamp: str, body: bytes) -> str:
    """``sha256=<hex HMAC-SHA256(secret, timestamp + "." + body)>``."""
    mac = hmac.new(secret.encode("utf-8"), timestamp.encode("ascii") + b"." + body, hashlib.sha256)
    return f"sha256={mac.hexdigest()}"


def retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


@cache
def _tls_context() -> ssl.SSLContext:
    """One verifying TLS context (httpx's defaults) for every client: building one costs ~10 ms."""
    return httpx.create_ssl_context()


@register
class WebhookChannel(Channel):
    """POSTs to ``url``; 2xx is success, 4xx other than 408/429 is permanent."""

    kind = "webhook"
    _client: httpx.Client | None = None

    def headers(self, body: bytes, delivery_key: str) -> dict[str, str]:
        """Content type, delivery key, timestamp and (with a secret) the signature."""
        timestamp = str(int(time.time()))
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": f"akimwatch/{core.__version__}",
            "X-Akimwatch-Delivery": delivery_key,
            "X-Akimwatch-Timestamp": timestamp,
        }
        secret = self._secret()
        if secret:
            headers["X-Akimwatch-Signature"] = signature(secret, timestamp, body)
        return headers

    def _secret(self) -> str | None:
        """The signing secret, None when none is configured; one configured but gone missing or
        empty since the load raises a retried DeliveryError rather than sending unsigned."""
        named = self.config.secret_env or self.config.secret_file
        if not named:
            return None
        try:
            secret = self.config.secret("secret")
        except (OSError, UnicodeDecodeError) as exc:
            raise DeliveryError(f"channel {self.config.name}: secret {named}: {exc}") from exc
        if not secret or not secret.strip():
            raise DeliveryError(
                f"channel {self.config.name}: secret {named} is missing or empty; not sent unsigned"
            )
        return secret

    def send(self, document: dict[str, Any], delivery_key: str, target: int) -> None:
        """POST the document once."""
        body = encode(document)
        if self._client is None:
            self._client = httpx.Client(timeout=self.config.timeout, verify=_tls_context())
        try:
            response = self._client.post(
                str(self.config.url), content=body, headers=self.headers(body, delivery_key)
            )
        except httpx.HTTPError as exc:
            raise DeliveryError(f"POST {self.config.url}: {type(exc).__name__}: {exc}") from exc
        if response.is_success:
            return
        status = response.status_code
        raise DeliveryError(
            f"POST {self.config.url}: HTTP {status} {response.text[:200]!r}",
            permanent=400 <= status < 500 and status not in RETRYABLE,
            retry_after=retry_after(response.headers.get("Retry-After")),
        )

    def close(self) -> None:
        """Close the connection pool."""
        if self._client is not None:
            self._client.close()
            self._client = None
