"""JSON-lines classification: one ``akimwatch classify`` input object -> one output object."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Iterator

from detect.detector import detect
from detect.normalize import detect_language

LANGUAGES = frozenset({"ru", "kk", "en"})


class RecordError(ValueError):
    """An input record that cannot be classified."""


def _text_field(record: dict, name: str, required: bool) -> str:
    value = record.get(name)
    if value is None and not required:
        return ""
    if not isinstance(value, str):
        raise RecordError(f"field {name!r} must be a string")
    return value


def parse_published(value: object) -> dt.datetime | None:
    """An ISO date or date-time (naive means Asia/Almaty local time), or None."""
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise RecordError("field 'published' must be an ISO date string or null")
    try:
        return dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError as exc:
        raise RecordError(f"field 'published' is not an ISO date: {value!r}") from exc


def classify_record(record: dict) -> dict:
    """Classify one record (``id``, ``title``, ``text``, optional ``url``, ``published``,
    ``language``) into ``{"id", "relevant", "meetings"}``; raises RecordError on bad input."""
    if not isinstance(record, dict):
        raise RecordError("a record must be a JSON object")
    title = _text_field(record, "title", required=False)
    text = _text_field(record, "text", required=True)
    published = parse_published(record.get("published"))
    language = record.get("language")
    if language not in LANGUAGES:
        language = detect_language(title, text)
    meetings = detect(title, text, published=published, language=language)
    return {
        "id": record.get("id"),
        "relevant": bool(meetings),
        "meetings": [m.to_dict() for m in meetings],
    }


def classify_line(line: str) -> dict:
    """Classify one JSON line; a bad line gives ``{"id": ..., "error": ...}``."""
    try:
        record = json.loads(line)
    except ValueError as exc:
        return {"id": None, "error": f"invalid JSON: {exc}"}
    rid = record.get("id") if isinstance(record, dict) else None
    try:
        return classify_record(record)
    except RecordError as exc:
        return {"id": rid, "error": str(exc)}
    except (RecursionError, MemoryError, ValueError, TypeError) as exc:
        return {"id": rid, "error": f"cannot classify: {type(exc).__name__}: {exc}"}


def classify_lines(lines: Iterable[str]) -> Iterator[str]:
    """JSON lines in, JSON lines out, in the same order (blank lines are skipped)."""
    for line in lines:
        if not line.strip():
            continue
        yield json.dumps(classify_line(line), ensure_ascii=False)
