"""Deploying the crawl to Scrapyd nodes: build the project's egg (setuptools ``bdist_egg`` of the
packages a crawl imports, with the ``[scrapy] settings = crawler.settings`` entry point Scrapyd
reads) and upload it with ``addversion.json``; each node then reports its spiders
(``listspiders.json``).
"""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import httpx

from core.config import Config
from core.sections import NodeConfig
from scheduler.scrapyd import ScrapydError, answer, describe, node_client

EGG_PACKAGES = ("core", "sources", "detect", "storage", "crawler", "replicas")
SETTINGS_MODULE = "crawler.settings"
UPLOAD_TIMEOUT = 120.0  # seconds: the node runs ``scrapy list`` before it answers
SETUP_PY = """from setuptools import find_packages, setup

setup(
    name="akimwatch",
    version={version!r},
    packages=find_packages(),
    package_data={{"": ["**/*"]}},
    entry_points={{"scrapy": ["settings = {settings}"]}},
)
"""


@dataclass(frozen=True)
class Deployed:
    """What one node said to a deploy: its spiders, or why it failed."""

    node: str
    spiders: tuple[str, ...] = ()
    error: str | None = None

    @property
    def ok(self) -> bool:
        """Whether the node took the egg."""
        return self.error is None


def default_version() -> str:
    """A version for a deploy without one: the time, so the newest upload is the default."""
    return time.strftime("%Y%m%d%H%M%S")


def build_egg(directory: Path, version: str) -> Path:
    """Build the egg in ``directory`` from the packages as this Python imports them."""
    source = directory / "src"
    source.mkdir(parents=True)
    for name in EGG_PACKAGES:
        spec = importlib.util.find_spec(name)
        assert spec is not None and spec.submodule_search_locations, name
        shutil.copytree(
            next(iter(spec.submodule_search_locations)),
            source / name,
            ignore=shutil.ignore_patterns("__pycache__", "*.pyc"),
        )
    (source / "setup.py").write_text(
        SETUP_PY.format(version=version, settings=SETTINGS_MODULE), encoding="utf-8"
    )
    done = subprocess.run(
        [sys.executable, "setup.py", "-q", "bdist_egg", "-d", str(directory / "dist")],
        cwd=source,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"building the egg failed:\n{done.stderr[-2000:]}")
    return next((directory / "dist").glob("*.egg"))


def upload(node: NodeConfig, project: str, version: str, egg: bytes) -> Deployed:
    """Upload ``egg`` to one node as ``project`` ``version``; then ask for its spiders."""
    try:
        with node_client(node, timeout=UPLOAD_TIMEOUT) as client:
            data = {"project": project, "version": version}
            files = {"egg": ("akimwatch.egg", egg)}
            answer(client.post("addversion.json", data=data, files=files))
            listed = answer(client.get("listspiders.json", params={"project": project}))
    except (httpx.HTTPError, ScrapydError, ValueError) as exc:
        return Deployed(node.label, error=describe(exc))
    return Deployed(node.label, spiders=tuple(listed.get("spiders") or ()))


def deploy(
    config: Config, labels: Sequence[str] = (), version: str | None = None
) -> list[Deployed]:
    """Build the egg once and upload it to the configured nodes (only those in ``labels`` when
    given; an unknown label raises ValueError)."""
    known = {node.label: node for node in config.crawl.nodes}
    unknown = [label for label in labels if label not in known]
    if unknown:
        raise ValueError(f"no such node: {', '.join(unknown)} (known: {', '.join(known)})")
    nodes = [known[label] for label in labels] if labels else list(known.values())
    version = version or default_version()
    with tempfile.TemporaryDirectory(prefix="akimwatch-egg-") as directory:
        egg = build_egg(Path(directory), version).read_bytes()
    return [upload(node, config.crawl.project, version, egg) for node in nodes]
