"""The pages in a real headless Chromium (Debian's ``chromium``, driven by Playwright through
``executable_path``; Playwright's own browser download is never used): filters change the rows to
what the database holds, search finds an article by a word of its text, the charts' SVG marks
equal the database's counts, hostile text shows as text, and no page logs a console error.
Screenshots of each page go to ``test-artifacts/web/`` (their paths are printed)."""

from __future__ import annotations

import re
import shutil
from collections import Counter
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import httpx
import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from storage.models import Article, Meeting, MeetingArticle
from web.charts import COLLECTIVE, period
from web.security import hash_token
from web.server import Background

from .conftest import HOSTILE, HOSTILE_BODY, WORD, Seeded, clock, web_config

sync_api = pytest.importorskip("playwright.sync_api")
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "web"
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed"),
]


@pytest.fixture(scope="module")
def browser() -> Iterator[sync_api.Browser]:
    """One headless Chromium for the module."""
    with sync_api.sync_playwright() as playwright:
        found = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield found
        found.close()


class Watched:
    """A page whose console errors, uncaught exceptions and dialogs are recorded."""

    def __init__(self, page: sync_api.Page, base: str) -> None:
        self.page, self.base = page, base
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.on("dialog", self._dialog)

    def _dialog(self, dialog: sync_api.Dialog) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def open(self, path: str) -> sync_api.Page:
        """Go to ``path`` and wait for the page to settle."""
        self.page.goto(self.base + path, wait_until="networkidle")
        return self.page

    def shot(self, name: str) -> None:
        """A full-page screenshot in the artifacts directory."""
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        print(f"screenshot: {path}")


@pytest.fixture
def watched(browser: sync_api.Browser, served: httpx.Client) -> Iterator[Watched]:
    """A fresh page on the served application; no console error and no dialog by its end."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    found = Watched(context.new_page(), str(served.base_url).rstrip("/"))
    yield found
    context.close()
    assert found.errors == [] and found.dialogs == []


def shown_ids(page: sync_api.Page) -> list[int]:
    """The meeting ids of the table's rows, top to bottom."""
    return [int(i) for i in page.locator("#meetings tbody tr[data-id]").evaluate_all(
        "rows => rows.map(r => r.dataset.id)")]  # fmt: skip


def newest_first(engine: Engine, **where: object) -> list[int]:
    """Meeting ids in the table's order, filtered by column values."""
    with Session(engine) as session:
        query = select(Meeting.id).filter_by(**where)
        query = query.order_by(Meeting.local_date.desc(), Meeting.id.desc())
        return list(session.scalars(query))


def test_filters_change_the_rows_to_what_the_database_holds(
    watched: Watched, engine: Engine
) -> None:
    page = watched.open("/meetings")
    assert shown_ids(page) == newest_first(engine)
    watched.shot("meetings")
    with page.expect_navigation():
        page.select_option("select[name=kind]", "working_trip")
    assert "kind=working_trip" in page.url and "region=" not in page.url
    assert shown_ids(page) == newest_first(engine, kind="working_trip")
    with page.expect_navigation():
        page.select_option("select[name=region]", "Almaty")
    assert shown_ids(page) == newest_first(engine, kind="working_trip", region="Almaty")
    shared = page.url  # the URL holds the filter: opening it again shows the same rows
    assert shown_ids(watched.open(shared.removeprefix(watched.base))) == shown_ids(page)
    watched.shot("meetings-filtered")


def test_search_finds_an_article_by_a_word_of_its_text(watched: Watched, seeded: Seeded) -> None:
    page = watched.open("/meetings")
    page.fill("input[name=q]", WORD)
    with page.expect_navigation():
        page.press("input[name=q]", "Enter")
    assert shown_ids(page) == [seeded.word_meeting]
    assert page.locator("[data-total]").get_attribute("data-total") == "1"
    watched.shot("meetings-search")


def test_hostile_text_shows_as_text(watched: Watched, seeded: Seeded) -> None:
    page = watched.open(f"/meetings/{seeded.hostile_meeting}")
    assert page.inner_text("#title") == HOSTILE
    assert HOSTILE_BODY[:40] in page.inner_text(".evidence >> nth=0")
    assert page.locator("main script, main img, main svg, main iframe").count() == 0
    watched.shot("meeting-hostile")
    listing = watched.open("/meetings")
    assert listing.get_by_text(HOSTILE, exact=True).count() == 1


def test_a_meeting_page_shows_versions_and_the_first_source(
    watched: Watched, seeded: Seeded
) -> None:
    page = watched.open(f"/meetings/{seeded.versioned_meeting}")
    page.click("details.versions summary")
    assert page.locator("pre.diff .added").first.inner_text() == "+Новый текст"
    assert page.locator("#first").count() == 1
    watched.shot("meeting")


def marks(page: sync_api.Page, chart: str) -> list[dict[str, str]]:
    """The data of every SVG mark of a chart, read from the marks' ARIA labels."""
    labels = page.locator(f"#chart-{chart} svg .role-mark path[aria-label]").evaluate_all(
        "paths => paths.map(p => p.getAttribute('aria-label'))"
    )
    return [dict(part.split(": ", 1) for part in label.split("; ")) for label in labels]


def draw(page: sync_api.Page) -> None:
    """Wait until every chart is drawn (or failed)."""
    page.wait_for_function(
        "() => [...document.querySelectorAll('.vega')].every(b => b.dataset.rendered === 'true')"
    )


def counts(engine: Engine) -> tuple[Counter[tuple[str, str]], Counter[str], Counter[str]]:
    """Meetings per (region, day), per kind; reports per outlet; from the database."""
    with Session(engine) as session:
        days = Counter(
            (m.region or COLLECTIVE, m.local_date.isoformat())
            for m in session.scalars(select(Meeting))
        )
        kinds = Counter(dict(session.execute(
            select(Meeting.kind, func.count()).group_by(Meeting.kind)).all()))  # fmt: skip
        sources = Counter(
            source for source in session.scalars(select(Article.source).join(MeetingArticle))
        )
    return days, kinds, sources


def test_the_charts_marks_equal_the_database(watched: Watched, engine: Engine) -> None:
    page = watched.open("/charts")
    draw(page)
    watched.shot("charts")
    days, kinds, sources = counts(engine)
    assert {m["kind"]: int(m["meetings"]) for m in marks(page, "kinds")} == kinds
    assert sorted(int(m["reports"]) for m in marks(page, "sources")) == sorted(sources.values())
    months = Counter()
    for (region, day), n in days.items():
        months[(region, day[:7])] += n
    assert {(m["region"], m["month"]): int(m["meetings"]) for m in marks(page, "heatmap")} == months
    for unit in ("week", "day", "month"):
        page.click(f"button[data-unit={unit}]")
        page.locator(f"#chart-timeline .vega[data-rendered=true][data-unit={unit}]").wait_for()
        wanted = Counter()
        for (region, day), n in days.items():
            wanted[(region, period(date.fromisoformat(day), unit).isoformat())] += n
        shown = {(m["region"], m["period"]): int(m["meetings"]) for m in marks(page, "timeline")}
        assert shown == wanted, unit
        assert re.search(f"unit={unit}$", page.get_attribute("#chart-timeline a.csv", "href") or "")


def test_the_sources_page_shows_status_outbox_and_alerts(watched: Watched, seeded: Seeded) -> None:
    page = watched.open("/sources")
    assert page.locator("#status tbody tr[data-source]").count() == 5
    assert page.locator("tr[data-source=akorda]").get_attribute("class") == "bad"
    dead = page.locator(f"table[data-group=dead] tr[data-entry='{seeded.dead_entry}']")
    assert HOSTILE in dead.inner_text()
    assert page.locator("#health li").count() == 2
    watched.shot("sources")


def test_a_dead_alert_is_requeued_from_the_page_with_the_token(
    browser: sync_api.Browser, tmp_path: Path, engine: Engine, seeded: Seeded
) -> None:
    url = engine.url.render_as_string(hide_password=False)
    config = web_config(tmp_path, url, listen="127.0.0.1:0", token_hash=hash_token("t0ken"))
    with Background(config, clock) as server:
        context = browser.new_context(http_credentials={"username": "a", "password": "t0ken"})
        watched = Watched(context.new_page(), server.url)
        page = watched.open("/sources")
        with page.expect_navigation():
            page.click(f"tr[data-entry='{seeded.dead_entry}'] button")
        assert page.url.endswith("/sources#outbox")
        assert (
            page.locator(f"table[data-group=dead] tr[data-entry='{seeded.dead_entry}']").count()
            == 0
        )
        assert (
            page.locator(f"table[data-group=pending] tr[data-entry='{seeded.dead_entry}']").count()
            == 1
        )
        watched.shot("sources-requeued")
        context.close()
    assert watched.errors == [] and watched.dialogs == []
