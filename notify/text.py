"""Human wording of notifications: region names, kinds, dates, subjects quoting the source."""

from __future__ import annotations

from datetime import date
from typing import Any

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

# Canonical English region name (lower case) -> its Russian name, for Russian subjects.
RU_REGIONS = {
    "abai": "область Абай",
    "akmola": "Акмолинская область",
    "aktobe": "Актюбинская область",
    "almaty region": "Алматинская область",
    "atyrau": "Атырауская область",
    "east kazakhstan": "Восточно-Казахстанская область",
    "jambyl": "Жамбылская область",
    "jetisu": "область Жетісу",
    "west kazakhstan": "Западно-Казахстанская область",
    "karaganda": "Карагандинская область",
    "kostanay": "Костанайская область",
    "kyzylorda": "Кызылординская область",
    "mangystau": "Мангистауская область",
    "pavlodar": "Павлодарская область",
    "north kazakhstan": "Северо-Казахстанская область",
    "turkistan": "Туркестанская область",
    "ulytau": "область Улытау",
    "astana": "Астана",
    "almaty": "Алматы",
    "shymkent": "Шымкент",
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


def region_name(region: str, language: str) -> str:
    """The region as a reader of ``language`` names it (Russian from the table, else as given)."""
    if language == "en":
        return region
    key = region.strip().lower()
    if key not in RU_REGIONS and key != "almaty region":
        key = key.removesuffix(" region").removesuffix(" oblast").strip()
    return RU_REGIONS.get(ALIASES.get(key, key), region)


def kind_label(kind: str, language: str) -> str:
    """A short human label for a meeting kind."""
    return KIND_LABELS[language].get(kind, kind)


QUOTES = {"ru": ("«", "»"), "en": ("\u201c", "\u201d")}
HEADLINE_LIMIT = 160


def place(meeting: dict[str, Any], language: str) -> str:
    """The region of a meeting, or the regions of a collective one, or Kazakhstan."""
    regions = [meeting["region"]] if meeting.get("region") else meeting.get("regions") or []
    names = [region_name(region, language) for region in regions]
    return ", ".join(names) or ("Kazakhstan" if language == "en" else "Казахстан")


def first_headline(meeting: dict[str, Any]) -> str:
    """The headline of the first report of a meeting (its articles are oldest first)."""
    articles = meeting.get("articles") or []
    title = (articles[0].get("title") if articles else "") or meeting.get("title") or ""
    title = " ".join(str(title).split())
    if len(title) > HEADLINE_LIMIT:
        title = title[: HEADLINE_LIMIT - 1].rstrip() + "…"
    return title


def evidence(meeting: dict[str, Any]) -> str:
    """The sentence that decided the meeting: the evidence of its first report that has one."""
    for article in meeting.get("articles") or []:
        if article.get("evidence"):
            return " ".join(str(article["evidence"]).split())
    return ""


def meeting_subject(meeting: dict[str, Any], language: str) -> str:
    """Region and kind, then the first report's own headline quoted; no sentence of our own.

    E.g. ``Карагандинская область, приём: «Глава государства принял акима региона»``.
    """
    head = f"{place(meeting, language)}, {kind_label(meeting['kind'], language)}"
    headline = first_headline(meeting)
    if not headline:
        return f"{head}, {short_date(meeting['date'])}"
    opening, closing = QUOTES["en" if language == "en" else "ru"]
    return f"{head}: {opening}{headline}{closing}"


def subject(document: dict[str, Any], language: str) -> str:
    """The subject line (email) or title (Apprise) of a notification document, on one line."""
    kind = document["type"]
    en = language == "en"
    if kind == "meeting.new":
        text = meeting_subject(document["meeting"], language)
    elif kind == "meeting.updated":
        added = len(document.get("added") or [])
        prefix = ("Update" if en else "Обновление") + (f" (+{added})" if added else "")
        text = f"{prefix}: {meeting_subject(document['meeting'], language)}"
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
