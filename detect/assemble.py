"""From per-sentence facts to meetings: relations, regions, kinds, merging."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from detect import context_words as cw
from detect.gazetteer import Gazetteer, RegionMention
from detect.reconcile import Draft, reconcile
from detect.rules import CONTEXT_SENTENCES, AkimRef, Facts

LEAD = CONTEXT_SENTENCES
"""A trip reported without the akim counts only when told in the title or the first sentences."""
WINDOW = 2
SEAT = "Astana"
"""The President's seat: being there is no trip."""
TOKAYEV_SINCE = dt.date(2019, 3, 20)
"""The sitting President took office; earlier "the Head of State" is the First President."""


@dataclass(slots=True)
class Article:
    """Article-level context for the assembly."""

    facts: list[Facts]
    published: dt.date | None
    gaz: Gazetteer
    trips: list[tuple[int, str]] = field(default_factory=list)
    """Trips told as news (sentence, region); ``visits`` adds those told as background."""
    visits: list[tuple[int, str]] = field(default_factory=list)
    context: list[str] = field(default_factory=list)
    phone: bool = False
    gov_session: bool = False
    medium: bool = False
    excluded: set[str] = field(default_factory=set)
    other_era: bool = False
    akim_regions: list[str] = field(default_factory=list)
    """Regions the article names its (singular) akims with, in order."""
    on_site: bool = False

    def __post_init__(self) -> None:
        title = [m.region for f in self.facts if f.is_title for m in f.regions]
        for f in self.facts:
            self.phone = self.phone or (f.phone and (f.president or bool(f.refs)))
            self.gov_session = self.gov_session or f.gov_session
            self.medium = self.medium or (f.medium and f.president)
            went = [(f.index, r) for r in f.trip_regions]
            went += [(f.index, title[0])] if f.trip_unplaced and title else []
            self.visits += went
            self.trips += [] if f.trip_background else went
            if f.is_title or f.index <= LEAD:
                self.context += [m.region for m in f.regions if not _dateline(f, m)]
            self.excluded |= {r.person for r in f.refs if r.excluded and r.person}
            named = (r.region for r in f.refs if r.region and not (r.excluded or r.plural))
            self.akim_regions += [] if f.blocked else list(named)
        met = any(f.meet and f.president for f in self.facts)
        self.on_site = not met and any(f.on_site and f.president for f in self.facts)
        named_first = any(f.nazarbayev for f in self.facts)
        before = self.published is not None and self.published < TOKAYEV_SINCE
        self.other_era = before or (named_first and not self._names_tokayev())

    def _names_tokayev(self) -> bool:
        return any(cw.TOKAYEV.search(f.text) for f in self.facts)

    @property
    def trip_regions(self) -> list[str]:
        """Regions the President travelled to, in order of mention."""
        return list(dict.fromkeys(r for _, r in self.trips))


_DATELINE = re.compile(r"\s*(?:[.,–—]|-\s)")


def _dateline(f: Facts, m: RegionMention) -> bool:
    """A city opening a sentence as the dateline ("ASTANA. AGENCY –"), not its subject."""
    return not f.is_title and m.start <= 1 and bool(_DATELINE.match(f.text, m.end))


def _neighbour_confirms(art: Article, f: Facts) -> bool:
    for g in art.facts:
        if g is f or g.blocked or not (g.is_title or abs(g.index - f.index) <= WINDOW):
            continue
        if g.pres_nom and (g.receive or g.report or g.instruct or f.report_by_akim):
            return True
        if g.pres_obl and g.report:
            return True
    return False


def _briefed_nearby(art: Article, f: Facts) -> bool:
    """A sentence next to ``f`` tells of the President being briefed."""
    for g in art.facts[max(0, f.index - WINDOW) : f.index + WINDOW + 1]:
        if g is not f and g.president and g.report:
            return True
    return False


def _reported_nearby(art: Article, f: Facts) -> bool:
    """The akim's report (or words) in a sentence without the President, confirmed by one
    beside it that has him."""
    if f.report and _neighbour_confirms(art, f):
        return True
    return f.akim_says and _briefed_nearby(art, f)


def _named(ref: AkimRef) -> bool:
    """The akim is named by region or by name, not only as "the akim"."""
    return bool(ref.region or ref.person)


def relation(art: Article, f: Facts, ref: AkimRef) -> str | None:
    """How the sentence relates the President and the akim, if it does."""
    if f.blocked or f.phone or f.resignation or f.discipline or f.gov_session:
        return None
    if f.future and not f.today:
        return None
    if f.pres_nom and f.receive:
        rel = "receive"
    elif f.pres_nom and f.collective and ref.taking_part:
        rel = "collective" if ref.plural else "receive"
    elif (f.pres_obl or f.pres_acc) and f.meet_with:
        rel = "receive"
    elif (f.pres_nom or f.pres_obl) and f.report:
        rel = "report"
    elif (f.pres_nom or f.pres_obl or f.pres_acc) and f.accompany:
        rel = "accompany"
    elif not f.president and _reported_nearby(art, f):
        rel = "report"
    elif f.pres_nom and f.instruct and not (art.gov_session or art.medium) and _named(ref):
        rel = "instruct"
    else:
        return None
    if f.decree and rel != "receive":
        return None
    if art.phone and rel != "collective" and not (rel == "receive" and f.meet):
        return None
    return rel


def region_of(art: Article, f: Facts, ref: AkimRef) -> str | None:
    """The region of a (singular) akim reference."""
    if ref.region:
        return ref.region
    sentence = frozenset(m.region for m in f.regions)
    if ref.person:
        named = sentence | frozenset(art.akim_regions)
        region = art.gaz.region_of(ref.person, art.published, named)
        if region in named:
            return region
        prefer = sentence | frozenset(art.trip_regions) | frozenset(art.context)
        return art.gaz.region_of(ref.person, art.published, prefer)
    if art.trip_regions:
        return art.trip_regions[0]
    forms = list(dict.fromkeys(m.region for m in f.regions if m.is_form))
    if len(forms) == 1 and (forms[0] in art.akim_regions or not art.akim_regions):
        return forms[0]
    if art.akim_regions:
        return art.akim_regions[0]
    return art.context[0] if art.context else None


def draft_for(art: Article, f: Facts, ref: AkimRef) -> Draft | None:
    """The meeting one akim reference in one sentence stands for, if any."""
    if ref.excluded or (ref.person and ref.person in art.excluded):
        return None
    rel = relation(art, f, ref)
    if rel is None:
        return None
    if ref.plural and not (art.trips and rel in ("accompany", "report")):
        if rel not in ("receive", "report", "collective") or not f.pres_nom:
            return None
        kind = "reception" if f.separate else "collective"
        borrow = kind == "reception" and not ref.regions
        listed = _listed_after(art, f) if borrow else (f.index, ref.regions)
        evidence = sorted({f.index, listed[0]})
        convened = f.collective or ref.everyone
        return Draft(None, kind, listed[1], evidence, convened=convened)
    region = region_of(art, f, ref)
    if region is None:
        return None
    in_trip = region in art.trip_regions or any(r == region for _, r in art.visits)
    kind = "working_trip" if in_trip or art.on_site or rel == "accompany" else "reception"
    return Draft(region, kind, (region,), [f.index], ref.person, (f.index, ref))


def _listed_after(art: Article, f: Facts) -> tuple[int, tuple[str, ...]]:
    """The sentence and regions of akims listed together next ("the akims of X and Y")."""
    for g in art.facts[f.index + 1 : f.index + 1 + WINDOW]:
        for ref in g.refs:
            if ref.plural and ref.regions and not ref.excluded:
                return g.index, ref.regions
    return f.index, ()


def present(art: Article) -> dict[str, tuple[int, str | None]]:
    """Regions whose akim the article shows taking part (sentence and person first named)."""
    out: dict[str, tuple[int, str | None]] = {}
    for f in art.facts:
        if f.recap or f.future or f.resignation or f.decree or f.discipline or f.phone:
            continue
        for ref in f.refs:
            if ref.plural or ref.excluded or (ref.person and ref.person in art.excluded):
                continue
            region = region_of(art, f, ref)
            if region is not None and region not in out:
                out[region] = (f.index, ref.person)
    return out


def trip_drafts(art: Article, drafts: list[Draft]) -> list[Draft]:
    """Working trips told in the lead whose region has no meeting yet but whose akim the
    article shows taking part (a trip without the akim is no meeting with him)."""
    have = {d.region for d in drafts} | {r for d in drafts if d.region is None for r in d.regions}
    akims = present(art)
    out = []
    for index, region in art.trips:
        if index <= LEAD and region not in have and region != SEAT and region in akims:
            seen, person = akims[region]
            out.append(Draft(region, "working_trip", (region,), sorted({index, seen}), person))
            have.add(region)
    return out


def assemble(art: Article) -> list[Draft]:
    """All meetings of an article, in order of their first evidence."""
    if art.other_era:
        return []
    drafts = [d for f in art.facts for ref in f.refs if (d := draft_for(art, f, ref)) is not None]
    drafts = reconcile(drafts)
    drafts += trip_drafts(art, drafts)
    for d in drafts:
        if d.region in art.trip_regions and d.kind == "working_trip":
            trip_index = next(i for i, r in art.trips if r == d.region)
            d.evidence = sorted(set(d.evidence) | {trip_index})
    for d in drafts:
        d.evidence.sort(key=lambda i: (art.facts[i].recap, i))
    return sorted(drafts, key=lambda d: min(d.evidence))
