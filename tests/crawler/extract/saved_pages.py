"""Shared scaffolding of the saved-page tests: fixture files, their expected JSON, plain values.

Each ``sources/<source>/fixtures/<name>.html|xml`` has a ``<name>.json`` with the page URL, the
kind of page and the expected fields; ``body_lacks`` lists boilerplate that must not leak into
the body.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

from crawler.extract.types import Extracted, ListingEntry

ROOT = Path(__file__).resolve().parents[3] / "sources"


def cases(source: str) -> list[Path]:
    """The expected-JSON files of one source's saved pages, in name order."""
    return sorted((ROOT / source / "fixtures").glob("*.json"))


def load(case: Path) -> tuple[dict[str, Any], bytes]:
    """A case's spec and the saved page it describes."""
    page = next(p for p in case.parent.glob(case.stem + ".*") if p.suffix != ".json")
    return json.loads(case.read_text("utf-8")), page.read_bytes()


def iso(value: datetime | None) -> str | None:
    """A datetime as the JSON files write it."""
    return value.isoformat() if value else None


def article_fields(extracted: Extracted) -> dict[str, Any]:
    """The fields of an extracted article that the JSON files pin down."""
    return {
        "title": extracted.title,
        "lead": extracted.lead,
        "body": extracted.body,
        "published_at": iso(extracted.published_at),
        "author": extracted.author,
        "tags": extracted.tags,
        "language": extracted.language,
        "source_id": extracted.source_id,
    }


def entries(found: list[ListingEntry]) -> list[dict[str, Any]]:
    """Listing or feed entries as plain dicts."""
    return [{"url": e.url, "title": e.title, "published_at": iso(e.published_at)} for e in found]


def check_article(extracted: Extracted, spec: dict[str, Any]) -> None:
    """The article matches its expected fields and no listed boilerplate leaked into its text."""
    assert article_fields(extracted) == spec["expected"]
    for leak in spec["body_lacks"]:
        assert leak not in f"{extracted.lead}\n{extracted.body}", leak
