"""Per-sentence analysis: who is the subject, which relation verbs occur, which akims are named.

A sentence is only evidence when the President himself (not a minister, the First President or a
foreign head of state) is in it as subject or as the one reported to, so that the President and
the akim are related within one sentence of the article's main text.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from detect import akim_words as aw
from detect import context_words as cw
from detect import lexicon as lx
from detect.gazetteer import REPUBLICAN_CITIES, Gazetteer, RegionMention

_PAIR_AFTER = 45
_PAIR_BEFORE = 30
_NAME_ATTACH = 45
_HINT_GAP = 12
_TRIP_REACH = 60
"""Characters between a trip verb and the region it goes to."""
CONTEXT_SENTENCES = 3
"""Sentences after the title whose regions give the article's context."""


@dataclass(slots=True)
class AkimRef:
    """An akim named in a sentence: by region, by name, or generically ("the governor")."""

    start: int
    region: str | None = None
    person: str | None = None
    plural: bool = False
    regions: tuple[str, ...] = ()
    excluded: bool = False
    everyone: bool = False
    """A plural said to be all akims ("всех акимов", "all governors")."""
    taking_part: bool = False
    """Named as a participant of a meeting ("с акимом", "әкімдерімен", "with governors")."""


@dataclass(slots=True)
class Facts:
    """What one sentence says, as far as the rules are concerned."""

    index: int
    is_title: bool
    pres_nom: bool = False
    pres_obl: bool = False
    pres_acc: bool = False
    blocked: bool = False
    phone: bool = False
    future: bool = False
    today: bool = False
    gov_session: bool = False
    decree: bool = False
    resignation: bool = False
    report_by_akim: bool = False
    receive: bool = False
    akim_says: bool = False
    on_site: bool = False
    meet: bool = False
    meet_with: bool = False
    discipline: bool = False
    nazarbayev: bool = False
    text: str = ""
    recap: bool = False
    medium: bool = False
    report: bool = False
    accompany: bool = False
    instruct: bool = False
    collective: bool = False
    separate: bool = False
    trip_regions: tuple[str, ...] = ()
    trip_background: bool = False
    trip_unplaced: bool = False
    regions: list[RegionMention] = field(default_factory=list)
    refs: list[AkimRef] = field(default_factory=list)

    @property
    def president(self) -> bool:
        """The President is in the sentence as subject or addressee."""
        return (self.pres_nom or self.pres_obl) and not self.blocked


_LIST_SEP = re.compile(r"\s*(?:,|,? и|,? және|,? мен|,? пен|,? and)\s*")


_OUTLET = re.compile(r"\.(?:tv|kz|info|com|ru|net)(?![\w-])|\s+(?:tv|тв)(?![\w-])")
"""A region name that is part of an outlet's name ("Almaty.tv", "Astana TV")."""


def listed_forms(
    text: str, mentions: list[RegionMention], bare: Sequence[RegionMention] = ()
) -> list[RegionMention]:
    """Bare names listed before a region form ("Павлодар, Қостанай және Атырау облыстарының")
    share that form; a ``bare`` name (one that names a region only there: "Жамбыл", or "Алматы"
    for the region) stands in such a list for whatever else it would be; outlets are left out."""
    out = [m for m in mentions if not _OUTLET.match(text, m.end)]
    alias = {(m.start, m.end): m for m in bare}
    extra = [m for m in bare if not any(x.start < m.end and m.start < x.end for x in out)]
    out = sorted([*out, *extra], key=lambda m: m.start)
    keep = [m not in extra for m in out]
    for i in range(len(out) - 2, -1, -1):
        here, after = out[i], out[i + 1]
        if not (
            keep[i + 1] and after.is_form and _LIST_SEP.fullmatch(text[here.end : after.start])
        ):
            continue
        if (here.start, here.end) in alias:
            out[i], keep[i] = alias[here.start, here.end], True
        elif not here.is_form:
            out[i] = replace(here, is_form=True)
    return [m for m, kept in zip(out, keep, strict=True) if kept]


def _others_masked(scene: str) -> str:
    """The sentence with presidents of other bodies ("President of the Academy") blanked."""
    if "президент" not in scene and "president" not in scene:
        return scene
    for m in lx.PRES_NOM.finditer(scene):
        after = cw.OTHER_PRESIDENT_AFTER.match(scene, m.end())
        before = cw.OTHER_PRESIDENT_BEFORE.search(scene[max(0, m.start() - 40) : m.start()])
        if after or before:
            scene = scene[: m.start()] + " " * (m.end() - m.start()) + scene[m.end() :]
    return scene


def _first(pattern: re.Pattern[str], text: str) -> int:
    m = pattern.search(text)
    return m.start() if m else -1


def _blocked(text: str, pres_pos: int) -> bool:
    if lx.FIRST_PRESIDENT.search(text):
        return True
    sources: list[tuple[int, int]] | None = None
    for m in lx.OTHER_ACTOR.finditer(text):
        if sources is None:
            sources = [s.span() for s in cw.PRESS_SOURCE.finditer(text)]
        if any(start <= m.start() < end for start, end in sources):
            continue
        return pres_pos < 0 or m.start() <= pres_pos
    return False


_KAZAKH_AKIM = ("әкім", "өңір", "облыс басшы", "аимақ")
"""Kazakh names its akim's region before him ("Түркістан облысының әкімі"), never after."""


def _pair_region(text: str, start: int, end: int, mentions: list[RegionMention]) -> str | None:
    best: tuple[int, RegionMention] | None = None
    after = _PAIR_AFTER if not text.startswith(_KAZAKH_AKIM, start) else -1
    for m in mentions:
        if end <= m.start <= end + after:
            gap = m.start - end
        elif start - _PAIR_BEFORE <= m.end <= start:
            gap = start - m.end
        else:
            continue
        if not m.is_form and gap > _HINT_GAP:
            continue
        if aw.AKIM.search(text, min(end, m.end), max(start, m.start)):
            continue
        if best is None or gap < best[0]:
            best = (gap, m)
    if best is None:
        return None
    mention = best[1]
    if not mention.is_form or _city_akim(text, start, end, mention):
        return "-"
    return mention.region


def _city_akim(text: str, start: int, end: int, mention: RegionMention) -> bool:
    """An akim of a city that is not of republican significance (or a "mayor" of one)."""
    if mention.region in REPUBLICAN_CITIES:
        return False
    if text[start:end].startswith("mayor"):
        return True
    after = text[mention.end : mention.end + 12] if mention.start >= end else ""
    before = text[max(0, start - 12) : start]
    return bool(aw.CITY_BEFORE.search(before) or aw.CITY_AFTER.search(after) or "city" in after)


def _excluded(text: str, start: int, end: int) -> bool:
    before = text[max(0, start - 80) : start]
    return bool(aw.EXCLUDE_BEFORE.search(before) or aw.EXCLUDE_AFTER.search(text[end : end + 60]))


def akim_refs(
    text: str, mentions: list[RegionMention], names: list[tuple[int, int, str]]
) -> list[AkimRef]:
    """Akims named in a folded sentence, with their region where the sentence gives it."""
    refs: list[AkimRef] = []
    foreign = bool(aw.FOREIGN_REGION.search(aw.GLOSS.sub(" ", text)))
    listed = tuple(dict.fromkeys(x.region for x in mentions if x.is_form))
    everyone = False
    for m in aw.AKIM.finditer(text):
        ref = AkimRef(m.start(), excluded=foreign or _excluded(text, m.start(), m.end()))
        ref.taking_part = aw.taking_part(text, m.start(), m.end())
        if aw.PLURAL.match(m.group(0)):
            ref.plural, ref.regions = True, listed
            ref.everyone = aw.every_akim(text, m.start(), m.end())
            everyone = everyone or ref.everyone or aw.all_akims(text, m.start(), m.end())
        else:
            region = _pair_region(text, m.start(), m.end(), mentions)
            ref.excluded = ref.excluded or region == "-"
            ref.region = None if region == "-" else region
        refs.append(ref)
    for ref in refs if everyone else ():
        ref.regions = () if ref.plural else ref.regions
    refs += [AkimRef(m.start(), excluded=True) for m in aw.EX_AKIM.finditer(text)]
    words = list(refs)
    for start, end, person in names:
        near = [r for r in words if abs(r.start - start) <= _NAME_ATTACH or abs(r.start - end) <= 5]
        if near and not near[0].plural and near[0].person in (None, person):
            near[0].person = person
        elif not near or near[0].plural or not near[0].excluded:
            refs.append(AkimRef(start, person=person, excluded=foreign))
    return refs


def _akim_travels(scene: str, at: int) -> bool:
    """The trip at ``at`` is the akim's own: an akim is named before it, the President neither
    before that akim nor between the last akim named and the trip."""
    akims = [m.start() for m in aw.AKIM.finditer(scene, 0, at)]
    if not akims:
        return False
    pres = [
        m.start()
        for p in (lx.PRES_NOM, lx.PRES_OBL, lx.PRES_GEN_ACC)
        for m in p.finditer(scene, 0, at)
    ]
    return not any(p < akims[0] or p > akims[-1] for p in pres)


def _future(folded: str, nom: int) -> bool:
    """The sentence tells of what is still to come: a future tense, or an obligation unless the
    President, named as subject at ``nom``, is then told to have held a meeting."""
    if lx.FUTURE.search(folded):
        return True
    if not lx.OBLIGATION.search(folded):
        return False
    return nom < 0 or not lx.HELD_MEETING.search(folded, nom)


def _trip(folded: str, scene: str, trip: re.Match[str], facts: Facts, nom: int) -> None:
    if facts.blocked:
        return
    if not (facts.pres_nom or facts.pres_obl or facts.pres_acc):
        return
    if _future(folded, nom) and not lx.TODAY.search(folded):
        return
    if _akim_travels(scene, trip.start()):
        return
    facts.trip_background = bool(lx.TRIP_BACKGROUND.search(folded))
    near = [(m.start - trip.end(), m) for m in facts.regions if m.start >= trip.start()]
    near += [(trip.start() - m.end, m) for m in facts.regions if m.start < trip.start()]
    near = [(gap, m) for gap, m in near if gap <= _TRIP_REACH]
    target = min(near, key=lambda x: x[0])[1] if near else None
    facts.trip_regions = (target.region,) if target else ()
    facts.trip_unplaced = target is None


def analyse(folded: str, index: int, is_title: bool, gaz: Gazetteer, on: dt.date | None) -> Facts:
    """The facts of one folded sentence."""
    facts = Facts(index, is_title, text=folded)
    scene = _others_masked(cw.PRES_ORDER.sub(lambda m: " " * len(m.group(0)), folded))
    nom = _first(lx.PRES_NOM, scene)
    obl = _first(lx.PRES_OBL, scene)
    facts.pres_nom, facts.pres_obl = nom >= 0, obl >= 0
    facts.pres_acc = bool(lx.PRES_GEN_ACC.search(scene))
    first = min(p for p in (nom, obl, 10**9) if p >= 0)
    facts.blocked = _blocked(folded, first if first < 10**9 else -1)
    facts.nazarbayev = facts.blocked and bool(cw.NAZARBAYEV.search(folded))
    facts.phone = bool(lx.PHONE.search(folded))
    akim = aw.AKIM.search(folded) is not None or aw.EX_AKIM.search(folded) is not None
    names = gaz.names_in(folded)
    trip = lx.TRIP.search(folded)
    if akim or names or trip or is_title or index <= CONTEXT_SENTENCES:
        facts.regions = listed_forms(folded, gaz.regions_in(folded, on), gaz.listed_in(folded))
    if trip:
        _trip(folded, scene, trip, facts, nom)
    if facts.blocked:
        return facts
    if akim or names:
        facts.refs = akim_refs(folded, facts.regions, names)
    if facts.refs or facts.pres_nom or facts.pres_obl:
        _verbs(folded, facts, nom)
    return facts


def _verbs(folded: str, facts: Facts, nom: int) -> None:
    facts.future = _future(folded, nom)
    facts.today = bool(lx.TODAY.search(folded))
    facts.gov_session = bool(lx.GOV_SESSION.search(folded))
    facts.decree = bool(aw.DECREE.search(folded))
    facts.resignation = bool(aw.RESIGNATION.search(folded))
    facts.report_by_akim = bool(aw.REPORT_BY_AKIM.search(folded))
    facts.meet_with = bool(lx.MEET_WITH.search(folded))
    facts.meet = facts.meet_with or bool(lx.RECEIVE.search(folded))
    facts.receive = facts.meet or bool(lx.DISCUSS.search(folded))
    facts.discipline = bool(cw.DISCIPLINE.search(folded))
    facts.recap = bool(cw.RECAP.search(folded))
    facts.medium = bool(cw.MEDIUM.search(folded)) and not cw.PRESS_SOURCE.search(folded)
    if facts.president:
        facts.on_site = bool(cw.ON_SITE.search(folded))
    elif facts.refs:
        facts.akim_says = bool(cw.AKIM_SAYS.search(folded))
    facts.report = bool(lx.REPORT.search(folded))
    facts.accompany = bool(lx.ACCOMPANY.search(folded))
    facts.instruct = bool(lx.INSTRUCT.search(folded))
    facts.collective = bool(lx.COLLECTIVE.search(folded))
    facts.separate = bool(lx.SEPARATE.search(folded))
