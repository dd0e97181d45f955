"""Rendering a notification document to text and HTML with Jinja2 (HTML autoescaped)."""

from __future__ import annotations

from functools import cache
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined

from core.config import ChannelConfig
from notify import text

LABELS = {
    "ru": {
        "region": "Регион",
        "akim": "Аким",
        "kind": "Тип",
        "date": "Дата",
        "sources": "Источники",
        "evidence": "Из сообщения",
        "added": "Новые сообщения",
    },
    "en": {
        "region": "Region",
        "akim": "Akim",
        "kind": "Kind",
        "date": "Date",
        "sources": "Sources",
        "evidence": "From the report",
        "added": "New reports",
    },
}


def language_for(channel: ChannelConfig) -> str:
    """English when the channel asks for English and not Russian; Russian otherwise."""
    wanted = set(channel.languages)
    return "en" if "en" in wanted and "ru" not in wanted else "ru"


@cache
def _environment(html: bool) -> Environment:
    return Environment(
        loader=PackageLoader("notify", "templates"),
        autoescape=html,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def _context(document: dict[str, Any], language: str) -> dict[str, Any]:
    return {
        "doc": document,
        "language": language,
        "subject": text.subject(document, language),
        "t": LABELS[language],
        "short_date": text.short_date,
        "kind_label": lambda kind: text.kind_label(kind, language),
        "subject_of": lambda meeting: text.meeting_subject(meeting, language),
        "evidence_of": text.evidence,
        "added": document.get("added") or [],
    }


def render(document: dict[str, Any], language: str) -> tuple[str, str, str]:
    """(subject, plain text, HTML) of a document in ``ru`` or ``en``."""
    context = _context(document, language)
    plain = _environment(False).get_template("email.txt.j2").render(context)
    html = _environment(True).get_template("email.html.j2").render(context)
    return context["subject"], plain, html
