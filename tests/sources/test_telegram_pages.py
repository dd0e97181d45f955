"""The Telegram preview's page objects over saved pages (``sources/telegram/fixtures``: the page
and what it must give) and over small pages written here for the markup's odd corners."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from scrapy.http import HtmlResponse, Request

from sources.telegram import article_id
from sources.telegram.pages import ChannelPage

FIXTURES = Path(__file__).resolve().parents[2] / "sources" / "telegram" / "fixtures"
SAVED = sorted(FIXTURES.glob("*.expected.json"))


def response(url: str, body: str | bytes, redirected_from: str | None = None) -> HtmlResponse:
    meta = {"redirect_urls": [redirected_from]} if redirected_from else {}
    data = body.encode() if isinstance(body, str) else body
    return HtmlResponse(url, body=data, encoding="utf-8", request=Request(url, meta=meta))


def post(inner: str, data_post: str = "aqorda_resmi/7", meta: str = "") -> str:
    return (
        f'<html><body><div class="tgme_widget_message" data-post="{data_post}">'
        f'{inner}<span class="tgme_widget_message_meta">{meta}'
        '<a class="tgme_widget_message_date" href="https://t.me/aqorda_resmi/7">'
        '<time datetime="2026-03-21T15:04:05+05:00">15:04</time></a></span></div></body></html>'
    )


def test_the_saved_pages_cover_the_markup_variants() -> None:
    """The saved pages (checked with every source's by ``test_saved_pages``) hold an edit, a
    link, both languages, a refusal and an empty channel."""
    every = [json.loads(p.read_text(encoding="utf-8")) for p in SAVED]
    previews = [doc for doc in every if "posts" in doc]
    posts = [post for doc in previews for post in doc["posts"]]
    assert any(post["edited"] for post in posts) and any(post["links"] for post in posts)
    assert {post["language"] for post in posts} == {"kk", "ru"}
    assert any(doc["refused"] for doc in previews) and any(doc["empty"] for doc in previews)


def test_a_redirect_away_from_the_preview_is_a_refusal() -> None:
    refused = response("https://t.me/closed", "<html></html>", "https://t.me/s/closed")
    assert ChannelPage(refused).to_record().refused
    served = response("https://t.me/s/open", "<html></html>", "https://t.me/s/Open")
    assert not ChannelPage(served).to_record().refused


def test_time_is_read_with_its_offset_and_a_time_without_one_is_none() -> None:
    (found,) = (
        ChannelPage(
            response("https://t.me/s/x", post("<div class=tgme_widget_message_text>Мәтін</div>"))
        )
        .to_record()
        .posts
    )
    assert (
        found.published_at is not None
        and found.published_at.isoformat() == "2026-03-21T10:04:05+00:00"
    )
    naive = post("<div class=tgme_widget_message_text>Мәтін</div>").replace("+05:00", "")
    (undated,) = ChannelPage(response("https://t.me/s/x", naive)).to_record().posts
    assert undated.published_at is None


def test_title_skips_emoji_and_is_cut_at_a_word() -> None:
    words = " ".join(["Глава государства принял акима области"] * 6)
    text = f'<div class="tgme_widget_message_text"><i class="emoji"><b>⚡️</b></i> {words}</div>'
    (found,) = ChannelPage(response("https://t.me/s/x", post(text))).to_record().posts
    assert found.title.startswith("Глава государства") and found.title.endswith("…")
    assert len(found.title) <= 141 and not found.title[:-1].endswith(" ")


def test_links_are_unescaped_absolute_and_the_edited_mark_is_read() -> None:
    text = (
        '<div class="tgme_widget_message_text">Толығырақ: '
        '<a href="https://www.akorda.kz/kz/a-1?x=1&amp;amp;y=2">сайтта</a> '
        '<a href="tg://resolve?domain=x">x</a></div>'
    )
    (found,) = (
        ChannelPage(response("https://t.me/s/x", post(text, meta="edited "))).to_record().posts
    )
    assert found.links == ("https://www.akorda.kz/kz/a-1?x=1&y=2",)
    assert found.edited


def test_service_messages_and_bare_media_are_skipped_and_counted() -> None:
    page = ChannelPage(
        response(
            "https://t.me/s/x",
            '<div class="tgme_widget_message service_message" data-post="x/1">'
            '<div class="tgme_widget_message_text">Channel photo updated</div></div>'
            '<div class="tgme_widget_message" data-post="x/2">'
            '<a class="tgme_widget_message_photo_wrap" href="https://t.me/x/2"></a></div>'
            '<div class="tgme_widget_message" data-post="x/three"></div>',
        )
    )
    preview = page.to_record()
    assert preview.posts == []
    assert preview.skipped == {"service": 1, "media_only": 1, "bad_post_id": 1}


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://t.me/aqorda_resmi/9015", "aqorda_resmi/9015"),
        ("https://t.me/s/Aqorda_Resmi/9015?embed=1", "aqorda_resmi/9015"),
        ("https://t.me/aqorda_resmi", None),
        ("https://t.me/s/aqorda_resmi?before=9", None),
    ],
)
def test_article_id_is_channel_and_post(url: str, expected: str | None) -> None:
    assert article_id(url) == expected
