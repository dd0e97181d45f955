"""Helpers for end-to-end crawls: a config file, the production entry point as a subprocess."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from core.config import load
from notify.outbox import route_events, router
from replicas import ReplicaServer
from storage.clock import utcnow
from storage.engine import make_engine
from storage.migrate import upgrade
from storage.models import Article

ROOT = Path(__file__).resolve().parents[2]


def write_config(tmp_path: Path, extra: str = "") -> tuple[Path, str]:
    """A TOML config for a fast crawl of replicas, with one webhook channel; returns (path, db)."""
    db_url = f"sqlite:///{tmp_path / 'akimwatch.db'}"
    path = tmp_path / "akimwatch.toml"
    path.write_text(
        f'data_dir = "{tmp_path}"\n[database]\nurl = "{db_url}"\n'
        "[crawl]\ndownload_delay = 0\nautothrottle = false\nretry_times = 1\n"
        "timeout_seconds = 120\n"
        '[[channels]]\nname = "hook"\nkind = "webhook"\nurl = "http://127.0.0.1:9/hook"\n' + extra,
        encoding="utf-8",
    )
    engine = make_engine(db_url)
    upgrade(engine)
    engine.dispose()
    return path, db_url


def route_saved(db_url: str) -> None:
    """Route the crawls' events into outbox rows as a dispatcher's run begins (nothing is sent),
    with the configuration written beside the database (``akimwatch.toml``)."""
    database = make_url(db_url).database
    assert database, db_url
    config = load(Path(database).parent / "akimwatch.toml")
    engine = make_engine(db_url)
    with Session(engine) as session, session.begin():
        route_events(session, router(config), utcnow())
    engine.dispose()


def crawl_env(config: Path, server: ReplicaServer) -> dict[str, str]:
    """The environment of a crawl child aimed at the replicas."""
    return {
        **os.environ,
        "AKIMWATCH_CONFIG": str(config),
        "AKIMWATCH_HOST_OVERRIDES": server.overrides_env(),
        "SCRAPY_SETTINGS_MODULE": "crawler.settings",
    }


def crawl_command(spider: str, *args: str) -> list[str]:
    """``python -m scrapy crawl SPIDER -a ...``: the production entry point."""
    command = [sys.executable, "-m", "scrapy", "crawl", spider, "-s", "LOG_LEVEL=WARNING"]
    for arg in args:
        command += ["-a", arg]
    return command


def run_crawl(
    spider: str, config: Path, server: ReplicaServer, *args: str, timeout: float = 180
) -> subprocess.CompletedProcess[str]:
    """One crawl child to its end, whatever its exit code."""
    return subprocess.run(
        crawl_command(spider, *args),
        env=crawl_env(config, server),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def crawl(spider: str, config: Path, server: ReplicaServer, *args: str) -> None:
    """Run one crawl to its end and fail with its output when it exits non-zero."""
    result = run_crawl(spider, config, server, *args)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "] ERROR:" not in result.stderr, result.stderr[-3000:]


def stored_articles(db_url: str) -> dict[str, Article]:
    """The stored articles by URL, detached from their session."""
    engine = make_engine(db_url)
    with Session(engine, expire_on_commit=False) as session:
        articles = {a.url: a for a in session.scalars(select(Article))}
        session.expunge_all()
    engine.dispose()
    return articles


def stored_rows(db_url: str, names: tuple[str, ...]) -> dict[str, dict[str, Any]]:
    """Some columns of every stored article by URL, to compare with what the replica served."""
    return {
        url: {name: getattr(article, name) for name in names}
        for url, article in stored_articles(db_url).items()
    }
