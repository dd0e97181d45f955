"""One ``akimwatch run-once`` of every replica in one layout, with real local receivers.

Every source's replica is served on 127.0.0.1 in the layout asked, the sources crawled by the
README's first command (``HOST_OVERRIDES`` to the replicas, a fresh SQLite database, politeness
off) and dispatched to one webhook channel and one email channel. What comes back is what the
score needs: the replicas (their articles and URLs), the stored articles, the webhooks and the
emails.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

import sources
from benchmarks.receiver import Mailbox, WebhookReceiver
from crawler.extract.dates import ALMATY
from replicas import ReplicaServer
from replicas.articles import ReplicaArticle
from replicas.server import Site
from storage.engine import make_engine
from storage.models import Article

ROOT = Path(__file__).resolve().parents[1]
MAIN = "import sys; from akimwatch.cli import main; sys.exit(main())"
# A replica meeting whose reports were not all published at one time has them all this recent.
SPREAD = timedelta(hours=6)
WINDOW_MINUTES = 30  # [notify] update_window_minutes, the default
MAIL_CHANNEL = "desk"


@dataclass
class Served:
    """One replica article and the URL the crawler stores it under."""

    site: str
    article: ReplicaArticle
    url: str
    day_only: bool = False  # the site shows only the day of this article, nowhere its time


@dataclass
class Crawl:
    """What one run-once of every replica left behind."""

    layout: int
    served: list[Served]
    stored: dict[str, datetime | None]
    webhooks: list[dict[str, Any]]
    emails: list[EmailMessage]
    output: str


def replicas(layout: int, now: datetime | None = None) -> dict[str, Any]:
    """Every registered source's replica in ``layout``, their articles moved back so that no
    local midnight falls between the reports of one meeting, whatever the time of day ``now``."""
    sites: dict[str, Any] = {
        source.name: source.replica_class()(layout=layout) for source in sources.registry().values()
    }
    back = shift(now or datetime.now(UTC))
    for site in sites.values():
        for article in site.articles:
            article.published -= back
    return sites


def shift(now: datetime) -> timedelta:
    """How far to move relative publication times back: past the last local midnight when it
    is less than ``SPREAD`` ago (the time of day then leaves room for every meeting's reports).
    Whole minutes, as the sites print them. Kept although the labels' day no longer depends on
    it: with reports on both sides of midnight the crawler may date a meeting by its later report
    (``python -m benchmarks.truth`` then counts a false alert and a missed meeting)."""
    local = now.astimezone(ALMATY)
    since_midnight = timedelta(hours=local.hour, minutes=local.minute)
    return since_midnight + timedelta(hours=1) if since_midnight < SPREAD else timedelta(0)


def served(sites: dict[str, Site]) -> list[Served]:
    """Every article a crawl of the replicas finds, with the URL it is stored under."""
    return [
        Served(name, found.article, found.url, found.day_only)
        for name, site in sites.items()
        for found in site.crawled()
    ]


def config_text(tmp: Path, sites: dict[str, Site], hook: str, smtp_port: int) -> str:
    """The TOML of the run: every source with the options its replica needs, no politeness, a
    webhook channel and an email channel that also takes updates (the README's example events)."""
    return (
        f'data_dir = "{tmp}"\n[database]\nurl = "sqlite:///{tmp / "akimwatch.db"}"\n'
        "[crawl]\ndownload_delay = 0\nautothrottle = false\nretry_times = 1\n"
        f"[notify]\nupdate_window_minutes = {WINDOW_MINUTES}\n"
        f"{source_tables(sites)}"
        f'[[channels]]\nname = "hook"\nkind = "webhook"\nurl = "{hook}"\n'
        f'[[channels]]\nname = "{MAIL_CHANNEL}"\nkind = "email"\nsmtp_host = "127.0.0.1"\n'
        f'smtp_port = {smtp_port}\nsmtp_tls = "none"\nto = ["desk@example.org"]\n'
        'events = ["meeting.new", "meeting.updated"]\n'
    )


def source_tables(sites: dict[str, Site]) -> str:
    """``[sources.<name>]`` with the keys each replica asks for (TOML)."""
    tables = []
    for name, site in sites.items():
        options = site.source_options()
        if options:
            keys = "".join(f"{key} = {json.dumps(value)}\n" for key, value in options.items())
            tables.append(f"[sources.{name}]\n{keys}")
    return "".join(tables)


def stored(db_url: str) -> dict[str, datetime | None]:
    """Stored articles: URL -> published_at."""
    engine = make_engine(db_url)
    with Session(engine) as session:
        rows = {a.url: a.published_at for a in session.scalars(select(Article))}
    engine.dispose()
    return rows


@dataclass
class Rig:
    """The served replicas, the receivers and the configuration of repeated runs."""

    layout: int
    sites: dict[str, Any]
    server: ReplicaServer
    hook: WebhookReceiver
    mailbox: Mailbox
    config: Path

    @property
    def db_url(self) -> str:
        """The SQLite database of the runs."""
        return f"sqlite:///{self.config.parent / 'akimwatch.db'}"

    def run_once(self) -> str:
        """One ``akimwatch run-once`` of every source; its output (RuntimeError when it fails)."""
        env = {
            **os.environ,
            "AKIMWATCH_CONFIG": str(self.config),
            "AKIMWATCH_HOST_OVERRIDES": self.server.overrides_env(),
        }
        done = subprocess.run(
            [sys.executable, "-c", MAIN, "run-once", *self.sites], env=env, cwd=ROOT,
            capture_output=True, text=True, timeout=600, check=False,
        )  # fmt: skip
        if done.returncode != 0:
            raise RuntimeError(f"run-once exited {done.returncode}: {done.stdout[-1500:]}")
        return done.stdout

    def result(self, output: str) -> Crawl:
        """What the runs so far left behind."""
        webhooks = [json.loads(body) for body in self.hook.bodies.values()]
        emails = list(self.mailbox.messages)
        return Crawl(self.layout, served(self.sites), stored(self.db_url), webhooks, emails, output)


@contextmanager
def rig(layout: int) -> Iterator[Rig]:
    """Serve the replicas in ``layout`` with a webhook receiver and an SMTP server, a fresh
    configuration and database in a temporary directory."""
    sites = replicas(layout)
    hook, mailbox = WebhookReceiver().start(), Mailbox()
    port = mailbox.start()
    try:
        with tempfile.TemporaryDirectory() as name, ReplicaServer(list(sites.values())) as server:
            config = Path(name) / "akimwatch.toml"
            config.write_text(config_text(Path(name), sites, hook.url, port), encoding="utf-8")
            yield Rig(layout, sites, server, hook, mailbox, config)
    finally:
        hook.stop()
        mailbox.stop()


def crawl(layout: int) -> Crawl:
    """Serve the replicas in ``layout``, run ``akimwatch run-once`` once, collect the results."""
    with rig(layout) as run:
        return run.result(run.run_once())
