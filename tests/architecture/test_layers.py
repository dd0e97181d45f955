"""Imports point one way, down: from the CLI to the core. A module may import its own layer and
the layers below it, never one above; ``crawler`` and ``notify`` do not import each other.

The layers, bottom first (``docs/architecture.md`` draws them):
sources (descriptions) < detect < core < storage < crawler | notify < scheduler < web | replicas
< akimwatch. Inside a source's package, ``spider`` and ``pages`` are crawler modules and ``replica``
belongs with the replica kit; its ``__init__`` (the description) imports the bottom only.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PRODUCT = ("sources", "detect", "core", "storage", "crawler", "notify", "scheduler", "web",
           "replicas", "akimwatch")  # fmt: skip
BELOW: dict[str, set[str]] = {
    "sources": set(),
    "detect": {"sources"},
    "core": {"sources", "detect"},
    "storage": {"sources", "detect", "core"},
    "crawler": {"sources", "detect", "core", "storage"},
    "notify": {"sources", "detect", "core", "storage"},
    "scheduler": {"sources", "detect", "core", "storage", "crawler", "notify"},
    "web": {"sources", "detect", "core", "storage", "crawler", "notify", "scheduler"},
    "replicas": {"sources", "detect", "core", "storage", "crawler"},
    "akimwatch": set(PRODUCT) - {"akimwatch"},
}
SOURCE_PARTS = {"spider": "crawler", "pages": "crawler", "replica": "replicas"}


def layer(module: str) -> str | None:
    """The layer of a product module (``sources.kazinform.spider`` is a crawler module)."""
    parts = module.split(".")
    if parts[0] == "sources" and len(parts) >= 3:
        return SOURCE_PARTS.get(parts[2], "sources")
    return parts[0] if parts[0] in PRODUCT else None


def modules() -> dict[str, Path]:
    """Every product module by dotted name."""
    found = {}
    for package in PRODUCT:
        for path in sorted((ROOT / package).rglob("*.py")):
            name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
            found[name.removesuffix(".__init__")] = path
    return found


def imported(module: str, path: Path) -> set[str]:
    """Every module ``module`` imports, at any depth of its code (function-level included)."""
    names: set[str] = set()
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            names.add(base)
            names.update(f"{base}.{alias.name}" for alias in node.names)
    return names


def upward() -> list[str]:
    """``importer -> imported`` for every import of a layer not below the importer's."""
    found = []
    for module, path in modules().items():
        own = layer(module)
        assert own is not None
        for target in sorted(imported(module, path)):
            theirs = layer(target)
            if theirs is not None and theirs != own and theirs not in BELOW[own]:
                found.append(f"{module} ({own}) -> {target} ({theirs})")
    return found


def test_no_import_points_upward() -> None:
    assert upward() == []


def test_the_layers_form_no_cycle() -> None:
    for name, below in BELOW.items():
        for lower in below:
            assert name not in BELOW[lower], f"{name} and {lower} are each below the other"


@pytest.mark.parametrize(
    ("module", "expected"),
    [
        ("sources.kazinform", "sources"),
        ("sources.kazinform.spider", "crawler"),
        ("sources.base", "sources"),
        ("sources.akorda.replica", "replicas"),
        ("notify.document", "notify"),
        ("web.app", "web"),
        ("json", None),
    ],
)
def test_layer_of_a_module(module: str, expected: str | None) -> None:
    assert layer(module) == expected


def test_the_check_sees_an_upward_import(tmp_path: Path) -> None:
    """The check can fail: a storage module importing the crawler is reported."""
    path = tmp_path / "bad.py"
    path.write_text("def f():\n    from crawler.store import CrawlStore\n", "utf-8")
    assert "crawler.store" in imported("storage.bad", path)
    assert layer("crawler.store") not in BELOW["storage"]
