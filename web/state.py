"""What every request needs, kept on the application: configuration, engines, index, guard."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from fastapi import Request
from prometheus_client.registry import CollectorRegistry
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from core.config import Config
from web.search import SearchIndex
from web.security import Guard


@dataclass
class Web:
    """What every request needs: the configuration, the engines, the index, the guard, the clock."""

    config: Config
    engine: Engine  # read-only (deferred transactions on SQLite)
    writer: Engine
    index: SearchIndex | None
    guard: Guard
    clock: Callable[[], datetime]
    registry: CollectorRegistry

    def session(self) -> Session:
        """A read-only session."""
        return Session(self.engine)

    def refresh_index(self) -> None:
        """Bring the search index up to date (SQLite)."""
        if self.index is not None:
            self.index.refresh()


def state(request: Request) -> Web:
    """The application's state."""
    found: Web = request.app.state.web
    return found
