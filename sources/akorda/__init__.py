"""Akorda (akorda.kz): the President's own site, ru/kk/en."""

from __future__ import annotations

import re

from sources.base import Source, path_id

SOURCE = Source(
    name="akorda",
    outlet="Akorda",
    hosts=("akorda.kz",),
    languages=("ru", "kk", "en"),
    spider="sources.akorda.spider:AkordaSpider",
    replica="sources.akorda.replica:AkordaSite",
    article_id=path_id(re.compile(r"-(?P<id>\d{4,})/?$")),
    package=__name__,
)
