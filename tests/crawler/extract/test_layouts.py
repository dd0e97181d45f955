"""Every replica article page rendered in every layout and extracted: the records must be the
article's true fields, hence equal across layouts (a metamorphic test). A layout we cannot
handle fails. The per-site, per-layout figure is printed (``-s`` shows it)."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, time
from email.utils import format_datetime
from typing import Any

import pytest
from scrapy.http import Response

from crawler.extract.dates import ALMATY
from crawler.extract.page import saved_response
from crawler.extract.types import Extracted
from replicas.articles import ReplicaArticle
from replicas.layouts import LAYOUTS
from sources.akorda import pages as akorda
from sources.akorda.replica import MIRROR, AkordaSite
from sources.bestnews import pages as bestnews
from sources.bestnews.replica import BestnewsSite
from sources.govkz import pages as govkz
from sources.govkz.replica import GovkzSite
from sources.kazinform import pages as kazinform
from sources.kazinform.replica import KazinformSite

FIELDS = ("title", "lead", "body", "published_at", "language")
Case = list[tuple[ReplicaArticle, Extracted, dict[str, Any]]]


@pytest.fixture
def now() -> datetime:
    """The crawl's clock: the moment a page is read (relative dates are resolved against it)."""
    return datetime.now(UTC)


def _served(url: str, page: str | bytes, now: datetime, kind: str = "text/html") -> Response:
    """The page as the replica serves it, at ``now`` by the server's clock."""
    body = page.encode() if isinstance(page, str) else page
    headers = {"Content-Type": f"{kind}; charset=utf-8", "Date": format_datetime(now, usegmt=True)}
    return saved_response(url, body, headers)


def _midnight(value: datetime) -> datetime:
    return datetime.combine(value.astimezone(ALMATY).date(), time(), ALMATY).astimezone(UTC)


def akorda_case(layout: int, now: datetime) -> Case:
    """Akorda pages: the precise time where the page has one, the day for the old site, no
    date for a page that shows none (the spider takes the feed's or listing's)."""
    site = AkordaSite(layout=layout)
    found = []
    for a in site.articles:
        url = site.url_of(a, MIRROR if a.markup == "old" else "www.akorda.kz")
        got = akorda.ArticlePage(_served(url, site.article_page(a), now), a.language).to_record()
        when = {"og": a.published, "old": _midnight(a.published)}.get(a.markup)
        truth = {"title": a.title, "lead": a.lead, "body": "\n".join(a.paragraphs)}
        found.append((a, got, {**truth, "published_at": when, "language": a.language}))
    return found


def kazinform_case(layout: int, now: datetime) -> Case:
    """Kazinform pages (old-site pages print the lead as the first body paragraph)."""
    site = KazinformSite(layout=layout)
    found = []
    for a in site.articles:
        old = a.markup == "old"
        response = _served(site.url_of(a), site.article_page(a), now)
        got = kazinform.ArticlePage(response).to_record()
        texts = [a.lead, *a.paragraphs] if old else a.paragraphs
        truth = {"title": a.title, "lead": "" if old else a.lead, "body": "\n".join(texts)}
        found.append((a, got, {**truth, "published_at": a.published, "language": a.language}))
    return found


def bestnews_case(layout: int, now: datetime) -> Case:
    """Bestnews pages (the 2026 template opens its body with the lead)."""
    site = BestnewsSite(layout=layout)
    found = []
    for a in site.articles:
        new = a.markup == "2026"
        response = _served(site.url_of(a), site.article_page(a), now)
        got = bestnews.ArticlePage(response).to_record()
        texts = [a.lead, *a.paragraphs] if new else a.paragraphs
        truth = {"title": a.title, "lead": "" if new else a.lead, "body": "\n".join(texts)}
        found.append((a, got, {**truth, "published_at": a.published, "language": "ru"}))
    return found


def govkz_case(layout: int, now: datetime) -> Case:
    """gov.kz API items, through the page parser (array or ``content`` object)."""
    site = GovkzSite(layout=layout)
    found = []
    for a in site.articles:
        page = json.dumps({"content": [site.item(a)]} if layout % 2 else [site.item(a)])
        project = a.extra["project"]
        response = _served(govkz.api_url(project, 1), page, now, "application/json")
        got = (govkz.ApiPage(response, project, a.language).to_record() or [])[0].article
        truth = {"title": a.title, "lead": a.lead, "body": "\n".join(a.paragraphs)}
        found.append((a, got, {**truth, "published_at": a.published, "language": a.language}))
    return found


SITES: dict[str, Callable[[int, datetime], Case]] = {
    "akorda": akorda_case,
    "kazinform": kazinform_case,
    "bestnews": bestnews_case,
    "govkz": govkz_case,
}


def _fields(extracted: Extracted) -> dict[str, Any]:
    return {name: getattr(extracted, name) for name in FIELDS}


@pytest.mark.parametrize("layout", range(LAYOUTS))
@pytest.mark.parametrize("site", SITES)
def test_every_article_extracted_truly_in_every_layout(
    site: str, layout: int, now: datetime
) -> None:
    results = SITES[site](layout, now)
    right = [a for a, got, truth in results if _fields(got) == truth]
    dated = [a for a, got, truth in results if got.published_at == truth["published_at"]]
    print(f"{site} layout {layout}: {len(dated)}/{len(results)} articles with true published_at")
    wrong = {a.id: _fields(got) for a, got, truth in results if _fields(got) != truth}
    assert len(right) == len(results), wrong


@pytest.mark.parametrize("site", SITES)
def test_records_equal_across_layouts(site: str, now: datetime) -> None:
    """The same article in layouts 0..N gives the same record."""
    first = {a.id + a.language: _fields(got) for a, got, _ in SITES[site](0, now)}
    for layout in range(1, LAYOUTS):
        assert {a.id + a.language: _fields(g) for a, g, _ in SITES[site](layout, now)} == first


def _listing_cases(
    layout: int, now: datetime
) -> dict[str, tuple[dict[str, datetime | None], dict[str, Any]]]:
    """Per site: the dates its first listing page gives, and the dates its cards show."""
    ak, kz, bn = (
        AkordaSite(layout=layout),
        KazinformSite(layout=layout),
        BestnewsSite(layout=layout),
    )
    ak_page = ak.listing("ru", "www.akorda.kz", 1).body
    kz_page = kz.listing("ru", 1).body
    bn_page = bn.listing(sorted(bn.articles, key=lambda a: a.published, reverse=True), 0).body
    got = {
        "akorda": akorda.ListingPage(
            _served("https://www.akorda.kz/ru/events", ak_page, now)
        ).to_record(),
        "kazinform": kazinform.ListingPage(_served("https://www.inform.kz/ru/lenta", kz_page, now))
        .to_record()
        .entries,
        "bestnews": bestnews.ListingPage(
            _served("https://bestnews.kz/vlast", bn_page, now)
        ).to_record(),
    }
    shown = {
        "akorda": {ak.url_of(a): _midnight(a.published) for a in ak.listed("ru")[: ak.page_size]},
        "kazinform": {kz.url_of(a): a.published for a in kz.in_language("ru")},
        "bestnews": {bn.url_of(a): a.published for a in bn.articles},
    }
    return {
        site: ({e.url: e.published_at for e in found}, shown[site]) for site, found in got.items()
    }


@pytest.mark.parametrize("layout", range(LAYOUTS))
def test_listing_cards_give_their_dates_in_every_layout(layout: int, now: datetime) -> None:
    cases = _listing_cases(layout, now)
    for site, (found, shown) in cases.items():
        assert found == {url: shown[url] for url in found}, site
    assert set(cases["akorda"][0]) == set(cases["akorda"][1])
    assert set(cases["kazinform"][0]) == set(cases["kazinform"][1])
    assert len(cases["bestnews"][0]) >= BestnewsSite().page_size
