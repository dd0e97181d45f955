"""Wattle: a made-up fifth source, added by a package and one entry point only."""

from __future__ import annotations

import re

from sources.base import Source, path_id

SOURCE = Source(
    name="wattle",
    outlet="Wattle News",
    hosts=("wattle.example",),
    languages=("ru",),
    spider="wattle.spider:WattleSpider",
    replica="wattle.replica:WattleSite",
    article_id=path_id(re.compile(r"/news/(?P<id>\d+)$")),
    package=__name__,
)
