"""Replica of Telegram's public channel preview (``t.me/s/<channel>``) and post embed pages.

Pages hold ``page_size`` posts, oldest first, with the "more" link to ``?before=<id>``; page 1
opens with a pinned old post. Among the posts: edits (``edit()`` changes a post's text and adds
the "edited" mark), posts that are only a photo or a video, service messages, link previews of
akorda.kz articles. A channel in ``closed`` has no public preview: ``/s/<channel>`` redirects to
``/<channel>``. ``layout=1..4`` serve the markup as other versions of the widget would: local
offsets in ``datetime``, a relative post link and no "more" link (the page's smallest id has to
do), an edited mark as a class, posts newest first with date dividers, reply quotes and forwards.
"""

from __future__ import annotations

import html
from dataclasses import replace

from crawler.extract.dates import ALMATY
from replicas import layouts
from replicas.articles import CrawledArticle, ReplicaArticle, load_articles
from replicas.server import Reply, Request, Site

HOST = "t.me"
E = html.escape
CLOSED = ("closed_channel",)


class TelegramSite(Site):
    """Serves channel previews and embed pages of the replica's posts."""

    hosts = (HOST, "telegram.me")

    def __init__(
        self,
        page_size: int = 6,
        data: str = "telegram",
        layout: int = 0,
        closed: tuple[str, ...] = CLOSED,
    ) -> None:
        self.page_size = page_size
        self.layout = layouts.check(layout)
        self.closed = closed
        self.articles = load_articles(data)

    # -- the data ---------------------------------------------------------------------------
    def channel_of(self, post: ReplicaArticle) -> str:
        """The channel a post belongs to."""
        return str(post.extra.get("channel", "aqorda_resmi"))

    def url_of(self, post: ReplicaArticle) -> str:
        """The post's link, ``https://t.me/<channel>/<id>``."""
        return f"https://{HOST}/{self.channel_of(post)}/{post.id}"

    def text_of(self, post: ReplicaArticle) -> str:
        """What the post says, line by line (the title is its first line)."""
        return "\n".join(p for p in [post.title, *post.paragraphs] if p)

    def edit(self, post_id: str, paragraphs: list[str]) -> None:
        """Change a post's text after the title, as an edit in the channel would (marked)."""
        self.articles = [
            replace(a, paragraphs=paragraphs, extra={**a.extra, "edited": True})
            if a.id == post_id
            else a
            for a in self.articles
        ]

    def crawled(self) -> list[CrawledArticle]:
        """The posts with words, at their links (a bare photo or video and service messages are
        not articles)."""
        return [
            CrawledArticle(post, self.url_of(post))
            for post in self.articles
            if self.text_of(post) and not post.extra.get("service")
        ]

    def posts(self, channel: str) -> list[ReplicaArticle]:
        """The channel's posts, oldest first (pinned ones included, where they belong)."""
        return sorted(
            (a for a in self.articles if self.channel_of(a) == channel), key=lambda a: int(a.id)
        )

    # -- the pages --------------------------------------------------------------------------
    def handle(self, request: Request) -> Reply:
        """``/s/<channel>[?before=N]``, ``/<channel>/<id>[?embed=1]``, ``/<channel>``."""
        parts = [p for p in request.path.split("/") if p]
        if len(parts) == 2 and parts[0] == "s":
            return self.preview(parts[1], request.arg("before"))
        if len(parts) == 2 and parts[1].isdigit():
            return self.single(parts[0], parts[1], bool(request.arg("embed")))
        if len(parts) == 1:
            return Reply(200, self._page(f'<div class="tgme_page_title">{E(parts[0])}</div>'))
        return Reply(404, b"<html><body>not found</body></html>")

    def preview(self, channel: str, before: str) -> Reply:
        """A page of the channel's posts older than ``before`` (the newest without it)."""
        if channel in self.closed:
            return Reply(302, b"", headers={"Location": f"https://{HOST}/{channel}"})
        posts = self.posts(channel)
        if before.isdigit():
            posts = [p for p in posts if int(p.id) < int(before)]
        shown = posts[-self.page_size :]
        if not shown:
            return Reply(200, self._page('<div class="tme_no_messages_found">No posts</div>'))
        more = ""
        if len(posts) > len(shown) and self.layout != 2:
            more = (
                f'<a class="tme_messages_more js-messages_more" data-before="{shown[0].id}" '
                f'href="/s/{channel}?before={shown[0].id}"></a>'
            )
        pinned = [p for p in self.posts(channel) if p.extra.get("pinned")] if not before else []
        order = list(reversed(shown)) if self.layout == 4 else shown
        messages = "".join(self.message(p) for p in [*pinned, *order])
        history = (
            f'<section class="tgme_channel_history js-message_history">{more}{messages}</section>'
        )
        return Reply(200, self._page(history))

    def single(self, channel: str, post_id: str, embed: bool) -> Reply:
        """One post: its embed widget, or the post page with its ``og:description``."""
        post = next((p for p in self.posts(channel) if p.id == post_id), None)
        if post is None:
            return Reply(404, b"<html><body>not found</body></html>")
        if embed:
            return Reply(200, self._page(self.message(post)))
        meta = f'<meta property="og:description" content="{E(self.text_of(post))}">'
        return Reply(200, self._page('<div class="tgme_page_widget"></div>', meta))

    def _page(self, body: str, head: str = "") -> bytes:
        return (
            f"<!DOCTYPE html><html><head><meta charset=utf-8><title>Telegram</title>{head}"
            f"</head><body>{body}</body></html>"
        ).encode()

    # -- one post ---------------------------------------------------------------------------
    def message(self, post: ReplicaArticle) -> str:
        """A post's widget markup in the replica's layout."""
        channel = self.channel_of(post)
        data_post = f"{channel.capitalize() if self.layout == 2 else channel}/{post.id}"
        service = post.extra.get("service")
        css = "tgme_widget_message text_not_supported_wrap js-widget_message"
        if service:
            return (
                f'<div class="tgme_widget_message_wrap"><div class="{css} service_message" '
                f'data-post="{data_post}"><div class="tgme_widget_message_bubble">'
                f'<div class="tgme_widget_message_text">{E(str(service))}</div>'
                f"{self._footer(post)}</div></div></div>"
            )
        inner = self._media(post) + self._text(post) + self._link_preview(post)
        inner = self._author() + inner + self._footer(post)
        bubble = f'<div class="tgme_widget_message_bubble">{inner}</div>'
        message = f'<div class="{css}" data-post="{data_post}" data-view="x">{bubble}</div>'
        if self.layout == 2:
            return message
        divider = ""
        if self.layout == 4:
            day = post.published.astimezone(ALMATY)
            divider = f'<div class="tgme_widget_message_service_date">{day:%B %d}</div>'
        return (
            f'{divider}<div class="tgme_widget_message_wrap js-widget_message_wrap">{message}</div>'
        )

    def _author(self) -> str:
        head = (
            '<div class="tgme_widget_message_author accent_color">'
            '<a class="tgme_widget_message_owner_name" href="https://t.me/aqorda_resmi">'
            '<span dir="auto">Aqorda</span></a></div>'
        )
        if self.layout == 4:  # a reply to another post, quoted (not the post's own text)
            head += (
                '<a class="tgme_widget_message_reply" href="https://t.me/aqorda_resmi/1">'
                '<div class="tgme_widget_message_author_name">Aqorda</div>'
                '<div class="tgme_widget_message_metatext">'
                "Мемлекет басшысы Жолдау жариялады</div></a>"
            )
        return head

    def _media(self, post: ReplicaArticle) -> str:
        media = post.extra.get("media")
        if media == "video":
            return (
                f'<a class="tgme_widget_message_video_player" href="{self.url_of(post)}">'
                '<i class="tgme_widget_message_video_thumb"></i>'
                '<video class="tgme_widget_message_video" src="https://cdn.example/v.mp4"></video></a>'
            )
        if media:
            return (
                f'<a class="tgme_widget_message_photo_wrap" href="{self.url_of(post)}" '
                "style=\"background-image:url('https://cdn.example/p.jpg')\"></a>"
            )
        return ""

    def _text(self, post: ReplicaArticle) -> str:
        lines = [E(line) for line in self.text_of(post).splitlines()]
        if not lines:
            return ""
        if self.layout in (1, 3):  # bold headline and an emoji before it
            lines[0] = f'<i class="emoji" style="x"><b>🇰🇿</b></i> <b>{lines[0]}</b>'
        for url in post.extra.get("links", []):
            href = E(url).replace("&amp;", "&amp;amp;") if self.layout == 3 else E(url)
            lines.append(f'<a href="{href}" target="_blank" rel="noopener">{E(url)}</a>')
        text = "<br/>".join(lines)
        inner = f'<div class="media_supported_cont">{text}</div>' if self.layout == 2 else text
        return f'<div class="tgme_widget_message_text js-message_text" dir="auto">{inner}</div>'

    def _link_preview(self, post: ReplicaArticle) -> str:
        preview = post.extra.get("preview")
        if not preview:
            return ""
        return (
            f'<a class="tgme_widget_message_link_preview" href="{E(preview["url"])}">'
            '<div class="link_preview_site_name accent_color">Akorda</div>'
            f'<div class="link_preview_title">{E(preview["title"])}</div>'
            f'<div class="link_preview_description">{E(preview.get("description", ""))}</div></a>'
        )

    def _footer(self, post: ReplicaArticle) -> str:
        stamp = post.published.astimezone(ALMATY) if self.layout in (1, 3) else post.published
        when = f'<time datetime="{stamp.isoformat()}" class="time">{stamp:%H:%M}</time>'
        href = f"/{self.channel_of(post)}/{post.id}" if self.layout == 3 else self.url_of(post)
        edited = post.extra.get("edited")
        mark = ""
        if edited and self.layout == 2:
            mark = '<span class="tgme_widget_message_edited">edited</span>'
        elif edited:
            mark = "edited "
        date = f'<a class="tgme_widget_message_date" href="{href}">{when}</a>'
        if self.layout == 2:
            meta = f'{mark}<span class="tgme_widget_message_meta">{date}</span>'
        else:
            meta = f'<span class="tgme_widget_message_meta">{mark}{date}</span>'
        return (
            '<div class="tgme_widget_message_footer compact js-message_footer">'
            '<div class="tgme_widget_message_info short js-message_info">'
            f'<span class="tgme_widget_message_views">12.4K</span>{meta}</div></div>'
        )
