"""The truth figures of one crawl: stored dates against the replicas' own, alerts against labels.

Labels (``tests/e2e/replica_labels.json``) give each replica article the meetings it reports, with
an ``event`` shared by every report of one meeting and ``day``: the meeting's local date minus the
local date the article was published. The meeting's day is the one a report names in its text
(``day`` not 0), else the local date of its earliest report, so that reports published on both
sides of a local midnight keep one day. An alert (a ``meeting.new`` webhook) matches an event when
its kind and local date are the event's and its region is the event's (for a collective meeting:
its set of regions). The subject of every ``meeting.new`` email, and the title of every webhook,
must be the headline of one of the event's reports.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from benchmarks.truth_crawl import Crawl, Served
from benchmarks.truth_updates import figures
from crawler.extract.dates import ALMATY

LABELS = Path(__file__).resolve().parents[1] / "tests" / "e2e" / "replica_labels.json"
DUE_HOURS = 46.0  # a meeting must alert when a report is this recent (the window is 48 hours)
QUOTED = re.compile(r"[«\u201c](.*)[»\u201d]\s*$")
Key = tuple[str, str, str]  # site, article id, language


@dataclass
class Event:
    """One labelled meeting and its reports."""

    name: str
    region: str | None
    regions: frozenset[str]
    kind: str
    dates: set[date] = field(default_factory=set)
    headlines: set[str] = field(default_factory=set)
    newest: datetime | None = None
    dated_by: tuple[bool, datetime] | None = None  # (not named in the text, published) of the day

    def report(self, published: datetime, offset: int) -> None:
        """Take in one report published at ``published`` naming the day ``offset`` days away."""
        rank = (offset == 0, published)
        if self.dated_by is None or rank < self.dated_by:
            self.dated_by = rank
            self.dates = {published.astimezone(ALMATY).date() + timedelta(days=offset)}
        if self.newest is None or published > self.newest:
            self.newest = published


def load_labels(path: Path = LABELS) -> dict[Key, list[dict[str, Any]]]:
    """The labelled meetings of every replica article."""
    rows = json.loads(path.read_text(encoding="utf-8"))["articles"]
    return {(r["site"], r["id"], r["language"]): r["meetings"] for r in rows}


def events(served: list[Served], labels: dict[Key, list[dict[str, Any]]]) -> dict[str, Event]:
    """The labelled meetings of the served articles, with their dates and headlines."""
    found: dict[str, Event] = {}
    for row in served:
        article = row.article
        for label in labels[(row.site, article.id, article.language)]:
            event = found.setdefault(
                label["event"],
                Event(label["event"], label["region"], frozenset(label["regions"]), label["kind"]),
            )
            event.report(article.published, label["day"])
            event.headlines.add(article.title)
    return found


def matches(alert: dict[str, Any], event: Event) -> bool:
    """Whether a webhook's meeting is the labelled meeting."""
    if alert["kind"] != event.kind or date.fromisoformat(alert["date"]) not in event.dates:
        return False
    if event.region is None:
        return alert["region"] is None and frozenset(alert["regions"]) == event.regions
    return bool(alert["region"] == event.region)


def true_date(row: Served, stored: datetime | None) -> bool:
    """The stored time is the replica's own (the day, where the site shows only the day)."""
    if stored is None:
        return False
    if row.day_only:
        local = row.article.published.astimezone(ALMATY).date()
        return stored.astimezone(ALMATY).date() == local
    return stored == row.article.published


def headline(subject: str) -> str:
    """The quoted headline ending a subject ("" when there is none)."""
    found = QUOTED.search(subject)
    return found.group(1) if found else ""


def per_site(crawl: Crawl) -> tuple[dict[str, dict[str, int]], list[str]]:
    """Served, stored and truly dated articles per site (``day_only``: of them, those whose site
    shows only the day); the failing articles, described."""
    sites: dict[str, dict[str, int]] = defaultdict(
        lambda: {"served": 0, "stored": 0, "true": 0, "day_only": 0}
    )
    failures = []
    for row in crawl.served:
        figures = sites[row.site]
        figures["served"] += 1
        figures["day_only"] += row.day_only
        where = f"{row.site} {row.article.id}/{row.article.language} layout {crawl.layout}"
        if row.url not in crawl.stored:
            failures.append(f"{where}: not stored ({row.url})")
            continue
        figures["stored"] += 1
        stored = crawl.stored[row.url]
        if true_date(row, stored):
            figures["true"] += 1
        else:
            failures.append(f"{where}: published_at {stored} instead of {row.article.published}")
    return dict(sites), failures


def score(crawl: Crawl, labels: dict[Key, list[dict[str, Any]]] | None = None) -> dict[str, Any]:
    """Every figure of one crawl, with the failing cases described in ``failures``."""
    found = events(crawl.served, load_labels() if labels is None else labels)
    sites, failures = per_site(crawl)
    alerts = [w for w in crawl.webhooks if w["type"] == "meeting.new"]
    matched: dict[str, str] = {}  # meeting id -> event
    for alert in alerts:
        meeting = alert["meeting"]
        event = next((e for e in found.values() if matches(meeting, e)), None)
        if event is None:
            failures.append(f"layout {crawl.layout}: false alert {meeting['id']} {meeting['kind']}"
                            f" «{meeting['title']}»")  # fmt: skip
        else:
            matched[meeting["id"]] = event.name
    alerted = defaultdict(set)
    for meeting_id, name in matched.items():
        alerted[name].add(meeting_id)
    twice = sorted(name for name, ids in alerted.items() if len(ids) > 1)
    failures += [f"layout {crawl.layout}: {n} alerted as {sorted(alerted[n])}" for n in twice]
    missed = sorted(name for name, event in found.items() if due(event) and name not in alerted)
    failures += [f"layout {crawl.layout}: meeting {name} missed" for name in missed]
    checked, bad = not_headlines(crawl, found, matched)
    failures += [f"layout {crawl.layout}: subject not a headline: {text}" for text in bad]
    emails = figures(crawl.emails, set(matched))
    failures += [f"layout {crawl.layout}: {n} {name}" for name, n in emails.items() if n and
                 name.startswith("meetings_")]  # fmt: skip
    return {
        "sites": sites,
        "alerts": len(alerts),
        "alerts_matching": len(matched),
        "meetings_due": sum(due(e) for e in found.values()),
        "meetings_missed": len(missed),
        "meetings_alerted_twice": len(twice),
        "subjects": checked,
        "subjects_not_headline": len(bad),
        **emails,
        "failures": failures,
    }


def due(event: Event) -> bool:
    """Whether a labelled meeting must alert: one of its reports is recent enough."""
    return event.newest is not None and datetime.now(UTC) - event.newest <= timedelta(
        hours=DUE_HOURS
    )


def new_emails(crawl: Crawl) -> list[tuple[str, str]]:
    """(meeting id, subject) of every ``meeting.new`` email."""
    rows = []
    for message in crawl.emails:
        key = str(message["X-Akimwatch-Delivery"]).strip()  # a long key is folded
        if key.startswith("meeting.new:"):  # meeting.new:<meeting id>:<channel>
            rows.append(
                (key.removeprefix("meeting.new:").rsplit(":", 1)[0], str(message["Subject"]))
            )
    return rows


def not_headlines(
    crawl: Crawl, found: dict[str, Event], matched: dict[str, str]
) -> tuple[int, list[str]]:
    """How many email subjects and webhook titles were checked; those that are no headline of a
    report of their meeting (of any served article, for a false alert)."""
    everything = {row.article.title for row in crawl.served}
    texts = [(mid, headline(subject), subject) for mid, subject in new_emails(crawl)]
    texts += [
        (w["meeting"]["id"], w["meeting"]["title"], w["meeting"]["title"])
        for w in crawl.webhooks
        if w["type"] == "meeting.new"
    ]
    bad = []
    for meeting_id, quoted, shown in texts:
        allowed = found[matched[meeting_id]].headlines if meeting_id in matched else everything
        if quoted not in allowed:
            bad.append(shown)
    return len(texts), bad
