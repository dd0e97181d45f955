"""The source registry: every outlet akimwatch watches, one package each.

Built-in sources are listed below, one line each; an installed distribution adds one through the
``akimwatch.sources`` entry-point group (``name = "package:SOURCE"``). Every layer that needs to
know the sources (configuration, URL identity, outlet names, Scrapy's spider modules, the demo,
the benchmarks) asks here rather than naming them.
"""

from __future__ import annotations

from functools import cache
from importlib import metadata

from sources import akorda, bestnews, govkz, kazinform, telegram
from sources.base import Source

BUILT_IN: tuple[Source, ...] = (
    kazinform.SOURCE,
    akorda.SOURCE,
    govkz.SOURCE,
    bestnews.SOURCE,
    telegram.SOURCE,
)
ENTRY_POINTS = "akimwatch.sources"


@cache
def registry() -> dict[str, Source]:
    """Every registered source by name, built-ins first, in registration order."""
    found = {source.name: source for source in BUILT_IN}
    for entry in metadata.entry_points(group=ENTRY_POINTS):
        source = entry.load()
        if not isinstance(source, Source):
            raise TypeError(f"entry point {entry.value} is not a sources.base.Source")
        found.setdefault(source.name, source)
    return found


def names() -> tuple[str, ...]:
    """The registered source names, in registration order."""
    return tuple(registry())


def get(name: str) -> Source:
    """The source called ``name`` (``KeyError`` if none)."""
    return registry()[name]


def outlet(name: str) -> str:
    """What users read for the source ``name`` (the name itself for a source no longer known)."""
    source = registry().get(name)
    return source.outlet if source else name


__all__ = ["BUILT_IN", "Source", "get", "names", "outlet", "registry"]
