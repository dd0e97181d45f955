"""Admin alerts (dead letters, failing sources, layout breaks, recoveries): admin channels only."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session

from core.config import Config
from storage.outbox import enqueue
from storage.records import Router


def admin_router(config: Config) -> Router:
    """A router sending ``health`` events to the admin channels and nothing anywhere else."""

    def route(
        event_type: str, region: str | None, kind: str | None, languages: Sequence[str]
    ) -> list[str]:
        if event_type != "health":
            return []
        return [channel.name for channel in config.channels if channel.admin]

    return route


def raise_admin_alert(session: Session, config: Config, key: str, subject: str, text: str) -> int:
    """Queue one alert per admin channel in the caller's transaction; idempotent by ``key``.

    Returns how many outbox rows were added: 0 when this key was already raised or when no admin
    channel is configured. The caller commits.
    """
    return enqueue(
        session,
        admin_router(config),
        "health",
        suffix=key,
        payload={"key": key, "subject": subject, "text": text},
    )
