"""Lead time: the first report of a meeting per source, and the per-source figures."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from storage.lead import by_source, lead_of, reported_at
from storage.models import Article

T0 = datetime(2026, 3, 21, 9, 0, tzinfo=UTC)


def article(published: datetime | None, seen: datetime) -> Article:
    return Article(source="akorda", published_at=published, first_seen_at=seen)


def test_each_source_counts_once_by_its_earliest_report() -> None:
    lead = lead_of([
        ("kazinform", T0 + timedelta(minutes=50)),
        ("telegram", T0),
        ("kazinform", T0 + timedelta(minutes=20)),
        ("akorda", T0 + timedelta(hours=2)),
    ])  # fmt: skip
    assert lead is not None and lead.source == "telegram"
    assert lead.delays() == {"telegram": 0, "kazinform": 1200, "akorda": 7200}
    data = lead.to_dict()
    assert data["first"] == {"source": "telegram", "outlet": "Akorda (Telegram)",
                             "at": "2026-03-21T09:00:00Z"}  # fmt: skip
    assert [s["delay_seconds"] for s in data["sources"]] == [0, 1200, 7200]


def test_no_report_is_no_lead() -> None:
    assert lead_of([]) is None


def test_a_day_only_page_is_timed_when_it_was_first_seen() -> None:
    midnight = datetime(2026, 3, 20, 19, 0, tzinfo=UTC)  # 00:00 in Almaty (UTC+5)
    seen = T0 + timedelta(hours=3)
    assert reported_at(article(midnight, seen)) == seen
    assert reported_at(article(None, seen)) == seen
    assert reported_at(article(T0, seen)) == T0
    assert reported_at(article(seen + timedelta(hours=1), seen)) == seen  # a clock ahead


def test_per_source_figures_rank_the_most_often_first() -> None:
    one = lead_of([("telegram", T0), ("akorda", T0 + timedelta(minutes=30))])
    two = lead_of([("telegram", T0), ("akorda", T0 + timedelta(minutes=90))])
    three = lead_of([("kazinform", T0), ("telegram", T0 + timedelta(minutes=10))])
    assert one and two and three
    rows = {row.source: row for row in by_source([one, two, three])}
    assert list(rows) == ["telegram", "kazinform", "akorda"]
    assert (rows["telegram"].meetings, rows["telegram"].first) == (3, 2)
    assert rows["telegram"].median_delay_seconds == 0
    assert rows["akorda"].median_delay_seconds == 3600
