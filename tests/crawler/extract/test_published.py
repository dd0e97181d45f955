"""The page's publication date: ranked candidates, blocks listing other articles recognised by
structure (whatever their classes), updated times and the site clock passed over, and the page
weighed against the listing's date."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from parsel import Selector

from crawler.extract.dates import find_text_date
from crawler.extract.published import page_published, reconcile

URL = "https://news.example.kz/ru/glava-prinyal-akima-100001"
NOW = datetime(2026, 3, 25, 9, 0, tzinfo=UTC)
TRUE = datetime(2026, 3, 21, 9, 30, tzinfo=UTC)  # 14:30 local
ONE = '<a href="/ru/drugaya-novost-1-100002">Аким области открыл школу</a>'
TWO = '<a href="/ru/drugaya-novost-2-100003">В регионе построили дорогу</a>'


def is_article(url: str) -> bool:
    return url.rstrip("/").rsplit("-", 1)[-1].isdigit()


def page(body: str, head: str = "") -> str:
    return f"<html><head>{head}</head><body>{body}</body></html>"


CASES = {
    "cards of other articles before the text": page(
        f'<div class="x"><div>{ONE}<span>18 марта 2026 года</span></div>'
        f"<div>{TWO}<span>17 марта 2026 года</span></div></div>"
        "<h1>Глава государства принял акима</h1><div>21 марта 2026 года, 14:30</div><p>Текст.</p>"
    ),
    "a flat run of links and dates after the headline": page(
        f"<h1>Глава государства принял акима</h1><div>{ONE}<small>20.03.2026</small>{TWO}"
        "<small>19.03.2026</small></div><p>Текст.</p><p>21.03.2026, 14:30</p>"
    ),
    "an updated time first in the article header": page(
        "<article><header><h1>Глава государства принял акима</h1><span>Обновлено:</span> <time "
        'datetime="2026-03-24T10:00:00+05:00">24.03.2026</time> <time datetime="2026-03-21T14:30'
        ':00+05:00">21.03.2026</time></header><p>Текст.</p></article>'
    ),
    "the site clock in the page header": page(
        '<header><time datetime="2026-03-25T14:00:00+05:00">25 марта 2026</time></header>'
        "<h1>Глава государства принял акима</h1><p>14:30, 21 Март 2026</p><p>Текст.</p>"
    ),
    "a logo in an h1 beside the site clock": page(
        '<header><h1>Новости Казахстана</h1><time datetime="2026-03-25T14:00:00+05:00">25 марта'
        " 2026</time></header><main><h1>Глава государства принял акима</h1>"
        "<div>21.03.2026 14:30</div><p>Текст.</p></main>"
    ),
    "structured data over the printed date": page(
        "<h1>Глава государства принял акима</h1><div>20 марта 2026 года</div>",
        '<meta name="article:published_time" content="2026-03-21T14:30:00+05:00">',
    ),
    "a relative date counted from the response time": page(
        "<h1>Глава государства принял акима</h1><div>Вчера, 14:30</div>"
    ).replace("Вчера", "Сегодня"),
}


@pytest.mark.parametrize("html", CASES.values(), ids=list(CASES))
def test_the_article_date_wins(html: str) -> None:
    now = datetime(2026, 3, 21, 12, 0, tzinfo=UTC) if "Сегодня" in html else NOW
    assert page_published(Selector(text=html).root, URL, is_article, now=now) == TRUE


def test_a_page_without_its_own_date_has_none() -> None:
    html = page(
        f"<h1>Глава государства принял акима</h1><p>Текст.</p><div><div>{ONE}"
        "<div>20 марта 2026 года</div></div></div>"
    )
    assert page_published(Selector(text=html).root, URL, is_article) is None


def test_a_date_in_the_url_is_the_last_resort() -> None:
    url = "https://news.example.kz/2026/03/21/glava-prinyal-akima"
    found = page_published(
        Selector(text=page("<h1>Заголовок</h1><p>Текст.</p>")).root, url, is_article
    )
    assert found == datetime(2026, 3, 20, 19, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Сегодня, 14:30", datetime(2026, 3, 25, 9, 30, tzinfo=UTC)),
        ("Бүгін 09:05", datetime(2026, 3, 25, 4, 5, tzinfo=UTC)),
        ("Вчера, 23:10", datetime(2026, 3, 24, 18, 10, tzinfo=UTC)),
        ("Yesterday at 08:00", datetime(2026, 3, 24, 3, 0, tzinfo=UTC)),
        ("21.03.2026, 14:30", TRUE),
        ("14:30 21.03.2026", TRUE),
        ("2026 жылғы 21 наурыз, 14:30", TRUE),
        ("21 наурыз 2026 ж., 14:30", TRUE),
        ("План на 2026 год", None),
        ("В 2026 году построят 12 школ", None),
    ],
)
def test_printed_forms(text: str, expected: datetime | None) -> None:
    assert find_text_date(text, NOW) == expected


def test_relative_dates_need_a_reference_time() -> None:
    assert find_text_date("Сегодня, 14:30") is None


LISTED = datetime(2026, 3, 21, 9, 30, tzinfo=UTC)
EARLIER = datetime(2026, 3, 18, 9, 0, tzinfo=UTC)
LATER = datetime(2026, 3, 21, 10, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("page_date", "listing", "stored", "page_kept"),
    [
        (EARLIER, LISTED, LISTED, EARLIER),  # three days apart: the listing's kept
        (LATER, LISTED, LATER, None),  # within a day: the page's
        (datetime(2026, 3, 20, 19, 0, tzinfo=UTC), LISTED, LISTED, None),  # the page's day only
        (None, LISTED, LISTED, None),
        (LISTED, None, LISTED, None),
        (None, None, None, None),
    ],
)  # fmt: skip
def test_page_against_listing(
    page_date: datetime | None,
    listing: datetime | None,
    stored: datetime | None,
    page_kept: datetime | None,
) -> None:
    found = reconcile(page_date, listing)
    assert (found.published_at, found.page_published_at) == (stored, page_kept)
    assert found.conflict is (page_kept is not None)
