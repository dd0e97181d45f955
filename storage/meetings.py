"""Meeting identity in the database: one meeting per scope and local date, whoever reports it.

The linker finds or creates the meeting each detected meeting belongs to, links the article, fills
fields the first report lacked (recording which article filled them), writes an event for a new
meeting (and a further report, a changed article) once, and, when an article changed, follows
corrections: an akim name fixed, a
meeting that appeared, moved to another region or date, or disappeared.

The akim's name is the one the best-ranked report gives (:func:`name_rank`), so the stored name
does not depend on the order in which the reports were crawled.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from detect.detector import Meeting as Detected
from storage.clock import utcnow
from storage.events import record_event
from storage.identity import (
    DATE_TOLERANCE,
    akim_suffix,
    late_report,
    meeting_key,
    record_scope,
    same_akim,
    scope,
)
from storage.models import Article, Meeting, MeetingArticle
from storage.records import ArticleRecord, SaveResult

ALMATY = ZoneInfo("Asia/Almaty")
NAME_LANGUAGES = ("ru", "en", "kk")
"""Among free (non-gazetteer) names, the report languages whose lemma is kept, best first."""
_NEVER = datetime.max.replace(tzinfo=UTC)


def name_rank(known: bool, article: Article) -> tuple[int, bool, datetime, str]:
    """How well ``article`` names a meeting's akim, lowest best: a gazetteer person before a free
    name, free names by report language (:data:`NAME_LANGUAGES`), then the earliest published
    report; the canonical URL settles a tie whatever the crawl order."""
    languages = (*NAME_LANGUAGES, article.language)
    rank = 0 if known else 1 + languages.index(article.language)
    published = article.published_at or _NEVER
    published = published if published.tzinfo else published.replace(tzinfo=UTC)
    return rank, article.published_at is None, published, article.canonical_url


def _named(sources: dict[str, int], detected: Detected, article: Article) -> dict[str, int]:
    """``sources`` with the akim taken from ``article`` (``akim_person``: a gazetteer person)."""
    named = {field: id_ for field, id_ in sources.items() if field != "akim_person"}
    named["akim"] = article.id
    if detected.akim_known:
        named["akim_person"] = article.id
    return named


def meeting_scope(meeting: Meeting) -> str:
    """The scope of a stored meeting."""
    return scope(meeting.kind, meeting.region, meeting.regions)


def _signature(meetings: Sequence[Meeting]) -> set[tuple[str, str | None]]:
    return {(m.meeting_key, m.akim) for m in meetings}


class MeetingLinker:
    """Links articles to meetings within one session (the caller commits)."""

    def __init__(self, session: Session, notify_max_age: timedelta | None = None) -> None:
        self.session = session
        self.notify_max_age = notify_max_age

    def find(self, record: Detected, published: datetime | None) -> Meeting | None:
        """The stored meeting ``record`` reports: same scope and akim, same or adjacent day."""
        window = (record.day - DATE_TOLERANCE, record.day + DATE_TOLERANCE)
        candidates = self.session.scalars(
            select(Meeting).where(Meeting.local_date.between(*window)).order_by(Meeting.id)
        )
        wanted = record_scope(record)
        matches = [
            m for m in candidates if meeting_scope(m) == wanted and same_akim(m.akim, record.akim)
        ]
        matches.sort(key=lambda m: abs((m.local_date - record.day).days))
        for meeting in matches:
            if self._same_day(meeting, record, published):
                return meeting
        return None

    def _same_day(self, meeting: Meeting, record: Detected, published: datetime | None) -> bool:
        if meeting.local_date == record.day:
            return True
        if record.day > meeting.local_date:
            return late_report(meeting.local_date, published)
        return late_report(record.day, self._first_published(meeting))

    def _first_published(self, meeting: Meeting) -> datetime | None:
        return self.session.scalar(
            select(func.min(Article.published_at))
            .join(MeetingArticle, MeetingArticle.article_id == Article.id)
            .where(MeetingArticle.meeting_id == meeting.id)
        )

    def link(
        self,
        article: Article,
        record: ArticleRecord,
        result: SaveResult,
        *,
        alert: bool,
        changed: bool,
    ) -> None:
        """Link ``article`` to the meetings detected in it; follow corrections when it changed."""
        previous = self.linked(article.id) if changed else []
        before = _signature(previous)
        kept: list[Meeting] = []
        for detected in record.meetings:
            meeting = self._previous_match(previous, kept, detected)
            if meeting is not None:
                self._correct(meeting, detected, article)
            else:
                meeting = self._attach(article, record, detected, previous, kept, result, alert)
            kept.append(meeting)
        if not changed:
            return
        for meeting in previous:
            if meeting not in kept:
                self._unlink(meeting, article)
        if before != _signature(kept):
            key = record_event(
                self.session,
                "article.changed",
                article=article,
                suffix=f"v{article.version}",
                languages=[article.language],
            )
            result.event_keys.extend(filter(None, [key]))

    def linked(self, article_id: int) -> list[Meeting]:
        """The meetings an article is linked to."""
        return list(
            self.session.scalars(
                select(Meeting)
                .join(MeetingArticle, MeetingArticle.meeting_id == Meeting.id)
                .where(MeetingArticle.article_id == article_id)
                .order_by(Meeting.id)
            )
        )

    @staticmethod
    def _previous_match(
        previous: list[Meeting], kept: list[Meeting], detected: Detected
    ) -> Meeting | None:
        for meeting in previous:
            close = abs(meeting.local_date - detected.day) <= DATE_TOLERANCE
            if meeting not in kept and close and meeting_scope(meeting) == record_scope(detected):
                return meeting
        return None

    def _attach(
        self,
        article: Article,
        record: ArticleRecord,
        detected: Detected,
        previous: list[Meeting],
        kept: list[Meeting],
        result: SaveResult,
        alert: bool,
    ) -> Meeting:
        meeting = self.find(detected, record.published_at)
        if meeting is not None:
            if detected.day < meeting.local_date:  # a meeting is never after a report of it
                meeting.local_date, meeting.updated_at = detected.day, utcnow()
            self._fill(meeting, detected, article, record)
            if self._link(meeting, article, detected.evidence):
                result.linked_meetings += 1
                if alert and self._recent(meeting) and self._news(meeting, article):
                    self._announce(meeting, "meeting.updated", article, result)
            return meeting
        movable = [m for m in previous if m not in kept and self._only_link(m, article)]
        if movable:
            self._move(movable[0], detected, article)
            return movable[0]
        meeting = self._create(detected, article, record)
        self._link(meeting, article, detected.evidence)
        result.new_meetings += 1
        if alert and self._recent(meeting):
            self._announce(meeting, "meeting.new", article, result)
        return meeting

    def _new_key(self, detected: Detected) -> str:
        key = meeting_key(detected)
        taken = self.session.scalar(select(Meeting.id).where(Meeting.meeting_key == key))
        return key if taken is None else f"{key}/{akim_suffix(detected.akim)}"

    def _create(self, detected: Detected, article: Article, record: ArticleRecord) -> Meeting:
        meeting = Meeting(
            meeting_key=self._new_key(detected),
            local_date=detected.day,
            region=detected.region,
            regions=list(detected.regions),
            akim=detected.akim,
            kind=detected.kind,
            title=record.title,
            summary=record.lead or _summary(record.body),
            field_sources={"title": article.id},
        )
        if detected.akim:
            meeting.field_sources = _named(meeting.field_sources, detected, article)
        self.session.add(meeting)
        self.session.flush()
        return meeting

    def _move(self, meeting: Meeting, detected: Detected, article: Article) -> None:
        """A correction moved the only report of a meeting to another scope or date."""
        meeting.meeting_key = self._new_key(detected)
        meeting.local_date, meeting.kind = detected.day, detected.kind
        meeting.region, meeting.regions = detected.region, list(detected.regions)
        meeting.akim = detected.akim
        meeting.field_sources = {
            **_named(meeting.field_sources, detected, article),
            "scope": article.id,
        }
        meeting.updated_at = utcnow()
        self.session.flush()

    def _correct(self, meeting: Meeting, detected: Detected, article: Article) -> None:
        """Take a corrected akim name from the article that supplied it, or from an article that
        names the akim better (or fill a gap)."""
        sources = dict(meeting.field_sources or {})
        corrected = sources.get("akim") == article.id and detected.akim != meeting.akim
        if detected.akim and (corrected or self._better(meeting, detected, article)):
            meeting.akim, meeting.field_sources = detected.akim, _named(sources, detected, article)
            meeting.updated_at = utcnow()

    def _fill(
        self, meeting: Meeting, detected: Detected, article: Article, record: ArticleRecord
    ) -> None:
        sources = dict(meeting.field_sources or {})
        if self._better(meeting, detected, article):
            meeting.akim, sources = detected.akim, _named(sources, detected, article)
        if not meeting.summary and (record.lead or record.body):
            meeting.summary, sources["summary"] = record.lead or _summary(record.body), article.id
        if not meeting.title and record.title:
            meeting.title, sources["title"] = record.title, article.id
        if sources != meeting.field_sources:
            meeting.field_sources, meeting.updated_at = sources, utcnow()

    def _better(self, meeting: Meeting, detected: Detected, article: Article) -> bool:
        """Whether ``article`` names the akim differently and better than the stored name's report
        (always, when no name or no report of it is stored)."""
        if not detected.akim or detected.akim == meeting.akim:
            return False
        sources = meeting.field_sources or {}
        source = self.session.get(Article, sources["akim"]) if "akim" in sources else None
        if not meeting.akim or source is None:
            return True
        stored = name_rank("akim_person" in sources, source)
        return name_rank(detected.akim_known, article) < stored

    def _only_link(self, meeting: Meeting, article: Article) -> bool:
        others = self.session.scalar(
            select(func.count())
            .select_from(MeetingArticle)
            .where(MeetingArticle.meeting_id == meeting.id, MeetingArticle.article_id != article.id)
        )
        return not others

    def _link(self, meeting: Meeting, article: Article, evidence: str) -> bool:
        """Link once; True when the link is new."""
        if self.session.get(MeetingArticle, (meeting.id, article.id)) is not None:
            return False
        self.session.add(
            MeetingArticle(meeting_id=meeting.id, article_id=article.id, evidence=evidence)
        )
        self.session.flush()
        return True

    def _unlink(self, meeting: Meeting, article: Article) -> None:
        """The article no longer reports the meeting (the meeting row stays: alerts refer to it)."""
        self.session.execute(
            delete(MeetingArticle).where(
                MeetingArticle.meeting_id == meeting.id, MeetingArticle.article_id == article.id
            )
        )
        self.session.expire(meeting, ["links"])

    def _recent(self, meeting: Meeting) -> bool:
        """The meeting's local day is within ``notify_max_age`` of now: old news stays quiet."""
        if self.notify_max_age is None:
            return True
        return meeting.local_date >= (utcnow() - self.notify_max_age).astimezone(ALMATY).date()

    def _news(self, meeting: Meeting, article: Article) -> bool:
        """A further report is news to a reader only from an outlet and language not seen yet."""
        others = self.session.execute(
            select(Article.source, Article.language, Article.canonical_url)
            .join(MeetingArticle, MeetingArticle.article_id == Article.id)
            .where(MeetingArticle.meeting_id == meeting.id, MeetingArticle.article_id != article.id)
        ).all()
        return all(
            (source, language) != (article.source, article.language)
            and url != article.canonical_url
            for source, language, url in others
        )

    def _announce(
        self, meeting: Meeting, event_type: str, article: Article, result: SaveResult
    ) -> None:
        update = event_type == "meeting.updated"
        key = record_event(
            self.session,
            event_type,
            meeting=meeting,
            article=article if update else None,
            suffix=f"article{article.id}" if update else "",
            languages=[article.language],
        )
        result.event_keys.extend(filter(None, [key]))


def _summary(body: str, limit: int = 300) -> str:
    text = " ".join(body.split())
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"
