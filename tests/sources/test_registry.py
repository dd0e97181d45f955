"""The source registry: every registered source has all its parts, and a fifth source added as
one package plus one entry point crawls end to end through ``akimwatch run-once``."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

import sources
from crawler.spiders.base import ListingSpider
from replicas import ReplicaServer
from replicas.server import Site
from sources.base import Source
from storage.engine import make_engine
from storage.migrate import upgrade
from storage.models import Article
from storage.urls import source_article_id

ROOT = Path(__file__).resolve().parents[2]
NEW_SOURCE = Path(__file__).resolve().parent / "newsource"
MAIN = "import sys; from akimwatch.cli import main; sys.exit(main())"


@pytest.mark.parametrize("source", sources.BUILT_IN, ids=lambda s: s.name)
def test_a_registered_source_has_every_part(source: Source) -> None:
    spider = source.spider_class()
    assert issubclass(spider, ListingSpider) and spider.name == source.name
    assert set(spider.allowed_domains) == set(source.hosts)
    assert issubclass(source.replica_class(), Site)
    fixtures = source.directory / "fixtures"
    assert fixtures.is_dir() and any(fixtures.iterdir()), f"{source.name}: no saved pages"
    assert (ROOT / "tests" / "e2e" / f"test_{source.name}_replica.py").is_file()
    assert sources.outlet(source.name) == source.outlet


def test_the_registry_keeps_registration_order() -> None:
    assert sources.names()[: len(sources.BUILT_IN)] == tuple(s.name for s in sources.BUILT_IN)


def test_url_identity_asks_the_source() -> None:
    assert source_article_id("nosuchsource", "https://example.org/news/1") is None


def _install_new_source(tmp_path: Path) -> Path:
    """A distribution on a path entry: the package, and the one entry point that registers it."""
    site = tmp_path / "site"
    dist = site / "wattle-1.0.dist-info"
    dist.mkdir(parents=True)
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: wattle\nVersion: 1.0\n")
    (dist / "entry_points.txt").write_text("[akimwatch.sources]\nwattle = wattle:SOURCE\n")
    return site


@pytest.mark.slow
def test_a_new_source_runs_end_to_end_through_run_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = _install_new_source(tmp_path)
    monkeypatch.syspath_prepend(str(NEW_SOURCE))
    from wattle.replica import WattleSite

    db_url = f"sqlite:///{tmp_path / 'akimwatch.db'}"
    config = tmp_path / "akimwatch.toml"
    config.write_text(
        f'data_dir = "{tmp_path}"\n[database]\nurl = "{db_url}"\n'
        "[crawl]\ndownload_delay = 0\nautothrottle = false\nretry_times = 0\n"
    )
    engine = make_engine(db_url)
    upgrade(engine)
    with ReplicaServer([WattleSite()]) as server:
        env = {
            **os.environ,
            "PYTHONPATH": os.pathsep.join([str(NEW_SOURCE), str(site), str(ROOT)]),
            "AKIMWATCH_CONFIG": str(config),
            "AKIMWATCH_HOST_OVERRIDES": server.overrides_env(),
        }
        done = subprocess.run(
            [sys.executable, "-c", MAIN, "run-once", "wattle", "--no-dispatch"],
            env=env, cwd=ROOT, capture_output=True, text=True, timeout=180, check=False,
        )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr[-3000:]
    assert done.stdout.split()[:2] == ["wattle", "ok"], done.stdout
    with Session(engine) as session:
        stored = session.scalars(select(Article).order_by(Article.source_id)).all()
    engine.dispose()
    assert [(a.source, a.source_id) for a in stored] == [("wattle", "1"), ("wattle", "2")]
    assert stored[0].title.startswith("Глава государства принял акима")
