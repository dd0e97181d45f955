"""Channel kinds, registered by name: ``email``, ``webhook``, ``apprise``."""

from __future__ import annotations

from core.config import ChannelConfig
from notify.channels import apprise, email, webhook
from notify.channels.base import REGISTRY, Channel, DeliveryError

__all__ = ["REGISTRY", "Channel", "DeliveryError", "apprise", "email", "make_channel", "webhook"]


def make_channel(config: ChannelConfig) -> Channel:
    """An instance of the channel kind ``config.kind`` for this configuration."""
    return REGISTRY[config.kind](config)
