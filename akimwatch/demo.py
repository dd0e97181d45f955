"""The offline demo: serve every replica on 127.0.0.1, crawl them all through ``HOST_OVERRIDES``
into a SQLite database (each crawl a child ``scrapy crawl`` process, as in production), then show
what a user would receive: the meetings found with their articles, and the pending notifications
(the crawls' events routed to the demo's channels, as a dispatcher would, but not sent).
"""

from __future__ import annotations

import json
import shlex
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

import sources
from core.config import Config
from notify.config import load
from notify.outbox import route_events, router
from replicas.server import ReplicaServer, Site
from scheduler.service import CrawlService, SourceResult
from storage.clock import utcnow
from storage.engine import make_engine
from storage.migrate import upgrade
from storage.models import Article, Meeting, MeetingArticle, Outbox

CONFIG_NAME = "akimwatch.toml"
DATABASE_NAME = "akimwatch.db"


def replica_sites() -> dict[str, Site]:
    """One replica per registered source, built with the options its description gives (such as
    a replica revoking its tickets once mid-crawl, to show the re-handshake)."""
    return {
        source.name: source.replica_class()(**source.replica_options)
        for source in sources.registry().values()
    }


def source_tables() -> str:
    """``[sources.<name>]`` tables with each source's ``demo_config`` (TOML)."""
    tables = []
    for source in sources.registry().values():
        if source.demo_config:
            keys = "".join(f"{k} = {json.dumps(v)}\n" for k, v in source.demo_config.items())
            tables.append(f"[sources.{source.name}]\n{keys}")
    return "".join(tables)


def write_config(
    directory: Path,
    database_url: str,
    overrides: dict[str, str],
    tables: str | None = None,
) -> Path:
    """A TOML configuration for crawling replicas: no delays, a dummy webhook channel so that
    notifications are queued (the demo never sends them). Without ``overrides`` it is the
    configuration that browses the demo's data afterwards. ``tables`` replaces the sources'
    ``[sources.<name>]`` tables (by default each one's ``demo_config``)."""
    table = ", ".join(f'"{host}" = "{url}"' for host, url in overrides.items())
    path = directory / CONFIG_NAME
    path.write_text(
        "# Written by `akimwatch demo`: its database, browsed with --config pointing here.\n"
        f"data_dir = {json.dumps(str(directory))}\n"
        f"[database]\nurl = {json.dumps(database_url)}\n"
        f"[crawl]\ndownload_delay = 0\nautothrottle = false\nhost_overrides = {{{table}}}\n"
        f"{source_tables() if tables is None else tables}"
        '[[channels]]\nname = "demo"\nkind = "webhook"\nurl = "http://127.0.0.1:9/akimwatch"\n',
        encoding="utf-8",
    )
    return path


@dataclass
class FoundMeeting:
    """A meeting and the articles that report it."""

    date: str
    kind: str
    region: str | None
    akim: str | None
    articles: list[str]


@dataclass
class DemoResult:
    """What the demo crawled and found."""

    outcomes: list[SourceResult]
    articles: int
    meetings: list[FoundMeeting] = field(default_factory=list)
    notifications: list[str] = field(default_factory=list)
    example_url: str | None = None


def run(data_dir: Path, echo: Callable[[str], None] = print) -> DemoResult:
    """Serve the replicas, crawl every source, and report what a user would receive."""
    data_dir = data_dir.resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    database_url = f"sqlite:///{data_dir / DATABASE_NAME}"
    engine = make_engine(database_url)
    upgrade(engine)
    sites = replica_sites()
    with ReplicaServer(list(sites.values())) as server:
        path = write_config(data_dir, database_url, server.overrides())
        service = CrawlService(
            load(path), engine, config_path=str(path), timeout=120, grace=5,
            parallel=1, health=False,
        )  # fmt: skip
        echo(f"crawling {', '.join(sites)} from replicas at {server.url} ...")
        crawled = service.crawl_all(list(sites))  # one at a time: one SQLite writer
    final = write_config(data_dir, database_url, {})  # the replicas are gone: no host overrides
    queue(engine, load(final))
    for outcome in crawled.sources:
        run_row = outcome.run
        echo(
            f"  {outcome.source:10} {'ok' if outcome.ok else 'FAILED':7}"
            f" new articles: {run_row.new_articles if run_row else 0}"
        )
    result = summarize(engine, crawled.sources)
    engine.dispose()
    return result


def queue(engine: Engine, config: Config) -> None:
    """Route the crawls' events into pending notifications, as the dispatcher does first."""
    with Session(engine) as session, session.begin():
        route_events(session, router(config), utcnow())


def summarize(engine: Engine, outcomes: list[SourceResult]) -> DemoResult:
    """The meetings (with their articles) and the queued notifications, rendered."""
    with Session(engine) as session:
        articles = len(session.scalars(select(Article.id)).all())
        meetings = [_meeting(session, m) for m in session.scalars(select(Meeting))]
        rows = session.scalars(select(Outbox).order_by(Outbox.id)).all()
        notifications = [_render(session, row) for row in rows]
        linked = select(Article.url).join(MeetingArticle, MeetingArticle.article_id == Article.id)
        example = session.scalars(linked.order_by(Article.id).limit(1)).first()
    return DemoResult(outcomes, articles, meetings, notifications, example)


def _meeting(session: Session, meeting: Meeting) -> FoundMeeting:
    links = session.scalars(select(MeetingArticle).where(MeetingArticle.meeting_id == meeting.id))
    articles = [
        f"[{link.article.source}/{link.article.language}] {link.article.title} <{link.article.url}>"
        for link in links
    ]
    return FoundMeeting(
        meeting.local_date.isoformat(), meeting.kind, meeting.region, meeting.akim, articles
    )


def _render(session: Session, row: Outbox) -> str:
    """The notification as its email text (the notify package), else a plain summary."""
    try:
        from notify.document import build
        from notify.render import render

        subject, text, _ = render(build(session, row, f"demo-{row.id}"), "ru")
    except Exception as exc:  # the demo falls back to a plain summary
        return f"{row.channel}: {row.event_type} (meeting {row.meeting_id}) [{exc}]"
    return f"To {row.channel} ({row.event_type}): {subject}\n{text.strip()}"


def report(result: DemoResult, echo: Callable[[str], None] = print) -> None:
    """Print the demo's findings."""
    echo(f"\n{result.articles} articles stored; {len(result.meetings)} meetings found:")
    for meeting in result.meetings:
        who = f", akim {meeting.akim}" if meeting.akim else ""
        echo(f"- {meeting.date} {meeting.kind}: {meeting.region}{who}")
        for line in meeting.articles:
            echo(f"    {line}")
    echo(f"\n{len(result.notifications)} notifications queued (not sent in the demo):")
    for text in result.notifications:
        echo("-" * 72 + "\n" + text)


def browse_commands(directory: Path, result: DemoResult) -> list[str]:
    """The commands that browse a kept demo's data."""
    base = f"akimwatch --config {shlex.quote(str(directory.resolve() / CONFIG_NAME))}"
    commands = [f"{base} meetings", f"{base} status", f"{base} outbox"]
    if result.example_url:
        commands.append(f"{base} article {shlex.quote(result.example_url)} --history")
    return [*commands, f"{base} export --format csv -o meetings.csv"]
