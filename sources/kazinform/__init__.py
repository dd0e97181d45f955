"""Kazinform (inform.kz, kaz.inform.kz, qazinform.com): the national news agency, ru/kk/en."""

from __future__ import annotations

import re

from sources.base import Source

_ID = re.compile(r"-(?P<hex>[0-9a-f]{6,8})/?$|_a(?P<old>\d{6,8})(?:/amp)?/?$")


def article_id(url: str) -> str | None:
    """The hex id at the end of a current URL, or ``a`` + the number of an old ``_a`` URL."""
    match = _ID.search(url.partition("#")[0].partition("?")[0])
    if match is None:
        return None
    return f"a{match['old']}" if match["old"] else match["hex"]


SOURCE = Source(
    name="kazinform",
    outlet="Kazinform",
    hosts=("inform.kz", "qazinform.com", "kazinform.kz"),
    host_aliases={"kazinform.kz": "inform.kz", "en.inform.kz": "qazinform.com"},
    languages=("ru", "kk", "en"),
    spider="sources.kazinform.spider:KazinformSpider",
    replica="sources.kazinform.replica:KazinformSite",
    article_id=article_id,
    package=__name__,
)
