"""``akimwatch demo`` alerts only true meetings: each notification it queues is a meeting that
``tests/e2e/replica_labels.json`` gives one of the replica articles, and its subject quotes the
headline of a report of that meeting."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from akimwatch import demo
from benchmarks.truth_crawl import served
from benchmarks.truth_score import events, headline, load_labels, matches
from notify.document import build
from notify.render import render
from storage.engine import make_engine
from storage.models import Outbox

pytestmark = pytest.mark.slow


def queued(data_dir: Path) -> list[tuple[dict[str, object], str]]:
    """(meeting, subject) of every ``meeting.new`` the demo queued, as its channel renders it."""
    engine = make_engine(f"sqlite:///{data_dir / demo.DATABASE_NAME}")
    with Session(engine) as session:
        rows = session.scalars(select(Outbox).where(Outbox.event_type == "meeting.new")).all()
        documents = [build(session, row, f"demo-{row.id}") for row in rows]
    engine.dispose()
    return [(document["meeting"], render(document, "ru")[0]) for document in documents]


def test_the_demo_sends_no_false_alert_and_quotes_a_report_headline(tmp_path: Path) -> None:
    result = demo.run(tmp_path, echo=lambda _: None)
    assert all(outcome.ok for outcome in result.outcomes)
    labelled = events(served(demo.replica_sites()), load_labels())
    alerts = queued(tmp_path)
    assert alerts
    for meeting, subject in alerts:
        # Two labelled meetings of one region and kind can share a day when the replicas' ages
        # put them there (the clock decides): the alert is true if it is either of them.
        found = [event for event in labelled.values() if matches(meeting, event)]
        assert found, ("false alert", meeting["id"], subject)
        assert headline(subject) in {h for event in found for h in event.headlines}, subject
        assert any(subject in text for text in result.notifications), subject
    print(f"demo: {len(alerts)} alerts, every one a labelled meeting quoting a report's headline")
