"""The public channel preview of Telegram as page objects over the Scrapy response.

Selectors, with how sure each is (``shared/docs/sources.md`` §4b; two maintained parsers agree on
the high ones):

- post: ``div.tgme_widget_message[data-post="<channel>/<id>"]`` (high); text
  ``.tgme_widget_message_text`` (high); time ``a.tgme_widget_message_date time[datetime]``, ISO
  8601 with an offset (high), else any ``time[datetime]`` in the post; the post link is the
  ``href`` of ``a.tgme_widget_message_date`` (high), else ``https://t.me/<data-post>``;
- link previews ``a.tgme_widget_message_link_preview`` with ``.link_preview_title`` and
  ``.link_preview_description`` (high); links in the text are ``a[href]`` (high);
- service messages carry ``service_message`` (high); an empty channel ``.tme_no_messages_found``;
- "more": ``a.tme_messages_more[data-before]`` (high), else the smallest id on the page;
- the edited mark: "edited" opening ``span.tgme_widget_message_meta`` (medium), else an element
  whose class says ``edited``;
- a channel without a public preview redirects away from ``/s/`` (high): a page whose final URL
  is neither a preview nor a post is a refusal.

The same markup serves one post's embed page (``https://t.me/<channel>/<id>?embed=1``), which
the re-check pass reads.
"""

from __future__ import annotations

import html
import itertools
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import urljoin, urlsplit

from parsel import Selector

from crawler.extract.page import ArticlePage, Page
from crawler.extract.types import Extracted
from detect.normalize import detect_language

_SPACE = re.compile(r"[ \t\u00a0\u200b]+")
_EDITED = re.compile(r"^\s*(edited|изменено|өңделді)\b", re.I)
_TITLE_CHARS = 140
_LEADING = re.compile(r"^[^\w«\"„(]+")  # emoji, bullets, spaces before a post's first words
_RUN_GAP = 200  # ids: a post this far below the next older one is pinned, not the page's run


@dataclass(frozen=True)
class Post:
    """One post of a channel as the preview shows it."""

    channel: str
    id: int
    url: str
    text: str
    published_at: datetime | None
    edited: bool = False
    links: tuple[str, ...] = ()
    preview: str = ""
    """The link preview's title and description (the linked article's, not the post's words)."""
    media: bool = False
    title: str = field(init=False)
    """The first line, cut at a word near :data:`_TITLE_CHARS` (a post has no headline)."""
    language: str = field(init=False)
    """``kk``, ``ru`` or ``en``, from the text's script."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "title", first_line(self.text))
        object.__setattr__(self, "language", detect_language("", self.text))

    def to_extracted(self) -> Extracted:
        """The post as an article's fields: its first line as the title, its whole text (and the
        link preview, which names the linked article) as the body."""
        body = "\n".join(part for part in (self.text, self.preview) if part)
        return Extracted(
            title=self.title,
            body=body,
            published_at=self.published_at,
            language=self.language,
            source_id=f"{self.channel.lower()}/{self.id}",
        )


def first_line(text: str) -> str:
    """A post's first line without leading emoji, cut at a word near :data:`_TITLE_CHARS`."""
    first = next((line for line in text.splitlines() if _LEADING.sub("", line)), "")
    first = _LEADING.sub("", first).strip()
    if len(first) <= _TITLE_CHARS:
        return first
    return first[:_TITLE_CHARS].rsplit(" ", 1)[0].rstrip(",;:") + "…"


@dataclass(frozen=True)
class Preview:
    """What a preview page holds: its posts with words (newest first), the ``before`` id of the
    next older page, the items skipped by why, and whether the channel is empty or refused."""

    posts: list[Post]
    before: int | None
    skipped: dict[str, int]
    empty: bool = False
    refused: bool = False


class ChannelPage(Page[Preview]):
    """A page of ``https://t.me/s/<channel>`` (or one post's embed page)."""

    def to_record(self) -> Preview:
        """The page's posts and where the next older page starts."""
        path = urlsplit(self.url).path
        if not path.startswith("/s/") and not _is_post_path(path):  # redirected away
            return Preview([], None, {}, refused=True)
        self.skipped: dict[str, int] = {}
        found: dict[int, Post] = {}
        for node in self.css("div.tgme_widget_message[data-post]"):
            post = self._post(node)
            if post is not None:
                found[post.id] = post
        posts = sorted(found.values(), key=lambda p: p.id, reverse=True)
        empty = bool(self.css(".tme_no_messages_found"))
        return Preview(posts, self._before(posts), self.skipped, empty=empty)

    def _before(self, posts: list[Post]) -> int | None:
        """The "more" link's id, else the oldest id of the page's run of posts (a pinned old
        post above them is not part of the run)."""
        value = self.css("a.tme_messages_more[data-before]::attr(data-before)").get()
        if value and value.isdigit():
            return int(value)
        ids = sorted((post.id for post in posts), reverse=True)
        oldest = ids[0] if ids else None
        for newer, older in itertools.pairwise(ids):
            if newer - older > _RUN_GAP:
                break
            oldest = older
        return oldest

    def _post(self, node: Selector) -> Post | None:
        channel, _, number = (node.attrib.get("data-post") or "").partition("/")
        if not number.isdigit():
            self._skip("bad_post_id")
            return None
        if "service_message" in node.attrib.get("class", ""):
            self._skip("service")
            return None
        text = _text(node.css(".tgme_widget_message_text"))
        preview = _preview(node)
        if not text and not preview:
            self._skip("media_only")
            return None
        link = node.css("a.tgme_widget_message_date::attr(href)").get()
        return Post(
            channel=channel,
            id=int(number),
            url=_canonical_post(link, channel, number),
            text=text,
            published_at=_time(node),
            edited=_edited(node),
            links=_links(node, self.response.url),
            preview=preview,
            media=bool(node.css(".tgme_widget_message_photo_wrap, .tgme_widget_message_video")),
        )

    def _skip(self, why: str) -> None:
        self.skipped[why] = self.skipped.get(why, 0) + 1


class PostPage(ArticlePage):
    """One post's embed page (``https://t.me/<channel>/<id>?embed=1``), which the re-check pass
    reads: the post as an article's fields (empty when the page shows none: a deleted post)."""

    def to_record(self) -> Extracted:
        """The post's fields."""
        posts = ChannelPage(self.response).to_record().posts
        return posts[0].to_extracted() if posts else Extracted()


def _is_post_path(path: str) -> bool:
    return bool(re.fullmatch(r"/[A-Za-z][A-Za-z0-9_]+/\d+/?", path))


def _canonical_post(link: str | None, channel: str, number: str) -> str:
    """``https://t.me/<channel>/<id>``: the date link when it is one, else built from the id."""
    if link:
        parts = urlsplit(html.unescape(link))
        if _is_post_path(parts.path):
            return f"https://t.me{parts.path.rstrip('/')}"
    return f"https://t.me/{channel}/{number}"


def _text(nodes: list[Selector]) -> str:
    """The text of the first message text node: ``<br>`` and blocks as line breaks, emoji
    images as their alt text, spaces folded."""
    if not nodes:
        return ""
    markup = nodes[0].get()
    markup = re.sub(r"<br\s*/?>|</(?:p|div|blockquote|li)>", "\n", markup, flags=re.I)
    markup = re.sub(r"<i class=\"emoji\"[^>]*><b>([^<]*)</b></i>", r"\1", markup)
    plain = Selector(text=f"<div>{markup}</div>").xpath("string(.)").get() or ""
    lines = (_SPACE.sub(" ", line).strip() for line in plain.splitlines())
    return "\n".join(line for line in lines if line)


def _preview(node: Selector) -> str:
    preview = node.css("a.tgme_widget_message_link_preview")
    parts = [
        _text(preview.css(css)) for css in (".link_preview_title", ".link_preview_description")
    ]
    return "\n".join(part for part in parts if part)


def _time(node: Selector) -> datetime | None:
    for value in (
        node.css("a.tgme_widget_message_date time::attr(datetime)").get(),
        node.css("time[datetime]::attr(datetime)").get(),
    ):
        if not value:
            continue
        try:
            stamp = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            continue
        if stamp.tzinfo is not None:  # a time without an offset is not a moment
            return stamp.astimezone(UTC)
    return None


def _edited(node: Selector) -> bool:
    meta = node.css(".tgme_widget_message_meta").xpath("string(.)").get() or ""
    if _EDITED.match(meta):
        return True
    return bool(node.xpath(".//*[contains(@class, 'edited')]"))


def _links(node: Selector, base: str) -> tuple[str, ...]:
    hrefs = [
        *node.css(".tgme_widget_message_text a::attr(href)").getall(),
        *node.css("a.tgme_widget_message_link_preview::attr(href)").getall(),
    ]
    absolute = (urljoin(base, html.unescape(href).strip()) for href in hrefs if href.strip())
    kept = (href for href in absolute if href.startswith(("http://", "https://")))
    return tuple(dict.fromkeys(kept))
