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
from typing import Any, Literal

import httpx
from pydantic import ConfigDict, Field, SecretStr, field_validator, model_validator

import core
from core import checks
from core.config import ChannelConfig
from core.secrets import SecretUrl
from notify.channels.base import Channel, DeliveryError

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


class WebhookConfig(ChannelConfig):
    """A ``kind = "webhook"`` channel: the URL (a secret: its path often is the token) and the
    signing secret named by ``secret_env`` or ``secret_file``."""

    model_config = ConfigDict(extra="forbid")
    secret_keys = ("secret",)

    kind: Literal["webhook"]
    url: SecretUrl | None = None
    secret_env: str | None = None
    secret_file: str | None = None
    timeout: float = Field(10, gt=0)

    @field_validator("url", mode="before")
    @classmethod
    def _check_url(cls, value: object) -> object:
        return checks.http_url(value) if isinstance(value, str) and value else value

    @model_validator(mode="after")
    def _check_url_given(self) -> WebhookConfig:
        if self.url is None or not self.url.get_secret_value():
            raise ValueError(f"channel {self.name!r}: a webhook channel needs url")
        return self


class WebhookChannel(Channel[WebhookConfig]):
    """POSTs to ``url``; 2xx is success, 4xx other than 408/429 is permanent."""

    kind = "webhook"
    config_model = WebhookConfig
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
            headers["X-Akimwatch-Signature"] = signature(secret.get_secret_value(), timestamp, body)
        return headers

    def _secret(self) -> SecretStr | None:
        """The signing secret, None when none is configured; one configured but gone missing or
        empty since the load raises a retried DeliveryError rather than sending unsigned."""
        named = self.config.secret_env or self.config.secret_file
        if not named:
            return None
        try:
            secret = self.config.secret("secret")
        except (OSError, UnicodeDecodeError) as exc:
            raise DeliveryError(f"channel {self.config.name}: secret {named}: {exc}") from exc
        if not secret or not secret.get_secret_value().strip():
            raise DeliveryError(
                f"channel {self.config.name}: secret {named} is missing or empty; not sent unsigned"
            )
        return secret

    def send(self, document: dict[str, Any], delivery_key: str, target: int) -> None:
        """POST the document once."""
        body = encode(document)
        url = self.config.url
        assert url is not None  # the model refuses a webhook channel without one
        if self._client is None:
            self._client = httpx.Client(timeout=self.config.timeout, verify=_tls_context())
        try:
            response = self._client.post(
                url.get_secret_value(), content=body, headers=self.headers(body, delivery_key)
            )
        except httpx.HTTPError as exc:
            detail = str(exc).replace(url.get_secret_value(), str(url))
            raise DeliveryError(f"POST {url}: {type(exc).__name__}: {detail}") from exc
        if response.is_success:
            return
        status = response.status_code
        raise DeliveryError(
            f"POST {url}: HTTP {status} {response.text[:200]!r}",
            permanent=400 <= status < 500 and status not in RETRYABLE,
            retry_after=retry_after(response.headers.get("Retry-After")),
        )

    def close(self) -> None:
        """Close the connection pool."""
        if self._client is not None:
            self._client.close()
            self._client = None
