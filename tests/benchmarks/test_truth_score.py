"""The truth score counts what it should: wrong or missing dates, false alerts, a meeting alerted
under two ids, a missed meeting, subjects that are not a report's headline."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from email.message import EmailMessage
from typing import Any

import pytest

from benchmarks.truth_crawl import Crawl, Served, shift
from benchmarks.truth_score import events, matches, score, true_date
from crawler.extract.dates import ALMATY
from replicas.articles import ReplicaArticle

TITLES = {
    "a": ("Глава государства принял акима Павлодарской области", 2),
    "b": ("Токаев принял акима Павлодарской области", 2),
    "c": ("Вчера Президент принял акима Акмолинской области", 3),
    "d": ("Погода", 4),
}


@pytest.fixture
def now() -> datetime:
    """The moment of the crawl (replica articles are a few hours old)."""
    return datetime.now(UTC).replace(second=0, microsecond=0)


@pytest.fixture
def arts(now: datetime) -> dict[str, ReplicaArticle]:
    """The four replica articles, published hours before ``now``."""
    return {
        ident: ReplicaArticle(ident, "ru", ident, title, "", ["text"], now - timedelta(hours=hours))
        for ident, (title, hours) in TITLES.items()
    }


LABELS = {
    ("akorda", "a", "ru"): [
        {"event": "p", "region": "Pavlodar", "regions": ["Pavlodar"], "kind": "reception", "day": 0}
    ],
    ("kazinform", "b", "ru"): [
        {"event": "p", "region": "Pavlodar", "regions": ["Pavlodar"], "kind": "reception", "day": 0}
    ],
    ("bestnews", "c", "ru"): [
        {"event": "k", "region": "Akmola", "regions": ["Akmola"], "kind": "reception", "day": -1}
    ],
    ("bestnews", "d", "ru"): [],
}
SITES = {"a": "akorda", "b": "kazinform", "c": "bestnews", "d": "bestnews"}


@pytest.fixture
def served(arts: dict[str, ReplicaArticle]) -> list[Served]:
    """The four articles as served: one per site, two on bestnews."""
    return [Served(site, arts[ident], f"u/{ident}") for ident, site in SITES.items()]


def day(value: ReplicaArticle, offset: int = 0) -> str:
    return (value.published.astimezone(ALMATY).date() + timedelta(days=offset)).isoformat()


def hook(ident: str, region: str, date: str, title: str, kind: str = "reception") -> dict[str, Any]:
    meeting = {"id": ident, "region": region, "regions": [region], "kind": kind, "date": date,
               "title": title}  # fmt: skip
    return {"type": "meeting.new", "meeting": meeting}


def mail(ident: str, subject: str) -> EmailMessage:
    message = EmailMessage()
    message["Subject"] = subject
    message["X-Akimwatch-Delivery"] = f"meeting.new:{ident}:desk"
    return message


def test_a_true_crawl_scores_clean(arts: dict[str, ReplicaArticle], served: list[Served]) -> None:
    A, B, C = arts["a"], arts["b"], arts["c"]
    stored = {row.url: row.article.published for row in served}
    webhooks = [hook("1", "Pavlodar", day(A), A.title), hook("2", "Akmola", day(C, -1), C.title)]
    emails = [mail("1", f"Павлодарская область, приём: «{B.title}»"), mail("2", f"x: «{C.title}»")]
    result = score(Crawl(0, served, stored, webhooks, emails, ""), LABELS)
    assert result["failures"] == []
    assert result["sites"]["bestnews"] == {"served": 2, "stored": 2, "true": 2, "day_only": 0}
    assert (result["alerts"], result["alerts_matching"], result["meetings_due"]) == (2, 2, 2)
    assert result["subjects"] == 4 and result["subjects_not_headline"] == 0
    assert (result["emails_new"], result["meetings_new_not_once"]) == (2, 0)


def test_every_kind_of_wrong_is_counted(
    arts: dict[str, ReplicaArticle], served: list[Served]
) -> None:
    A, B, C, D = arts["a"], arts["b"], arts["c"], arts["d"]
    stored = {"u/a": A.published, "u/b": B.published + timedelta(hours=1), "u/d": D.published}
    webhooks = [
        hook("1", "Pavlodar", day(A), A.title),
        hook("3", "Pavlodar", day(A), "Сводка дня"),  # the same meeting again, a title of ours
        hook("4", "Akmola", day(C), C.title),  # "вчера" ignored: a false alert; k is missed
    ]
    emails = [mail("1", f"Павлодарская область, приём: «{A.title} »")]
    result = score(Crawl(1, served, stored, webhooks, emails, ""), LABELS)
    assert result["sites"]["kazinform"] == {"served": 1, "stored": 1, "true": 0, "day_only": 0}
    assert result["sites"]["bestnews"] == {"served": 2, "stored": 1, "true": 1, "day_only": 0}
    assert (result["alerts"], result["alerts_matching"]) == (3, 2)
    assert (result["meetings_missed"], result["meetings_alerted_twice"]) == (1, 1)
    assert result["subjects_not_headline"] == 2
    assert (result["emails_new"], result["meetings_new_not_once"]) == (1, 1)  # "3" got no email
    assert len(result["failures"]) == 2 + 1 + 1 + 1 + 2 + 1


@pytest.mark.parametrize(
    ("now", "back"),
    [
        ("2026-12-02T18:00:00+00:00", timedelta(0)),  # 23:00 in Almaty: room enough
        ("2026-12-02T19:30:00+00:00", timedelta(hours=1, minutes=30)),  # 00:30 -> 23:00
        ("2026-12-02T19:30:45+00:00", timedelta(hours=1, minutes=30)),  # whole minutes: 23:00:45
        ("2026-12-03T00:59:00+00:00", timedelta(hours=6, minutes=59)),  # 05:59 -> 23:00
        ("2026-12-03T01:00:00+00:00", timedelta(0)),  # 06:00: the six hours fit in the day
    ],
)
def test_replica_times_move_back_past_a_recent_midnight(now: str, back: timedelta) -> None:
    assert shift(datetime.fromisoformat(now)) == back


@pytest.mark.parametrize(
    ("day_only", "hours", "true"),
    [(False, 0, True), (False, 1, False), (True, 0, True), (True, 48, False)],
)
def test_a_day_only_page_is_judged_by_its_day(
    day_only: bool, hours: int, true: bool, arts: dict[str, ReplicaArticle]
) -> None:
    A = arts["a"]
    local = A.published.astimezone(ALMATY)
    midnight = local.replace(hour=0, minute=0) - timedelta(hours=hours)
    stored = midnight if day_only else A.published + timedelta(hours=hours)
    assert true_date(Served("akorda", A, "u/a", day_only), stored) is true


@pytest.mark.parametrize(
    ("reports", "meeting_day"),
    [
        ([("23:50", 0), ("00:10", 0)], "2026-12-01"),  # across midnight: the earliest report's day
        ([("00:10", 0), ("23:50", 0)], "2026-12-01"),  # whatever the order they are served in
        ([("23:50", 0), ("00:10", -1)], "2026-12-01"),  # "вчера" written after midnight
        ([("09:00", -1), ("10:00", 0)], "2026-11-30"),  # a named day beats a report's own date
    ],
)
def test_a_meeting_keeps_one_day_across_midnight(
    reports: list[tuple[str, int]], meeting_day: str
) -> None:
    days = {
        "23:50": "2026-12-01",
        "00:10": "2026-12-02",
        "09:00": "2026-12-01",
        "10:00": "2026-12-01",
    }
    served, labels = [], {}
    for n, (clock, offset) in enumerate(reports):
        when = datetime.fromisoformat(f"{days[clock]}T{clock}:00").replace(tzinfo=ALMATY)
        item = ReplicaArticle(str(n), "ru", str(n), f"t{n}", "", ["text"], when.astimezone(UTC))
        served.append(Served("akorda", item, f"u/{n}"))
        labels[("akorda", str(n), "ru")] = [
            {
                "event": "e",
                "region": "Abai",
                "regions": ["Abai"],
                "kind": "reception",
                "day": offset,
            }
        ]
    (event,) = events(served, labels).values()
    assert event.dates == {date.fromisoformat(meeting_day)}
    alert = {"kind": "reception", "region": "Abai", "regions": ["Abai"]}
    assert matches({**alert, "date": meeting_day}, event)
    other = (date.fromisoformat(meeting_day) + timedelta(days=1)).isoformat()
    assert not matches({**alert, "date": other}, event)
