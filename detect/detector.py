"""The detector: which meetings of the President with a regional akim an article reports."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from detect.assemble import Article, Draft, assemble
from detect.dates import local_date, meeting_date
from detect.gazetteer import gazetteer
from detect.names import akim_in
from detect.normalize import MAX_CHARS, detect_language, fold, latin_variant, strip_html
from detect.rules import analyse
from detect.segment import Sentence, sentences

logger = logging.getLogger(__name__)
KINDS = ("reception", "working_trip", "collective")
_EVIDENCE_CHARS = 700


@dataclass(frozen=True)
class Meeting:
    """One meeting of the President with the akim of a region (or with several akims): what
    detection finds, what the store pipeline completes (an undated meeting takes its article's
    date, ``akim_known`` is set) and what storage files."""

    kind: str
    date: dt.date | None
    region: str | None = None
    regions: tuple[str, ...] = ()
    akim: str | None = None
    evidence: str = ""
    akim_known: bool = False
    """``akim`` is the key of a gazetteer person (else a name as written, in the nominative)."""

    @property
    def day(self) -> dt.date:
        """The local date the meeting is filed under; storage takes dated meetings only."""
        if self.date is None:
            raise ValueError("an undated meeting cannot be stored: give it its article's date")
        return self.date

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready dict of the meeting."""
        return {
            "region": self.region,
            "regions": list(self.regions),
            "akim": self.akim,
            "kind": self.kind,
            "date": self.date.isoformat() if self.date else None,
            "evidence": self.evidence,
        }


def _akim_name(
    sents: list[Sentence], folded: list[str], draft: Draft, day: dt.date | None
) -> str | None:
    """The akim in the nominative: the gazetteer person's key, else the name the text gives
    (searched in the evidence, then the title, then the rest of the article)."""
    if draft.person is not None or draft.region is None:
        return draft.person
    titles = [i for i, s in enumerate(sents) if s.is_title]
    order = list(dict.fromkeys([*draft.evidence, *titles, *range(len(sents))]))
    texts = [(sents[i].text, folded[i]) for i in order]
    language = detect_language(sents[0].text, " ".join(s.text for s in sents[1:6]))
    return akim_in(texts, draft.region, day, language)


def _meeting(sents: list[Sentence], folded: list[str], art: Article, d: Draft) -> Meeting:
    texts = [folded[i] for i in d.evidence] + folded[:3]
    day = meeting_date(texts, art.published)
    evidence = " … ".join(sents[i].text for i in d.evidence)[:_EVIDENCE_CHARS]
    if d.person and d.region and (note := art.gaz.check(d.person, d.region, day)):
        logger.info("%s (evidence: %s)", note, evidence[:120])  # the evidence stays the source's
    akim = _akim_name(sents, folded, d, day)
    return Meeting(d.kind, day, d.region, d.regions, akim, evidence)


def detect(
    title: str,
    text: str,
    *,
    published: dt.datetime | None = None,
    language: str | None = None,
) -> list[Meeting]:
    """Meetings of the President with regional akims reported by an article (may be empty)."""
    title = strip_html(title or "")[:2000].replace("\u00ad", "")
    text = strip_html((text or "")[:MAX_CHARS]).replace("\u00ad", "")
    sents = sentences(title, text)
    if not sents:
        return []
    sample = (title + " " + text[:4000]).lower()
    variant = None if language in ("ru", "en") else latin_variant(sample)
    folded = [fold(s.text, variant) for s in sents]
    gaz = gazetteer()
    on = local_date(published)
    facts = [analyse(f, s.index, s.is_title, gaz, on) for s, f in zip(sents, folded, strict=True)]
    art = Article(facts, on, gaz)
    return [_meeting(sents, folded, art, d) for d in assemble(art)]
