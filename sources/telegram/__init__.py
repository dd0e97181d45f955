"""Akorda's Telegram channel: the public preview ``https://t.me/s/<channel>`` (no key, no account).

The President's press service posts there as events happen, often before the article reaches
akorda.kz. Which channels are read is ``[sources.telegram] channels`` (default ``aqorda_resmi``).
"""

from __future__ import annotations

import re
from typing import Any

from sources.base import Source

CHANNELS = ("aqorda_resmi",)
_POST = re.compile(r"^/(?:s/)?(?P<channel>[A-Za-z][A-Za-z0-9_]{3,31})/(?P<id>\d+)/?$")
_USERNAME = re.compile(r"[A-Za-z][A-Za-z0-9_]{3,31}")


def channel_names(value: Any) -> list[str]:
    """``sources.telegram.channels``: public channel usernames (a leading ``@`` or
    ``https://t.me/`` is dropped)."""
    if isinstance(value, str) or not isinstance(value, list) or not value:
        raise ValueError('expected a non-empty list of channel names, e.g. ["aqorda_resmi"]')
    names = [str(item).strip().removeprefix("https://t.me/").lstrip("@") for item in value]
    bad = [name for name in names if not _USERNAME.fullmatch(name)]
    if bad:
        raise ValueError(f"{bad[0]!r} is not a Telegram channel name (letters, digits, _)")
    return names


def article_id(url: str) -> str | None:
    """``<channel>/<post id>`` (the channel lower-cased: t.me names are case-insensitive)."""
    path = url.partition("#")[0].partition("?")[0]
    path = re.sub(r"^[a-z]+://[^/]+", "", path)
    match = _POST.match(path)
    return f"{match['channel'].lower()}/{match['id']}" if match else None


SOURCE = Source(
    name="telegram",
    outlet="Akorda (Telegram)",
    hosts=("t.me",),
    host_aliases={"telegram.me": "t.me", "www.t.me": "t.me"},
    languages=("kk", "ru", "en"),
    spider="sources.telegram.spider:TelegramSpider",
    replica="sources.telegram.replica:TelegramSite",
    article_id=article_id,
    package=__name__,
    every_minutes=5,
    demo_config={"channels": list(CHANNELS)},
    options={"channels": channel_names},
)
