"""Region names as users type them (ru, kk or en, any case) resolved to the canonical names
that meetings are stored under, by the detector's gazetteer."""

from __future__ import annotations

from detect.gazetteer import CANONICAL_REGIONS, gazetteer
from detect.normalize import fold

_CANONICAL = {name.lower(): name for name in CANONICAL_REGIONS}
# Words that may follow a region's name without changing it ("Карагандинская область").
_GENERIC = frozenset(
    fold(word)
    for word in (
        "область", "обл", "облысы", "oblast", "oblysy", "region", "province",
        "город", "г", "қаласы", "city",
    )
)  # fmt: skip


class UnknownRegion(ValueError):
    """A name that is no region of Kazakhstan; the message lists the canonical names."""


def canonical_region(name: str) -> str:
    """The canonical region named by ``name`` ("karaganda", "Карагандинская область" ...)."""
    text = " ".join(name.split())
    if text.lower() in _CANONICAL:
        return _CANONICAL[text.lower()]
    folded = fold(text)
    mentions = gazetteer().regions_in(folded, None)
    whole = [m for m in mentions if m.start == 0 and _generic(folded[m.end :])]
    # A region's own name wins over a city that points to it.
    for mention in sorted(whole, key=lambda m: not m.is_form):
        return mention.region
    raise UnknownRegion(f"unknown region {name!r}; allowed: {', '.join(CANONICAL_REGIONS)}")


def _generic(rest: str) -> bool:
    """Whether ``rest`` (after a region's name) is empty or a word such as "область"."""
    words = rest.replace(".", " ").split()
    return len(words) <= 1 and all(word in _GENERIC for word in words)
