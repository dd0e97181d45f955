"""The channel registry: every kind of notification target, one module each.

Built-in kinds are listed below, one line each; an installed distribution adds one through the
``akimwatch.channels`` entry-point group (``kind = "package.module:ChannelClass"``). The
configuration of the channels is the discriminated union (on ``kind``) of the registered kinds'
models (``channel_model()``, used by ``notify.config``).
"""

from __future__ import annotations

import operator
from functools import cache, reduce
from importlib import metadata
from typing import Annotated, Any

from pydantic import Field

from core.config import ChannelConfig
from notify.channels.apprise import AppriseChannel
from notify.channels.base import Channel, DeliveryError
from notify.channels.email import EmailChannel
from notify.channels.webhook import WebhookChannel

BUILT_IN: tuple[type[Channel[Any]], ...] = (
    EmailChannel,
    WebhookChannel,
    AppriseChannel,
)
ENTRY_POINTS = "akimwatch.channels"


@cache
def registry() -> dict[str, type[Channel[Any]]]:
    """Every registered channel kind by name, built-ins first, in registration order."""
    found: dict[str, type[Channel[Any]]] = {cls.kind: cls for cls in BUILT_IN}
    for entry in metadata.entry_points(group=ENTRY_POINTS):
        cls = entry.load()
        if not (isinstance(cls, type) and issubclass(cls, Channel)):
            raise TypeError(f"entry point {entry.value} is not a notify.channels.base.Channel")
        found.setdefault(cls.kind, cls)
    return found


def kinds() -> tuple[str, ...]:
    """The registered kind names, in registration order."""
    return tuple(registry())


def channel_model() -> Any:
    """The model of one ``[[channels]]`` table: the registered kinds' models, told apart by
    ``kind``."""
    union = reduce(operator.or_, (cls.config_model for cls in registry().values()))
    return Annotated[union, Field(discriminator="kind")]


def make_channel(config: ChannelConfig) -> Channel[Any]:
    """An instance of the channel kind ``config.kind`` for this configuration (which must have
    been validated as that kind: ``notify.config.load``)."""
    cls = registry()[config.kind]
    if not isinstance(config, cls.config_model):
        raise TypeError(f"channel {config.name}: not validated as a {config.kind} channel")
    return cls(config)


__all__ = [
    "BUILT_IN",
    "Channel",
    "DeliveryError",
    "channel_model",
    "kinds",
    "make_channel",
    "registry",
]
