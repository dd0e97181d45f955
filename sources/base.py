"""What the product knows of a source before it crawls it: the :class:`Source` description.

A source's package (``sources/<name>/``) builds one :class:`Source` in its ``__init__`` from the
standard library only, so that configuration, URL identity and notification layers can read it
without importing Scrapy or the spider; the spider, page objects and replica are named by import
path and loaded when wanted.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

LANGUAGES = ("ru", "kk", "en")


def _no_aliases() -> Mapping[str, Any]:
    return MappingProxyType({})


@dataclass(frozen=True)
class Source:
    """One watched outlet.

    ``name`` is the config key, spider name and ``source`` column; ``outlet`` is what users read.
    ``hosts`` are the domains the spider may fetch (subdomains included); ``host_aliases`` fold
    other host names of the same site into one for URL identity. ``article_id`` returns the
    source's own id for an article URL (or None). ``spider`` and ``replica`` are ``module:Class``
    import paths; ``replica_options`` are what the demo passes to the replica and ``demo_config``
    the keys of ``[sources.<name>]`` in a configuration that crawls it. ``options`` are the
    source's own keys of ``[sources.<name>]``, each with its check (the value to keep, or
    ``ValueError`` saying what is wrong); they reach the spider in ``AKIMWATCH_SOURCE_OPTIONS``.
    """

    name: str
    outlet: str
    hosts: tuple[str, ...]
    languages: tuple[str, ...]
    spider: str
    replica: str
    article_id: Callable[[str], str | None]
    package: str
    host_aliases: Mapping[str, str] = field(default_factory=_no_aliases)
    every_minutes: float = 10
    replica_options: Mapping[str, Any] = field(default_factory=_no_aliases)
    demo_config: Mapping[str, Any] = field(default_factory=_no_aliases)
    options: Mapping[str, Callable[[Any], Any]] = field(default_factory=_no_aliases)

    def __post_init__(self) -> None:
        if not re.fullmatch(r"[a-z][a-z0-9_]*", self.name):
            raise ValueError(f"source name {self.name!r} is not a lowercase identifier")
        unknown = [language for language in self.languages if language not in LANGUAGES]
        if unknown:
            raise ValueError(f"source {self.name}: unknown language {unknown[0]!r}")

    @property
    def directory(self) -> Path:
        """The source's package directory (its fixtures live in ``fixtures/`` there)."""
        module = importlib.import_module(self.package)
        assert module.__file__ is not None
        return Path(module.__file__).parent

    def spider_class(self) -> type:
        """The spider class (imports Scrapy)."""
        return _load(self.spider)

    def replica_class(self) -> type:
        """The replica site class (imports the replica kit)."""
        return _load(self.replica)


def _load(path: str) -> Any:
    module, _, name = path.partition(":")
    return getattr(importlib.import_module(module), name)


def path_id(pattern: re.Pattern[str]) -> Callable[[str], str | None]:
    """An ``article_id`` that reads group ``id`` of ``pattern`` searched in the URL's path."""

    def article_id(url: str) -> str | None:
        match = pattern.search(url.partition("#")[0].partition("?")[0])
        return match["id"] if match else None

    return article_id
