"""Is this response the article? Block and challenge pages, pages cut short, and stored texts that
look cut.

A 200 answer is not always the article: a firewall's "Access denied" or a bot challenge, or an
HTML document that ends before its article does (the connection closed cleanly mid-page, so no
transfer error was seen). :func:`not_the_article` says which, and the spider treats such an
answer as a failed fetch: retried with backoff, never stored. :func:`looks_cut` tells, from a
stored article's text, whether it may have been stored cut short, so that the re-check fetches
it again without conditional headers.
"""

from __future__ import annotations

import re

from scrapy.http import Response, TextResponse

_BLOCKED = re.compile(
    r"access denied|access to this page has been denied|доступ (запрещ|ограничен)|"
    r"\b403 forbidden\b|^forbidden$|request (was )?(blocked|rejected)|captcha|"
    r"are you (a )?(robot|human)|checking (your|the) browser|just a moment|"
    r"attention required|ddos[- ]protection|bot protection|проверка браузера",
    re.I,
)
_TAIL = 4096  # the closing tags of a whole document are in its last few kilobytes
_SENTENCE_END = re.compile(r"[.!?…»\"”')\]]\s*$")


def cut_short(body: bytes) -> bool:
    """Whether an HTML document ends before it should: no closing ``</body>`` nor ``</html>``,
    or an ``<article>`` container opened and never closed."""
    lower = body.lower()
    if b"</html" not in lower[-_TAIL:] and b"</body" not in lower[-_TAIL:]:
        return True
    return lower.count(b"<article") > lower.count(b"</article")


def blocked(response: TextResponse) -> bool:
    """Whether the page's title or main heading is a block or challenge page's."""
    heads = response.xpath("//title//text() | (//h1)[1]//text()").getall()
    return any(_BLOCKED.search(" ".join(text.split())) for text in heads)


def not_the_article(response: Response) -> str | None:
    """Why an article response is not the article (``blocked``, ``cut``), or None."""
    if not isinstance(response, TextResponse) or not response.body.lstrip().startswith(b"<"):
        return None  # not HTML: the extractor judges it
    if blocked(response):
        return "blocked"
    if cut_short(response.body):
        return "cut"
    return None


def looks_cut(text: str | None) -> bool:
    """Whether a stored article text ends mid-sentence (it may have been stored cut short)."""
    stripped = (text or "").strip()
    return bool(stripped) and not _SENTENCE_END.search(stripped)
