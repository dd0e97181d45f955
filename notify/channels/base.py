"""What every channel kind implements, and the delivery error."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any, ClassVar, Generic, TypeVar

from core.config import ChannelConfig

ConfigT = TypeVar("ConfigT", bound=ChannelConfig)


class DeliveryError(Exception):
    """A send failed; ``permanent`` ones are not retried, ``retry_after`` (seconds) is a hint."""

    def __init__(self, message: str, *, permanent: bool = False, retry_after: float | None = None):
        super().__init__(message)
        self.permanent = permanent
        self.retry_after = retry_after


class Channel(ABC, Generic[ConfigT]):
    """One configured channel; ``targets()`` are sent (and tracked) one by one.

    A kind names itself (``kind``) and the model of its ``[[channels]]`` table (``config_model``,
    a :class:`core.config.ChannelConfig` with ``kind: Literal["<kind>"]`` and its own keys)."""

    kind: ClassVar[str]
    config_model: ClassVar[type[ChannelConfig]]

    def __init__(self, config: ConfigT) -> None:
        self.config = config

    def targets(self) -> list[str]:
        """Labels of the independent targets of this channel (one for email and webhook)."""
        return [self.config.name]

    def target_key(self, delivery_key: str, target: int) -> str:
        """The delivery key a target receives (the entry's own key unless targets are many)."""
        return delivery_key

    @abstractmethod
    def send(self, document: dict[str, Any], delivery_key: str, target: int) -> None:
        """Deliver ``document`` to target number ``target``; raise DeliveryError on failure."""

    def close(self) -> None:
        """Release connections held between sends (nothing to release by default)."""
        return None
