"""One ``akimwatch run-once`` of every replica in one layout, with real local receivers.

The four replicas are served on 127.0.0.1 in the layout asked, the sources crawled by the README's
first command (``HOST_OVERRIDES`` to the replicas, a fresh SQLite database, politeness off) and
dispatched to one webhook channel and one email channel. What comes back is what the score needs:
the replicas (their articles and URLs), the stored articles, the webhooks and the emails.
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

from benchmarks.receiver import Mailbox, WebhookReceiver
from crawler.extract.dates import ALMATY
from replicas import ReplicaServer
from replicas.articles import ReplicaArticle
from sources.akorda.replica import AkordaSite
from sources.bestnews.replica import BestnewsSite
from sources.govkz.pages import frontend_url
from sources.govkz.replica import GovkzSite
from sources.kazinform.replica import KazinformSite
from storage.engine import make_engine
from storage.models import Article

ROOT = Path(__file__).resolve().parents[1]
MAIN = "import sys; from akimwatch.cli import main; sys.exit(main())"
SOURCES = ("kazinform", "akorda", "govkz", "bestnews")
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
    """The four replicas in ``layout``, their articles moved back so that no local midnight falls
    between the reports of one meeting, whatever the time of day ``now``."""
    sites: dict[str, Any] = {
        "kazinform": KazinformSite(layout=layout),
        "akorda": AkordaSite(layout=layout),
        "govkz": GovkzSite(layout=layout),
        "bestnews": BestnewsSite(layout=layout),
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


def served(sites: dict[str, Any]) -> list[Served]:
    """Every article a crawled host lists, with the URL it is stored under (Akorda's old pages,
    listed only on the mirror the spider does not crawl, are not served)."""
    rows = []
    for name, site in sites.items():
        for article in site.articles:
            if name == "govkz":
                url = frontend_url(article.extra["project"], article.id, article.language)
                rows.append(Served(name, article, url))
            elif name == "akorda":
                if article in site.listed(article.language):
                    rows.append(
                        Served(name, article, site.url_of(article), _day_only(site, article))
                    )
            elif site.stores(article):
                rows.append(Served(name, article, site.url_of(article)))
    return rows


def _day_only(site: AkordaSite, article: ReplicaArticle) -> bool:
    """Akorda pages other than ``og`` print the day only; the RSS feed has the time of its items."""
    return article.markup != "og" and article not in site.feed(article.language)


def config_text(tmp: Path, projects: list[str], hook: str, smtp_port: int) -> str:
    """The TOML of the run: every source, no politeness, a webhook channel and an email channel
    that also takes updates (the README's example events)."""
    return (
        f'data_dir = "{tmp}"\n[database]\nurl = "sqlite:///{tmp / "akimwatch.db"}"\n'
        "[crawl]\ndownload_delay = 0\nautothrottle = false\nretry_times = 1\n"
        f"[notify]\nupdate_window_minutes = {WINDOW_MINUTES}\n"
        f"[sources.govkz]\nprojects = {json.dumps(projects)}\n"
        f'[[channels]]\nname = "hook"\nkind = "webhook"\nurl = "{hook}"\n'
        f'[[channels]]\nname = "{MAIL_CHANNEL}"\nkind = "email"\nsmtp_host = "127.0.0.1"\n'
        f'smtp_port = {smtp_port}\nsmtp_tls = "none"\nto = ["desk@example.org"]\n'
        'events = ["meeting.new", "meeting.updated"]\n'
    )


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
            [sys.executable, "-c", MAIN, "run-once", *SOURCES], env=env, cwd=ROOT,
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
    projects = sorted({a.extra["project"] for a in sites["govkz"].articles})
    hook, mailbox = WebhookReceiver().start(), Mailbox()
    port = mailbox.start()
    try:
        with tempfile.TemporaryDirectory() as name, ReplicaServer(list(sites.values())) as server:
            config = Path(name) / "akimwatch.toml"
            config.write_text(config_text(Path(name), projects, hook.url, port), encoding="utf-8")
            yield Rig(layout, sites, server, hook, mailbox, config)
    finally:
        hook.stop()
        mailbox.stop()


def crawl(layout: int) -> Crawl:
    """Serve the replicas in ``layout``, run ``akimwatch run-once`` once, collect the results."""
    with rig(layout) as run:
        return run.result(run.run_once())
