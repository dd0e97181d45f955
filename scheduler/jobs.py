"""Job functions with stable import paths and plain arguments (a source name, the config path),
never objects.

The daemon installs its :class:`Runtime` (config, engine, crawl service) with :func:`install`; a
job run without one (a command run outside the daemon) builds its own from the config path.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from sqlalchemy import Engine, delete
from sqlalchemy.orm import Session

from core.config import Config
from notify import outbox
from notify.config import load
from scheduler.service import CrawlService, SourceResult
from storage.clock import utcnow
from storage.engine import make_engine
from storage.models import CrawlRun

log = logging.getLogger(__name__)


@dataclass
class Runtime:
    """What the jobs of one daemon process share."""

    config: Config
    engine: Engine
    service: CrawlService
    config_path: str | None = None
    feed_lock: threading.Lock = field(default_factory=threading.Lock)

    @classmethod
    def build(cls, config: Config, engine: Engine, config_path: str | None) -> Runtime:
        """A runtime whose crawl children read the same config file."""
        return cls(
            config, engine, CrawlService(config, engine, config_path=config_path), config_path
        )


_runtime: Runtime | None = None


def install(runtime: Runtime | None) -> None:
    """Make ``runtime`` the one the jobs of this process use."""
    global _runtime
    _runtime = runtime


def runtime(config_path: str | None) -> Runtime:
    """The installed runtime, else one built from the config file."""
    if _runtime is None:
        config = load(config_path)
        install(Runtime.build(config, make_engine(config.database_url), config_path))
    assert _runtime is not None
    return _runtime


def crawl(rt: Runtime, source: str, *, recheck: bool = False) -> SourceResult | None:
    """One crawl of ``source`` (with its health check) unless one is running; then the feed."""
    result = rt.service.crawl(source, recheck=recheck)
    if result is not None:
        write_feed(rt)
    return result


def crawl_source(source: str, config_path: str | None = None) -> None:
    """Scheduled crawl of one source."""
    crawl(runtime(config_path), source)


def recheck_sources(config_path: str | None = None) -> None:
    """Change re-check: ``scrapy crawl NAME -a recheck=1`` for every enabled source in turn."""
    rt = runtime(config_path)
    for source in rt.config.enabled_sources():
        crawl(rt, source, recheck=True)


def dispatch(config_path: str | None = None) -> None:
    """Send the notifications that are due, claiming them under the leader's term."""
    from notify.dispatcher import Dispatcher

    rt = runtime(config_path)
    report = Dispatcher(rt.config, rt.engine, term=rt.service.term).run_once()
    if report.claimed:
        log.info("dispatch: %s", report.summary())


def close_lost_runs(config_path: str | None = None) -> None:
    """Close the crawl runs that can no longer end on their own (a dead leader's, a lost node's
    job nobody follows): unfinished past the crawl timeout, the grace and a margin."""
    runtime(config_path).service.close_lost_runs()


def retention(config_path: str | None = None) -> None:
    """Forget crawl runs and delivered or dead notifications (``notify.outbox.purge``) older than
    ``retention_days``."""
    rt = runtime(config_path)
    days = rt.config.daemon.retention_days
    if not days:
        return
    cutoff = utcnow() - timedelta(days=days)
    with Session(rt.engine) as session, session.begin():
        runs = session.execute(delete(CrawlRun).where(CrawlRun.started_at < cutoff))
        sent = outbox.purge(session, cutoff)
    log.info("retention: removed %s crawl runs, %s outbox rows", runs.rowcount, sent)  # type: ignore[attr-defined]


def write_feed(rt: Runtime) -> None:
    """Rewrite the Atom feed of meetings when ``daemon.feed_path`` is set."""
    if not rt.config.daemon.feed_path:
        return
    from notify.feed import write

    with rt.feed_lock:
        write(rt.engine, Path(rt.config.daemon.feed_path))
