"""Bestnews (bestnews.kz): a Russian-language news site."""

from __future__ import annotations

import re

from sources.base import Source, path_id

SOURCE = Source(
    name="bestnews",
    outlet="Bestnews",
    hosts=("bestnews.kz",),
    languages=("ru",),
    spider="sources.bestnews.spider:BestnewsSpider",
    replica="sources.bestnews.replica:BestnewsSite",
    article_id=path_id(re.compile(r"/(?P<id>\d+)-[^/]+/?$")),
    package=__name__,
)
