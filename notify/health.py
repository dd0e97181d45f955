"""Admin alerts (dead letters, failing sources, layout breaks, recoveries): health events, which
the dispatcher routes to the admin channels only (``notify.outbox.router``)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from storage.events import record_event


def raise_admin_alert(session: Session, key: str, subject: str, text: str) -> bool:
    """Write one health event in the caller's transaction; idempotent by ``key``.

    Returns False when this key was raised already. The caller commits.
    """
    added = record_event(
        session, "health", suffix=key, payload={"key": key, "subject": subject, "text": text}
    )
    return added is not None
