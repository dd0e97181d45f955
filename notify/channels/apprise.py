"""Any Apprise URL (Telegram, Slack, ntfy, ...): an optional extra, one target per URL."""

from __future__ import annotations

import logging
import os
import re
import warnings
from typing import Any, Literal

from pydantic import ConfigDict, Field, field_validator

from core import checks
from core.config import ChannelConfig
from core.secrets import SecretUrl
from notify.channels.base import Channel, DeliveryError
from notify.render import language_for, render

APPRISE_LOGGER = logging.getLogger("apprise")
INSTALL_HINT = "the apprise channel needs Apprise: install akimwatch[apprise] (pip install apprise)"


class _Masking(logging.Filter):
    """Apprise logs the URLs it loads and notifies: their secret text is replaced by the masked
    form before any handler sees the record."""

    def __init__(self, urls: list[SecretUrl]) -> None:
        super().__init__()
        self.urls = urls

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        for url in self.urls:
            raw = url.get_secret_value()
            for text in (raw, raw.partition("://")[2]):
                message = message.replace(text, str(url)) if text else message
        record.msg, record.args = message, ()
        return True


class AppriseConfig(ChannelConfig):
    """A ``kind = "apprise"`` channel: its URLs (secrets: they carry the tokens), in the file and
    in the variable named by ``urls_env``."""

    model_config = ConfigDict(extra="forbid")
    secret_keys = ("urls",)

    kind: Literal["apprise"]
    urls_env: str | None = None
    urls: list[SecretUrl] = Field(default_factory=list)

    @field_validator("urls", mode="before")
    @classmethod
    def _check_urls(cls, value: object) -> object:
        if not isinstance(value, list):
            return value
        return [checks.scheme_url(url) if isinstance(url, str) else url for url in value]


class AppriseChannel(Channel[AppriseConfig]):
    """Each URL in ``urls`` (and in the variable named by ``urls_env``) is its own target."""

    kind = "apprise"
    config_model = AppriseConfig

    def urls(self) -> list[SecretUrl]:
        """The URLs, in order (the variable read now); the index is the target number."""
        urls = list(self.config.urls)
        if self.config.urls_env:
            named = os.environ.get(self.config.urls_env, "")
            urls += [SecretUrl(url) for url in re.split(r"[\s,]+", named) if url]
        return urls

    def targets(self) -> list[str]:
        """The URLs as outputs show them (masked)."""
        return [str(url) for url in self.urls()]

    def target_key(self, delivery_key: str, target: int) -> str:
        """Each URL is its own delivery: ``<key>#<index>``."""
        return f"{delivery_key}#{target}"

    def send(self, document: dict[str, Any], delivery_key: str, target: int) -> None:
        """Notify one URL; Apprise reports only success or failure, so failures are retried."""
        masking = _Masking(self.urls())
        APPRISE_LOGGER.addFilter(masking)
        try:
            with warnings.catch_warnings():  # Apprise's plugins import the deprecated imghdr
                warnings.simplefilter("ignore", DeprecationWarning)
                self._notify(document, target)
        finally:
            APPRISE_LOGGER.removeFilter(masking)

    def _notify(self, document: dict[str, Any], target: int) -> None:
        try:
            import apprise
        except ImportError as exc:
            raise DeliveryError(INSTALL_HINT) from exc
        client = apprise.Apprise()
        if not client.add(self.urls()[target].get_secret_value()):
            raise DeliveryError(f"target {target}: not a valid Apprise URL", permanent=True)
        subject, plain, _ = render(document, language_for(self.config))
        if not client.notify(title=subject, body=plain):
            raise DeliveryError(f"target {target}: Apprise could not notify")
