"""Exports and the feed: the CSV opens with the documented columns, the Atom feed parses."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

import feedparser
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from notify import exports, feed
from storage.clock import utcnow
from storage.models import Article, Meeting, MeetingArticle


def _seed(engine: Engine) -> None:
    with Session(engine) as session, session.begin():
        article = Article(
            url_key="k1",
            canonical_url="https://www.inform.kz/ru/a-1",
            url="https://www.inform.kz/ru/a-1",
            source="kazinform",
            language="ru",
            title="Глава государства принял акима",
            content_hash="h",
            published_at=utcnow() - timedelta(hours=1),
        )
        meeting = Meeting(
            meeting_key="2026-11-21/pavlodar",
            local_date=date(2026, 11, 21),
            region="pavlodar",
            kind="reception",
            title="Приём акима",
        )
        session.add_all([article, meeting])
        session.flush()
        session.add(MeetingArticle(meeting_id=meeting.id, article_id=article.id))


def test_meetings_csv_has_the_documented_columns_and_filters_by_region(engine: Engine) -> None:
    _seed(engine)
    with Session(engine) as session:
        rows = list(exports.meeting_rows(session, exports.meeting_query(None, None, "pavlodar")))
        none = list(exports.meeting_rows(session, exports.meeting_query(None, None, "abai")))
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=exports.MEETING_COLUMNS)
    writer.writeheader()
    writer.writerows(exports.flat(row, exports.MEETING_COLUMNS) for row in rows)
    read = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert list(read[0]) == exports.MEETING_COLUMNS and none == []
    assert read[0]["sources"] == "kazinform" and read[0]["article_count"] == "1"


def test_the_atom_feed_parses_with_a_stable_entry_id(engine: Engine) -> None:
    _seed(engine)
    parsed = feedparser.parse(feed.build(engine))
    assert not parsed.bozo
    assert [entry.id for entry in parsed.entries] == [feed.entry_id("2026-11-21/pavlodar")]
    assert parsed.entries[0].link == "https://www.inform.kz/ru/a-1"
