"""Any Apprise URL (Telegram, Slack, ntfy, ...): an optional extra, one target per URL."""

from __future__ import annotations

import os
import re
import warnings
from typing import Any

from notify.channels.base import Channel, DeliveryError, register
from notify.render import language_for, render

INSTALL_HINT = "the apprise channel needs Apprise: install akimwatch[apprise] (pip install apprise)"


@register
class AppriseChannel(Channel):
    """Each URL in ``urls`` (and in the variable named by ``urls_env``) is its own target."""

    kind = "apprise"

    def targets(self) -> list[str]:
        """The URLs, in order; the index is the target number."""
        urls = list(self.config.urls)
        if self.config.urls_env:
            urls += [u for u in re.split(r"[\s,]+", os.environ.get(self.config.urls_env, "")) if u]
        return urls

    def target_key(self, delivery_key: str, target: int) -> str:
        """Each URL is its own delivery: ``<key>#<index>``."""
        return f"{delivery_key}#{target}"

    def send(self, document: dict[str, Any], delivery_key: str, target: int) -> None:
        """Notify one URL; Apprise reports only success or failure, so failures are retried."""
        with warnings.catch_warnings():  # Apprise's plugins import the deprecated imghdr
            warnings.simplefilter("ignore", DeprecationWarning)
            self._notify(document, target)

    def _notify(self, document: dict[str, Any], target: int) -> None:
        try:
            import apprise
        except ImportError as exc:
            raise DeliveryError(INSTALL_HINT) from exc
        client = apprise.Apprise()
        if not client.add(self.targets()[target]):
            raise DeliveryError(f"target {target}: not a valid Apprise URL", permanent=True)
        subject, plain, _ = render(document, language_for(self.config))
        if not client.notify(title=subject, body=plain):
            raise DeliveryError(f"target {target}: Apprise could not notify")
