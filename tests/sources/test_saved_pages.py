"""Every saved page of every source (``sources/<name>/fixtures``, the made-up fifth source's
too): its page object gives the expected output, and no listed boilerplate reaches an article's
text. ``AKIMWATCH_REGENERATE_PAGES=1`` rewrites the expected outputs instead (review them with
``git diff``); the boilerplate checks still run."""

from __future__ import annotations

import importlib
import os
import sys
from pathlib import Path
from types import ModuleType

import pytest

import sources
from crawler.extract.page import Page
from crawler.extract.saved import SavedPage, saved_pages

NEW_SOURCE = Path(__file__).resolve().parent / "newsource"
REGENERATE = os.environ.get("AKIMWATCH_REGENERATE_PAGES") == "1"
PACKAGES = {s.package: s.directory / "fixtures" for s in sources.BUILT_IN}
PACKAGES["wattle"] = NEW_SOURCE / "wattle" / "fixtures"
CASES = [(package, saved) for package, where in PACKAGES.items() for saved in saved_pages(where)]


def _pages(package: str) -> ModuleType:
    if package == "wattle" and str(NEW_SOURCE) not in sys.path:
        sys.path.insert(0, str(NEW_SOURCE))
    return importlib.import_module(f"{package}.pages")


@pytest.mark.parametrize(
    ("package", "saved"), CASES, ids=[f"{p.rpartition('.')[2]}/{s.name}" for p, s in CASES]
)
def test_saved_page(package: str, saved: SavedPage) -> None:
    got = saved.output(_pages(package))
    if REGENERATE:
        saved.write_expected(got)
    assert got == saved.expected()
    if saved.body_lacks:
        text = f"{got['lead']}\n{got['body']}"
        for leak in saved.body_lacks:
            assert leak not in text, leak


@pytest.mark.parametrize("package", PACKAGES)
def test_every_source_has_saved_pages_of_each_page_object(package: str) -> None:
    """Every page object a source's spider uses has at least one saved page."""
    module = _pages(package)
    kinds = {s.spec["page"] for p, s in CASES if p == package}
    objects = {n for n, v in vars(module).items() if isinstance(v, type) and _is_page(v, module)}
    assert objects and objects == kinds


def test_the_http_charset_is_honoured() -> None:
    """A windows-1251 page that declares its charset only in the HTTP header reads like the
    same page in UTF-8."""
    where = PACKAGES["sources.kazinform"]
    utf8, cp1251 = (
        SavedPage(where, "ru_2026_meeting"),
        SavedPage(where, "ru_2026_meeting_windows1251"),
    )
    assert (
        b"charset" not in cp1251.body and "windows-1251" in cp1251.spec["headers"]["Content-Type"]
    )
    assert cp1251.body.decode("windows-1251").startswith(utf8.body.decode("utf-8")[:15])
    pages = _pages("sources.kazinform")
    assert cp1251.output(pages) == utf8.output(pages)
    assert "Павлодар" in cp1251.output(pages)["title"]


def _is_page(value: type, module: ModuleType) -> bool:
    return issubclass(value, Page) and value.__module__ == module.__name__
