"""The full configuration: core's ``Config`` with each channel validated against its kind's
model, for every command that sends, checks or shows channels.

``core.config.Config`` knows the keys every channel has (name, kind, routing); this module builds,
once, the subclass whose ``channels`` are the discriminated union of the registered kinds
(``notify.channels.channel_model()``) and hands it to ``core.config.load``, so a wrong key of
any channel is a one-line error naming it.
"""

from __future__ import annotations

import os
from functools import cache
from typing import Any

from pydantic import Field, create_model

from core import config as core_config
from core.config import Config
from notify.channels import channel_model


@cache
def config_model() -> type[Config]:
    """``Config`` with every registered channel kind's keys."""
    model: Any = channel_model()
    channels: Any = list[model]
    return create_model("Config", __base__=Config, channels=(channels, Field(default_factory=list)))


def load(
    path: str | os.PathLike[str] | None = None, environ: dict[str, str] | None = None
) -> Config:
    """``core.config.load`` with the channels validated by kind (ConfigError on a wrong key)."""
    return core_config.load(path, environ, config_model())


def validate(data: dict[str, Any]) -> Config:
    """A full ``Config`` from a dict (as the file would give it), without the environment."""
    return config_model().model_validate(data)
