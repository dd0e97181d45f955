"""Meeting emails counted per meeting (issue 12): one ``meeting.new`` each, at most one update
per update window, and a later report of a known meeting sent as one update that lists it.

:func:`counts` reads the ``X-Akimwatch-Delivery`` header of every email of the mail channel
(``meeting.new:<meeting>:<channel>``; ``meeting.updated:<meeting>:article<id>:<channel>`` for one
report, ``meeting.updated:<meeting>:<channel>:<digest>`` for coalesced ones).
:func:`later_report` runs ``akimwatch run-once`` twice over the same database: between the runs
Kazinform publishes a Russian report of a meeting it had reported in English only. The second
run holds the update (the window since the meeting's alert has not ended); a dispatch with the
clock moved past the window then sends it.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import timedelta
from email.message import EmailMessage

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from benchmarks.truth_crawl import MAIL_CHANNEL, WINDOW_MINUTES, Rig, rig
from notify.config import load
from notify.dispatcher import Dispatcher
from replicas.articles import ReplicaArticle
from storage.engine import make_engine
from storage.models import Outbox

EVENTS = ("meeting.new", "meeting.updated")
DELIVERY = re.compile(
    rf"^({'|'.join(map(re.escape, EVENTS))}):(.+?)(?::article\d+)?:{MAIL_CHANNEL}(?::[0-9a-f]+)?$"
)
KNOWN = ("a1b2c9", "en")  # Kazinform's only report of the Almaty reception, in English


@dataclass
class Later:
    """The emails of the second run and of the dispatch after the window, and the report added."""

    held: list[EmailMessage]
    sent: list[EmailMessage]
    report: ReplicaArticle
    url: str
    output: str


def counts(emails: list[EmailMessage]) -> dict[str, Counter[str]]:
    """Per meeting id: how many emails of each meeting event the mail channel received."""
    found: dict[str, Counter[str]] = {}
    for message in emails:
        key = " ".join(str(message["X-Akimwatch-Delivery"]).split())  # a long key is folded
        match = DELIVERY.match(key)
        if match:
            found.setdefault(match.group(2), Counter())[match.group(1)] += 1
    return found


def figures(emails: list[EmailMessage], alerted: set[str]) -> dict[str, int]:
    """Meeting emails of one run: ``alerted`` are the meeting ids that matched a labelled
    meeting; of them, those without exactly one ``meeting.new`` email; meetings updated twice."""
    per = counts(emails)
    return {
        "emails_new": sum(c["meeting.new"] for c in per.values()),
        "emails_updated": sum(c["meeting.updated"] for c in per.values()),
        "meetings_new_not_once": sum(per.get(m, Counter())["meeting.new"] != 1 for m in alerted),
        "meetings_updated_twice": sum(c["meeting.updated"] > 1 for c in per.values()),
    }


def added_report(known: ReplicaArticle) -> ReplicaArticle:
    """A Russian report of the meeting ``known`` reports, a minute after it."""
    return ReplicaArticle(
        id="c3d4e5",
        language="ru",
        slug="tokaev-prinyal-akima-almaty",
        title="Токаев принял акима Алматы",
        lead="Касым-Жомарт Токаев принял в Акорде акима города Алматы Дархана Сатыбалды.",
        paragraphs=[
            "Аким рассказал Главе государства о продлении линий метро и обновлении автобусов.",
            "Президент поручил снизить загрязнение воздуха в городе.",
        ],
        published=known.published + timedelta(minutes=1),
        markup=known.markup,
    )


def _publish(run: Rig) -> ReplicaArticle:
    site = run.sites["kazinform"]
    known = next(a for a in site.articles if (a.id, a.language) == KNOWN)
    report = added_report(known)
    site.articles.append(report)
    site.articles.sort(key=lambda a: a.published, reverse=True)
    return report


def _dispatch_after_window(run: Rig) -> None:
    """Dispatch with the clock one second past the window since the last email went out."""
    engine = make_engine(run.db_url)
    with Session(engine) as session:
        last = session.scalar(select(func.max(Outbox.sent_at)).where(Outbox.status == "sent"))
    if last is None:
        raise RuntimeError("the first run sent no alert")
    later = last + timedelta(minutes=WINDOW_MINUTES, seconds=1)
    Dispatcher(load(run.config, environ={}), engine).run_until_idle(now=later)
    engine.dispose()


def later_report(layout: int = 0) -> tuple[list[EmailMessage], Later]:
    """The emails of a first run-once; then those of a second after a new report of a known
    meeting, and of the dispatch after the window."""
    with rig(layout) as run:
        run.run_once()
        first = list(run.mailbox.messages)
        report = _publish(run)
        output = run.run_once()
        held = run.mailbox.messages[len(first) :]
        _dispatch_after_window(run)
        sent = run.mailbox.messages[len(first) + len(held) :]
        url = run.sites["kazinform"].url_of(report)
    return first, Later(list(held), list(sent), report, url, output)
