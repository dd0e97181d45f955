"""What every request needs, kept on the application: configuration, engines, index, guard."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from fastapi import Request
from prometheus_client.registry import CollectorRegistry
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from core.config import Config
from web.charts import Cache
from web.search import SearchIndex
from web.security import Guard

REFRESH_SECONDS = 5.0  # a new article is found by search within this


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

    charts: Cache = field(default_factory=Cache)
    refreshed: float | None = None  # monotonic time of the last index refresh

    def session(self) -> Session:
        """A read-only session."""
        return Session(self.engine)

    def refresh_index(self) -> None:
        """Bring the search index up to date (SQLite), at most every ``REFRESH_SECONDS``."""
        now = time.monotonic()
        if self.index is None or (self.refreshed and now - self.refreshed < REFRESH_SECONDS):
            return
        self.index.refresh()
        self.refreshed = now


def state(request: Request) -> Web:
    """The application's state."""
    found: Web = request.app.state.web
    return found
