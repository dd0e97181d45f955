"""Human wording of notifications: region names in the Russian genitive, kinds, dates, subjects."""

from __future__ import annotations

from datetime import date
from typing import Any

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

# Canonical English region name (lower case) -> the Russian genitive ("акима ... ").
RU_GENITIVE = {
    "abai": "области Абай",
    "akmola": "Акмолинской области",
    "aktobe": "Актюбинской области",
    "almaty region": "Алматинской области",
    "atyrau": "Атырауской области",
    "east kazakhstan": "Восточно-Казахстанской области",
    "jambyl": "Жамбылской области",
    "jetisu": "области Жетісу",
    "west kazakhstan": "Западно-Казахстанской области",
    "karaganda": "Карагандинской области",
    "kostanay": "Костанайской области",
    "kyzylorda": "Кызылординской области",
    "mangystau": "Мангистауской области",
    "pavlodar": "Павлодарской области",
    "north kazakhstan": "Северо-Казахстанской области",
    "turkistan": "Туркестанской области",
    "ulytau": "области Ұлытау",
    "astana": "города Астаны",
    "almaty": "города Алматы",
    "shymkent": "города Шымкента",
}
ALIASES = {"abay": "abai", "zhambyl": "jambyl", "zhetysu": "jetisu", "turkestan": "turkistan"}

KIND_LABELS = {
    "ru": {"reception": "приём", "working_trip": "рабочая поездка", "collective": "совещание"},
    "en": {"reception": "reception", "working_trip": "working trip", "collective": "meeting"},
}


def short_date(value: str | date) -> str:
    """``21 Mar 2026`` from a date or an ISO ``YYYY-MM-DD`` string, independent of the locale."""
    day = date.fromisoformat(value) if isinstance(value, str) else value
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def ru_genitive(region: str) -> str:
    """The region in the Russian genitive, or ``региона <name>`` when it is not in the table."""
    key = region.strip().lower()
    if key not in RU_GENITIVE and key != "almaty region":
        key = key.removesuffix(" region").removesuffix(" oblast").strip()
    key = ALIASES.get(key, key)
    return RU_GENITIVE.get(key, f"региона {region}")


def kind_label(kind: str, language: str) -> str:
    """A short human label for a meeting kind."""
    return KIND_LABELS[language].get(kind, kind)


def meeting_subject(meeting: dict[str, Any], language: str) -> str:
    """E.g. ``Токаев принял акима Карагандинской области: Karaganda, 21 Mar 2026``."""
    region = meeting.get("region")
    place = region or ", ".join(meeting.get("regions") or []) or "Kazakhstan"
    when = short_date(meeting["date"])
    if language == "en":
        if meeting["kind"] == "collective" or not region:
            return f"Tokayev met regional akims: {place}, {when}"
        verb = "received" if meeting["kind"] == "reception" else "met"
        return f"Tokayev {verb} the akim of {region}: {place}, {when}"
    if meeting["kind"] == "collective" or not region:
        return f"Токаев провёл совещание с акимами регионов: {place}, {when}"
    if meeting["kind"] == "reception":
        return f"Токаев принял акима {ru_genitive(region)}: {place}, {when}"
    return f"Токаев встретился с акимом {ru_genitive(region)}: {place}, {when}"


def subject(document: dict[str, Any], language: str) -> str:
    """The subject line (email) or title (Apprise) of a notification document, on one line."""
    kind = document["type"]
    en = language == "en"
    if kind == "meeting.new":
        text = meeting_subject(document["meeting"], language)
    elif kind == "meeting.updated":
        prefix = "Update: " if en else "Обновление: "
        text = prefix + meeting_subject(document["meeting"], language)
    elif kind == "digest":
        count = len(document["meetings"])
        text = (
            f"akimwatch digest: {count} meeting(s)" if en else f"Сводка akimwatch: встреч {count}"
        )
    elif kind == "article.changed":
        text = ("Article changed: " if en else "Статья изменена: ") + document["article"]["title"]
    else:
        text = f"[akimwatch] {document['health']['subject']}"
    return " ".join(text.split())
