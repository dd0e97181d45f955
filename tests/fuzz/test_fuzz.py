"""Property-based fuzzing (profiles ``ci``: 200 examples, ``fuzz``: 10,000, by HYPOTHESIS_PROFILE):
URL canonicalization, date parsing, extraction and detection never crash, never hang (a per-input
deadline) and return values of their types."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from importlib import resources

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from scrapy.http import Response

from crawler.extract.dates import parse_iso, parse_text_date
from crawler.extract.page import Page, saved_response
from crawler.extract.types import Extracted, ListingEntry
from detect import KINDS, Meeting, detect
from sources.akorda import pages as akorda
from sources.govkz import pages as govkz
from sources.kazinform import pages as kazinform
from sources.kazinform.replica import KazinformSite
from storage.urls import UnusableURL, _canonical, _settled, canonical_url, url_key

pytestmark = pytest.mark.fuzz

SITE_URLS = st.builds(
    lambda scheme, host, path, query: f"{scheme}://{host}/{path}?{query}",
    st.sampled_from(["http", "https", "HTTP", "ftp"]),
    st.sampled_from(
        [
            "www.inform.kz",
            "KAZ.INFORM.KZ:443",
            "akorda.kz",
            "m.gov.kz:8080",
            "xn--80ak6aa92e.com",
            "ақорда.kz",
            "amp.qazinform.com",
            "www.m.inform.kz",
            "[::1]:8080",
            "inform.kz:",
            "Inform.KZ.",
        ]
    ),
    st.text(max_size=60),
    st.text(max_size=60),
)
DATE_TEXT = st.one_of(
    st.text(max_size=80),
    st.builds(
        lambda d, m, y, t: f"{d} {m} {y} {t}",
        st.integers(-5, 40),
        st.sampled_from(["марта", "Наурыз", "May", "декабря", "жылғы", "x"]),
        st.integers(0, 10000),
        st.sampled_from(["", "16:00", "25:61", "10:00 +0600"]),
    ),
    st.datetimes().map(lambda d: d.isoformat()),
)
REGIONS = {
    r["canonical"]
    for r in json.loads(
        resources.files("detect").joinpath("data", "regions.json").read_text("utf-8")
    )["regions"]
}
SITE = KazinformSite()
PAGE = SITE.article_page(SITE.articles[0]).encode()
LISTING = SITE.listing("ru", 1).body


def _mutate(data: bytes, cuts: list[tuple[int, bytes]]) -> bytes:
    for position, insert in cuts:
        at = position % (len(data) + 1)
        data = data[:at] + insert + data[at + len(insert) :]
    return data


HTML = st.one_of(
    st.binary(max_size=3000),
    st.text(max_size=2000).map(lambda t: t.encode("utf-8", "surrogatepass")),
    st.lists(st.tuples(st.integers(0, 10**6), st.binary(max_size=40)), max_size=20).map(
        lambda cuts: _mutate(PAGE, cuts)
    ),
    st.lists(st.tuples(st.integers(0, 10**6), st.binary(max_size=40)), max_size=20).map(
        lambda cuts: _mutate(LISTING, cuts)
    ),
)
CONTENT_TYPES = st.sampled_from(
    [None, "text/html", "text/html; charset=windows-1251", "text/html; charset=bogus"]
)
ARTICLE_PAGES: list[Callable[[Response, str], Page[Extracted]]] = [
    kazinform.ArticlePage,
    akorda.ArticlePage,
]
LISTING_PAGES: list[Callable[[Response], list[ListingEntry]]] = [
    lambda response: kazinform.ListingPage(response).to_record().entries,
    lambda response: akorda.ListingPage(response).to_record(),
]


def _served(document: bytes, content_type: str | None, status: int = 200) -> Response:
    headers = {"Content-Type": content_type} if content_type else {}
    return saved_response("https://www.inform.kz/ru/x-7a1c3e", document, headers, status)


def _aware_utc(value: datetime | None) -> bool:
    return value is None or (value.tzinfo is not None and value.utcoffset() == timedelta(0))


@given(SITE_URLS)
@example("http://www.inform.kz/\\?")  # w3lib turns the backslash into a second slash
@example("https://www.m.inform.kz/amp/amp/x/a/..")
def test_canonical_url_is_idempotent_and_https(url: str) -> None:
    once = canonical_url(url)
    assert once.startswith("https://")
    assert canonical_url(once) == once
    assert len(url_key(url)) == 40


@given(SITE_URLS)
@example("https://inform.kz/ru/amp")
@example("https://www.inform.kz/ru/x-1a2b3c")
def test_a_settled_url_is_what_full_canonicalization_gives(url: str) -> None:
    for candidate in (url, canonical_url(url)):
        if _settled(candidate):
            assert _canonical(candidate) == candidate


ANY_URL = st.one_of(
    st.text(max_size=200),
    st.builds(
        lambda scheme, netloc, rest: f"{scheme}://{netloc}/{rest}",
        st.sampled_from(["http", "https"]),
        st.text(max_size=30),
        st.text(max_size=60),
    ),
)


@pytest.mark.parametrize(
    "url",
    [
        "",
        ":",
        "https://:80/x",
        "https://:/",
        "http://[::1/",
        "https://inform.kz:99999/",
        "https://inform.kz:x/",
    ],
)
def test_unusable_urls_raise_one_clear_value_error(url: str) -> None:
    with pytest.raises(UnusableURL, match="unusable URL"):
        canonical_url(url)


@given(ANY_URL)
def test_canonical_url_of_any_text_is_idempotent_https_or_unusable(url: str) -> None:
    try:
        once = canonical_url(url)
    except UnusableURL:
        return  # no host, a bad port or unbalanced brackets: callers get one clear ValueError
    assert once.startswith("https://") and canonical_url(once) == once


@given(DATE_TEXT)
def test_date_parsing_never_raises_and_is_aware_utc(text: str) -> None:
    assert _aware_utc(parse_iso(text))
    assert _aware_utc(parse_text_date(text))


@given(HTML, st.sampled_from(["ru", "kk", "en"]), CONTENT_TYPES)
def test_article_extraction_survives_any_bytes(
    document: bytes, language: str, content_type: str | None
) -> None:
    for page in ARTICLE_PAGES:
        result = page(_served(document, content_type), language).to_record()
        assert isinstance(result, Extracted)
        assert all(isinstance(v, str) for v in (result.title, result.lead, result.body))
        assert _aware_utc(result.published_at)
        assert isinstance(result.tags, list)


@given(HTML, CONTENT_TYPES)
def test_listing_extraction_survives_any_bytes(document: bytes, content_type: str | None) -> None:
    for entries_of in LISTING_PAGES:
        entries = entries_of(_served(document, content_type))
        assert all(isinstance(e, ListingEntry) and isinstance(e.url, str) for e in entries)
        assert all(_aware_utc(e.published_at) for e in entries)


@given(HTML)
def test_govkz_api_parsing_survives_any_bytes(document: bytes) -> None:
    items = govkz.ApiPage(_served(document, "application/json"), "astana", "ru").to_record()
    assert items is None or isinstance(items, list)
    assert isinstance(govkz.ApiPage(_served(document, None, 400), "astana", "ru").refused, bool)


MIXED = st.lists(
    st.one_of(
        st.sampled_from(
            [
                "Токаев",
                "принял",
                "акима",
                "облысының",
                "әкімін",
                "Akorda",
                "Qasym-Jomart",
                "Тоқаев",
                "қабылдады",
                "ақим",
                "\u00ad",
                "\u200b",
                "Ⅻ",
                "🇰🇿",
                "<b>",
                "</p>",
                "&amp;",
                "Карагандинской",
                "области",
            ]
        ),
        st.text(max_size=20),
    ),
    max_size=200,
).map(" ".join)


@given(
    MIXED,
    MIXED,
    st.sampled_from([None, "ru", "kk", "en"]),
    st.one_of(st.none(), st.datetimes(timezones=st.just(UTC))),
)
def test_detection_returns_valid_meetings(
    title: str, text: str, language: str | None, published: datetime | None
) -> None:
    for meeting in detect(title, text, published=published, language=language):
        assert isinstance(meeting, Meeting) and meeting.kind in KINDS
        assert meeting.region is None or meeting.region in REGIONS
        assert set(meeting.regions) <= REGIONS
