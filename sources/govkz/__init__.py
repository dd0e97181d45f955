"""gov.kz: the akimats' press pages, read through the portal's JSON API, ru/kk/en."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlsplit

from sources.base import Source

_ID = re.compile(r"/press/news/details/(?P<id>[^/?#]+)")


def article_id(url: str) -> str | None:
    """``<id>:<lang>``: the portal numbers a news item once for all its languages."""
    match = _ID.search(url.partition("#")[0].partition("?")[0])
    if match is None:
        return None
    lang = dict(parse_qsl(urlsplit(url).query)).get("lang", "ru")
    return f"{match['id']}:{lang}"


SOURCE = Source(
    name="govkz",
    outlet="gov.kz",
    hosts=("gov.kz",),
    languages=("ru", "kk", "en"),
    spider="sources.govkz.spider:GovkzSpider",
    replica="sources.govkz.replica:GovkzSite",
    article_id=article_id,
    package=__name__,
    replica_options={"expire_after": 4},
    demo_config={"projects": ["karaganda", "astana", "abay"]},
)
