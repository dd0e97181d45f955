"""The JSON API, the machine endpoints and the pages over HTTP: what they answer equals what the
database holds."""

from __future__ import annotations

import csv
import io
from collections import Counter
from datetime import date
from typing import Any

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from storage.models import Article, CrawlRun, Meeting, MeetingArticle, Outbox
from storage.runs import problem
from web.filters import Filters
from web.listing import page

from .conftest import HOSTILE, WORD, Seeded


def all_ids(client: httpx.Client, **params: str) -> list[int]:
    """Every meeting id the API lists for ``params``, across its pages."""
    found: list[int] = []
    number = 1
    while True:
        data = client.get("/api/meetings", params={**params, "page": str(number)}).json()
        found += [row["id"] for row in data["meetings"]]
        if number >= data["pages"]:
            return found
        number += 1


def expected(engine: Engine, **wanted: Any) -> list[int]:
    """The ids of the meetings passing ``wanted``, computed in Python from the rows."""
    with Session(engine) as session:
        meetings = session.scalars(select(Meeting)).all()
        result = []
        for meeting in meetings:
            articles = [link.article for link in meeting.links]
            checks = {
                "region": lambda v, m=meeting: v == m.region or v in m.regions,
                "kind": lambda v, m=meeting: m.kind == v,
                "since": lambda v, m=meeting: m.local_date.isoformat() >= v,
                "until": lambda v, m=meeting: m.local_date.isoformat() <= v,
                "source": lambda v, a=articles: any(x.source == v for x in a),
                "language": lambda v, a=articles: any(x.language == v for x in a),
                "akim": lambda v, m=meeting: v.lower() in (m.akim or "").lower(),
            }
            if all(checks[key](value) for key, value in wanted.items()):
                result.append((meeting.local_date, meeting.id))
    return [mid for _, mid in sorted(result, reverse=True)]


@pytest.mark.parametrize(
    "wanted",
    [
        {},
        {"region": "Karaganda"},
        {"region": "Astana"},
        {"kind": "working_trip"},
        {"source": "akorda"},
        {"language": "en"},
        {"since": "2026-09-01", "until": "2026-09-30"},
        {"akim": "akimov 1"},
        {"region": "Almaty", "kind": "reception", "language": "ru"},
    ],
)
def test_filters_list_what_the_database_holds(
    served: httpx.Client, engine: Engine, wanted: dict[str, str]
) -> None:
    assert all_ids(served, **wanted) == expected(engine, **wanted)


def test_a_region_by_another_name_is_the_same_filter(served: httpx.Client) -> None:
    assert all_ids(served, region="Карагандинская область") == all_ids(served, region="karaganda")


def test_a_wrong_filter_is_a_400_naming_it(served: httpx.Client) -> None:
    answer = served.get("/api/meetings", params={"kind": "party"})
    assert answer.status_code == 400
    assert "kind" in answer.json()["detail"]


def test_search_finds_a_meeting_by_a_word_of_its_text(served: httpx.Client, seeded: Seeded) -> None:
    assert all_ids(served, q=WORD) == [seeded.word_meeting]
    assert all_ids(served, q=WORD[:8].lower()) == [seeded.word_meeting]  # a prefix, any case
    assert all_ids(served, q="несуществующееслово") == []
    assert all_ids(served, q=f"{WORD} руднике", language="en") == [seeded.word_meeting]
    assert all_ids(served, q=f"{WORD} руднике", language="ru") == []


def test_paging_covers_every_meeting_once(engine: Engine, seeded: Seeded) -> None:
    with Session(engine) as session:
        pages = [page(session, Filters(page=n), per_page=7) for n in range(1, 6)]
    ids = [row["id"] for p in pages for row in p.rows]
    assert pages[0].pages == 4 and pages[0].total == seeded.meetings
    assert sorted(ids) == sorted(set(ids)) and len(ids) == seeded.meetings


def test_a_meeting_has_its_reports_evidence_lead_and_versions(
    served: httpx.Client, engine: Engine, seeded: Seeded
) -> None:
    data = served.get(f"/api/meetings/{seeded.versioned_meeting}").json()
    with Session(engine) as session:
        links = session.scalars(
            select(MeetingArticle).where(MeetingArticle.meeting_id == seeded.versioned_meeting)
        ).all()
        urls = {link.article.url for link in links}
        evidence = {link.evidence for link in links}
    assert {r["url"] for r in data["reports"]} == urls
    assert {r["evidence"] for r in data["reports"]} == evidence
    first = min(data["reports"], key=lambda r: r["reported_at"])
    assert data["lead"]["first"]["source"] == first["source"]
    versions = next(r["versions"] for r in data["reports"] if r["versions"])
    assert [v["version"] for v in versions] == [1, 2]
    assert "+Новый текст" in versions[1]["diff"]
    page_html = served.get(f"/meetings/{seeded.versioned_meeting}").text
    assert '<span class="added">+Новый текст</span>' in page_html
    assert served.get("/api/meetings/999999").status_code == 404


def test_hostile_texts_are_escaped_on_every_page(served: httpx.Client, seeded: Seeded) -> None:
    for path in ("/meetings", f"/meetings/{seeded.hostile_meeting}", "/sources"):
        body = served.get(path).text
        assert "<script>alert" not in body and "<img src=x" not in body, path
        assert "&lt;script&gt;alert(" in body, path
    detail = served.get(f"/meetings/{seeded.hostile_meeting}").text
    assert "<svg onload" not in detail and "&lt;svg onload=alert(2)&gt;" in detail


def test_security_headers(served: httpx.Client) -> None:
    headers = served.get("/meetings").headers
    csp = headers["content-security-policy"]
    assert "script-src 'self';" in csp and "unsafe" not in csp
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["x-frame-options"] == "DENY"


def test_a_foreign_host_name_is_refused_on_the_loopback(served: httpx.Client) -> None:
    answer = served.get("/meetings", headers={"host": "evil.example"})
    assert answer.status_code == 400 and "content-security-policy" in answer.headers


def test_metrics_parse_and_match_the_database(served: httpx.Client, engine: Engine) -> None:
    answer = served.get("/metrics")
    samples = {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(answer.text)
        for s in family.samples
    }
    with Session(engine) as session:
        articles = dict(session.execute(
            select(Article.source, func.count()).group_by(Article.source)).all())  # fmt: skip
        kinds = dict(session.execute(
            select(Meeting.kind, func.count()).group_by(Meeting.kind)).all())  # fmt: skip
        statuses = dict(session.execute(
            select(Outbox.status, func.count()).group_by(Outbox.status)).all())  # fmt: skip
        bad = Counter(run.spider for run in session.scalars(select(CrawlRun)) if problem(run))
    for source, count in articles.items():
        assert samples[("akimwatch_articles", (("source", source),))] == count
    for kind, count in kinds.items():
        assert samples[("akimwatch_meetings", (("kind", kind),))] == count
    for status, count in statuses.items():
        assert samples[("akimwatch_outbox_entries", (("status", status),))] == count
    assert bad == {"akorda": 1, "kazinform": 1}  # kazinform's run found no listing entry
    for source in ("kazinform", "akorda"):
        assert samples[("akimwatch_crawl_runs_total", (("source", source),))] == 1
        assert samples[("akimwatch_crawl_failures_total", (("source", source),))] == bad[source]
    assert samples[("akimwatch_crawl_failures_total", (("source", "bestnews"),))] == 0
    assert samples[("akimwatch_source_failures_in_row", (("source", "akorda"),))] == 3
    assert samples[("akimwatch_dispatch_errors", (("channel", "desk"),))] == 1
    assert samples[("akimwatch_outbox_oldest_pending_age_seconds", ())] == 30 * 60


def test_chart_data_counts_what_the_database_holds(served: httpx.Client, engine: Engine) -> None:
    def rows(name: str, **params: str) -> list[dict[str, str]]:
        return list(
            csv.DictReader(io.StringIO(served.get(f"/charts/{name}.csv", params=params).text))
        )

    with Session(engine) as session:
        total = session.scalar(select(func.count(Meeting.id)))
        links = session.scalar(select(func.count()).select_from(MeetingArticle))
    for unit in ("day", "week", "month"):
        assert sum(int(r["meetings"]) for r in rows("timeline", unit=unit)) == total
    assert len(rows("timeline", unit="week")) < len(rows("timeline", unit="day"))
    assert sum(int(r["meetings"]) for r in rows("heatmap")) == total
    assert sum(int(r["meetings"]) for r in rows("kinds")) == total
    assert sum(int(r["reports"]) for r in rows("sources")) == links
    assert served.get("/charts/nothing.csv").status_code == 404
    assert served.get("/charts/timeline.csv", params={"unit": "year"}).status_code == 400


def test_chart_rows_follow_a_new_meeting(served: httpx.Client, engine: Engine) -> None:
    def kinds() -> dict[str, int]:
        rows = csv.DictReader(io.StringIO(served.get("/charts/kinds.csv").text))
        return {row["kind"]: int(row["meetings"]) for row in rows}

    before = kinds()
    with Session(engine) as session, session.begin():
        session.add(Meeting(meeting_key="new", local_date=date(2026, 11, 19), region="Abai",
                            kind="working_trip", title="Новая поездка"))  # fmt: skip
    assert kinds() == {**before, "working_trip": before["working_trip"] + 1}


def test_feed_export_status_healthz_and_openapi(served: httpx.Client, seeded: Seeded) -> None:
    feed = served.get("/feed.atom")
    assert feed.headers["content-type"].startswith("application/atom+xml")
    assert feed.text.count("<entry>") == seeded.meetings
    export = list(csv.DictReader(io.StringIO(served.get("/export/meetings.csv").text)))
    assert len(export) == seeded.meetings and HOSTILE in {row["title"] for row in export}
    status = served.get("/api/status").json()
    assert [e["id"] for e in status["entries"]["dead"]] == [seeded.dead_entry]
    assert len(status["entries"]["failed"]) == 1 and len(status["health_alerts"]) == 2
    assert served.get("/healthz").json() == {"status": "ok"}
    paths = served.get("/openapi.json").json()["paths"]
    assert {"/api/meetings", "/api/meetings/{meeting_id}", "/api/status", "/metrics"} <= set(paths)
    assert "/meetings" not in paths
