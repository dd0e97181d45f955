"""Meeting identity: one meeting per President–region(s)–local date, whoever reports it."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.clock import utcnow
from storage.models import Article, Meeting, MeetingArticle
from storage.outbox import enqueue
from storage.records import ArticleRecord, MeetingRecord, Router, SaveResult

DATE_TOLERANCE = timedelta(days=1)


def meeting_key(record: MeetingRecord) -> str:
    """``YYYY-MM-DD/Region`` or ``YYYY-MM-DD/collective:RegionA+RegionB`` (or ``collective:all``)."""
    if record.kind == "collective" or record.region is None:
        scope = "+".join(sorted(record.regions)) or "all"
        return f"{record.date.isoformat()}/collective:{scope}"
    return f"{record.date.isoformat()}/{record.region}"


def _scope(meeting: Meeting | MeetingRecord) -> tuple[str | None, tuple[str, ...]]:
    if meeting.kind == "collective" or meeting.region is None:
        return None, tuple(sorted(meeting.regions))
    return meeting.region, ()


class MeetingLinker:
    """Finds or creates the meeting each detected meeting belongs to and links the article."""

    def __init__(self, session: Session, router: Router) -> None:
        self.session = session
        self.router = router

    def find(self, record: MeetingRecord) -> Meeting | None:
        """The stored meeting for ``record``: same scope, local date within a day."""
        exact = self.session.scalar(
            select(Meeting).where(Meeting.meeting_key == meeting_key(record))
        )
        if exact is not None:
            return exact
        window = (record.date - DATE_TOLERANCE, record.date + DATE_TOLERANCE)
        candidates = self.session.scalars(
            select(Meeting).where(Meeting.local_date.between(*window)).order_by(Meeting.id)
        )
        for meeting in candidates:
            if _scope(meeting) == _scope(record) and self._same_akim(meeting, record):
                return meeting
        return None

    @staticmethod
    def _same_akim(meeting: Meeting, record: MeetingRecord) -> bool:
        if not meeting.akim or not record.akim:
            return True
        return meeting.akim.split()[-1][:5].lower() == record.akim.split()[-1][:5].lower()

    def link(
        self,
        article: Article,
        record: ArticleRecord,
        result: SaveResult,
        *,
        alert: bool,
        changed: bool,
    ) -> None:
        """Link ``article`` to the meetings detected in it, creating and announcing new ones."""
        for detected in record.meetings:
            meeting = self.find(detected)
            if meeting is None:
                meeting = self._create(detected, article, record)
                self._link(meeting, article, detected.evidence)
                result.new_meetings += 1
                if alert:
                    result.outbox_rows += self._announce(meeting, "meeting.new", record.language)
                continue
            self._fill(meeting, detected, article, record)
            if self._link(meeting, article, detected.evidence):
                result.linked_meetings += 1
                result.outbox_rows += enqueue(
                    self.session,
                    self.router,
                    "meeting.updated",
                    meeting=meeting,
                    suffix=f"article{article.id}",
                    languages=[article.language],
                )
        if changed:
            result.outbox_rows += self._article_changed(article, record)

    def _create(self, detected: MeetingRecord, article: Article, record: ArticleRecord) -> Meeting:
        meeting = Meeting(
            meeting_key=meeting_key(detected),
            local_date=detected.date,
            region=detected.region,
            regions=list(detected.regions),
            akim=detected.akim,
            kind=detected.kind,
            title=record.title,
            summary=record.lead or _summary(record.body),
            field_sources={"title": article.id, **({"akim": article.id} if detected.akim else {})},
        )
        self.session.add(meeting)
        self.session.flush()
        return meeting

    def _fill(
        self, meeting: Meeting, detected: MeetingRecord, article: Article, record: ArticleRecord
    ) -> None:
        sources = dict(meeting.field_sources or {})
        if not meeting.akim and detected.akim:
            meeting.akim, sources["akim"] = detected.akim, article.id
        if not meeting.summary and (record.lead or record.body):
            meeting.summary, sources["summary"] = record.lead or _summary(record.body), article.id
        meeting.field_sources = sources
        meeting.updated_at = utcnow()

    def _link(self, meeting: Meeting, article: Article, evidence: str) -> bool:
        """Link once; True when the link is new."""
        if self.session.get(MeetingArticle, (meeting.id, article.id)) is not None:
            return False
        self.session.add(
            MeetingArticle(meeting_id=meeting.id, article_id=article.id, evidence=evidence)
        )
        self.session.flush()
        return True

    def _announce(self, meeting: Meeting, event_type: str, language: str) -> int:
        return enqueue(self.session, self.router, event_type, meeting=meeting, languages=[language])

    def _article_changed(self, article: Article, record: ArticleRecord) -> int:
        if not article.relevant and not record.meetings:
            return 0
        return enqueue(
            self.session,
            self.router,
            "article.changed",
            article=article,
            suffix=f"v{article.version}",
            languages=[article.language],
        )


def _summary(body: str, limit: int = 300) -> str:
    text = " ".join(body.split())
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"


def meetings_between(session: Session, since: date, until: date) -> list[Meeting]:
    """Meetings whose local date lies in [since, until], oldest first."""
    return list(
        session.scalars(
            select(Meeting)
            .where(Meeting.local_date.between(since, until))
            .order_by(Meeting.local_date, Meeting.id)
        )
    )
