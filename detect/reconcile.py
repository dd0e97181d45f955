"""One article, the right meetings.

Akims received separately or one after another give one reception each; a meeting with several
akims at once gives one collective meeting listing their regions; a meeting with all akims gives
one collective meeting. No region is met twice in one article, and no collective meeting stands
beside receptions of the same regions.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from detect.rules import AkimRef


@dataclass(slots=True)
class Draft:
    """A meeting being assembled: its region(s), kind, evidence sentences and akim."""

    region: str | None
    kind: str
    regions: tuple[str, ...] = ()
    evidence: list[int] = field(default_factory=list)
    person: str | None = None
    ref: tuple[int, AkimRef] | None = None
    convened: bool = False
    """A collective meeting named as such (a session, a conference) or with all akims, not only
    "met the akims" (which may sum up receptions one by one)."""


def _absorb(into: Draft, other: Draft) -> None:
    into.evidence += [i for i in other.evidence if i not in into.evidence]
    into.regions = tuple(dict.fromkeys(into.regions + other.regions))
    into.person = into.person or other.person
    into.ref = into.ref or other.ref
    into.convened = into.convened or other.convened
    if other.kind == "working_trip" and into.region is not None:
        into.kind = "working_trip"


def _one(drafts: list[Draft]) -> Draft | None:
    if not drafts:
        return None
    first = drafts[0]
    for d in drafts[1:]:
        _absorb(first, d)
    return first


def _per_region(drafts: list[Draft]) -> dict[str, Draft]:
    """One draft per region; a reception of several akims at once split into one per akim."""
    out: dict[str, Draft] = {}
    for d in drafts:
        if d.region is None and d.kind == "collective":
            continue
        parts = [d] if d.region is not None else [_split(d, r) for r in d.regions]
        for part in parts:
            assert part.region is not None
            if part.region in out:
                _absorb(out[part.region], part)
            else:
                out[part.region] = part
    return out


def _split(d: Draft, region: str) -> Draft:
    return Draft(region, "reception", (region,), list(d.evidence))


def reconcile(drafts: list[Draft]) -> list[Draft]:
    """The article's meetings from the drafts of its sentences (see the module docstring)."""
    regional = _per_region(drafts)
    collective = _one([d for d in drafts if d.region is None and d.kind == "collective"])
    if collective is not None:
        covered = set(collective.regions)
        if regional and not collective.convened and covered <= set(regional):
            collective = None
        else:
            regional = {r: d for r, d in regional.items() if r not in covered}
    out = list(regional.values())
    if collective is not None:
        out.append(collective)
    elif not out:
        pending = _one([d for d in drafts if d.region is None and d.kind == "reception"])
        out += [pending] if pending is not None else []
    return out
