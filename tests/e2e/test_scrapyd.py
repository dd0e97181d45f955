"""The Scrapyd engine against real Scrapyd servers (``testkit.scrapyd``) and the replicas:
``akimwatch deploy``, the spider arguments and settings a job gets, crawls spread over the nodes
with the results of a local crawl, a node lost mid-crawl, the hard timeout."""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from crawling import ROOT, stored_rows
from daemon_helpers import hold_first
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from akimwatch.cli import cli
from core.config import Config, load
from replicas import ReplicaServer
from scheduler.deploy import build_egg, upload
from scheduler.scrapyd import ScrapydLauncher
from scheduler.service import CrawlService
from sources.akorda.replica import AkordaSite
from sources.bestnews.replica import BestnewsSite
from sources.kazinform.replica import KazinformSite
from storage.engine import make_engine
from storage.leadership import take_term
from storage.migrate import upgrade
from storage.models import CrawlRun
from testkit.faults import is_listing, matcher
from testkit.scrapyd import ScrapydNode, free_port, scrapyd_nodes
from testkit.waiting import wait_until

pytestmark = pytest.mark.slow
SOURCES = ("kazinform", "akorda", "bestnews")
CRAWL = "download_delay = 0\nautothrottle = false\nretry_times = 1\ntimeout_seconds = 120\n"
SITES = '[sources.kazinform]\nlanguages = ["ru"]\n'
ROW = ("source", "language", "title", "published_at", "body")


@pytest.fixture(scope="module")
def server() -> Iterator[ReplicaServer]:
    with ReplicaServer([KazinformSite(page_size=5), AkordaSite(), BestnewsSite(page_size=4)]) as s:
        yield s


@pytest.fixture(scope="module")
def egg(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """The project's egg, built once."""
    return build_egg(tmp_path_factory.mktemp("egg"), "1").read_bytes()


def node_env(directory: Path) -> dict[str, str]:
    """A node's environment: this checkout, and a configuration with the tests' crawl settings
    (the database and host overrides come with each job)."""
    config = directory / "node.toml"
    config.write_text(f'data_dir = "{directory}"\n[crawl]\n{CRAWL}{SITES}', encoding="utf-8")
    path = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    return {**os.environ, "PYTHONPATH": path, "AKIMWATCH_CONFIG": str(config)}


@pytest.fixture(scope="module")
def nodes(tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[ScrapydNode]]:
    """Two nodes, the second with credentials; nothing deployed yet (the deploy test does it,
    the other tests upload the egg)."""
    directory = tmp_path_factory.mktemp("nodes")
    env = node_env(directory)
    auth = {"username": "aw", "password": "s3cret"}
    with (
        scrapyd_nodes(1, directory / "open", env) as first,
        scrapyd_nodes(1, directory / "auth", env, **auth) as second,
    ):
        second[0].label = "crawl-2"
        yield [*first, *second]


def write_config(
    tmp_path: Path,
    db_url: str,
    server: ReplicaServer,
    nodes: list[ScrapydNode],
    extra: str = "",
    engine: str = "scrapyd",
) -> Path:
    """A configuration for the Scrapyd engine on ``nodes`` (``extra`` node entries first)."""
    overrides = ", ".join(f'"{host}" = "{url}"' for host, url in server.overrides().items())
    path = tmp_path / f"{engine}.toml"
    path.write_text(
        f'data_dir = "{tmp_path}"\n[database]\nurl = "{db_url}"\n[crawl]\nengine = "{engine}"\n'
        f"{CRAWL}host_overrides = {{ {overrides} }}\n{extra}"
        + "".join(node.toml() for node in nodes)
        + SITES,
        encoding="utf-8",
    )
    return path


def deployed(nodes: list[ScrapydNode], egg: bytes, config: Config) -> None:
    for node in config.crawl.nodes:
        if node.label in {n.label for n in nodes}:  # not the nodes a test breaks on purpose
            assert upload(node, config.crawl.project, "1", egg).ok


def migrated(db_url: str) -> Engine:
    engine = make_engine(db_url)
    upgrade(engine)
    return engine


def runs(engine: Engine) -> list[CrawlRun]:
    with Session(engine, expire_on_commit=False) as session:
        return list(session.scalars(select(CrawlRun).order_by(CrawlRun.id)))


def test_deploy_uploads_the_egg_to_every_node_and_names_a_failing_one(
    tmp_path: Path, server: ReplicaServer, nodes: list[ScrapydNode]
) -> None:
    dead = f'[[crawl.nodes]]\nurl = "http://127.0.0.1:{free_port()}"\nname = "gone"\n'
    config = write_config(tmp_path, f"sqlite:///{tmp_path / 'aw.db'}", server, nodes, dead)
    done = CliRunner().invoke(cli, ["--config", str(config), "deploy", "--version", "1"])
    lines = done.output.splitlines()
    assert done.exit_code == 1, done.output
    assert lines[0] == "gone  FAILED (cannot connect (ConnectError))", done.output
    spiders = "akorda, bestnews, govkz, kazinform, telegram"
    assert lines[1:] == [f"crawl-1  ok  spiders: {spiders}", f"crawl-2  ok  spiders: {spiders}"]
    for node in nodes:
        assert node.get("listversions.json", project="akimwatch")["versions"] == ["1"]
    only = CliRunner().invoke(cli, ["--config", str(config), "deploy", "--node", "crawl-2"])
    assert only.exit_code == 0 and only.output.startswith("crawl-2  ok"), only.output


def test_a_job_gets_its_arguments_and_settings_and_dead_or_refusing_nodes_are_skipped(
    tmp_path: Path, db_url: str, server: ReplicaServer, nodes: list[ScrapydNode], egg: bytes
) -> None:
    """A node refusing connections and one refusing the credentials come first in turn: the
    crawl lands on the third, with the launch id as its job, its node label and the term."""
    wrong = nodes[1].toml().replace("s3cret", "wrong").replace("crawl-2", "wrong-password")
    dead = f'[[crawl.nodes]]\nurl = "http://127.0.0.1:{free_port()}"\nname = "gone"\n'
    config = load(write_config(tmp_path, db_url, server, nodes[1:], dead + wrong))
    deployed(nodes, egg, config)
    engine = migrated(db_url)
    with Session(engine) as session, session.begin():
        term = take_term(session, "test")
    launcher = ScrapydLauncher(engine, config, timeout=120, poll=0.3)
    outcome = launcher.run("kazinform", {"term": str(term)})
    assert (outcome.node, outcome.returncode, outcome.killed_by) == ("crawl-2", 0, None)
    assert outcome.run is not None and outcome.run.finish_reason == "finished"
    assert (outcome.run.node, outcome.run.term) == ("crawl-2", term)
    assert [r.launch_id for r in runs(engine)] == [outcome.run.launch_id]
    job = nodes[1].get("status.json", job=str(outcome.run.launch_id))
    assert job["currstate"] == "finished"  # the launch id is the Scrapyd job id
    assert outcome.run.new_articles > 0  # the database and host overrides came as settings
    engine.dispose()


def test_the_service_spreads_crawls_over_the_nodes_like_a_local_crawl(
    tmp_path: Path, server: ReplicaServer, nodes: list[ScrapydNode], egg: bytes
) -> None:
    remote_db, local_db = f"sqlite:///{tmp_path / 'aw.db'}", f"sqlite:///{tmp_path / 'local.db'}"
    path = write_config(tmp_path, remote_db, server, nodes)
    config = load(path)
    deployed(nodes, egg, config)
    engine = migrated(remote_db)
    service = CrawlService(config, engine, config_path=str(path), health=False)
    service.launcher.poll = 0.3  # type: ignore[union-attr]
    result = service.crawl_all(SOURCES)
    assert result.ok, [(s.source, s.reason) for s in result.sources]
    assert {r.node for r in runs(engine)} == {"crawl-1", "crawl-2"}

    local_path = write_config(tmp_path, local_db, server, [], engine="local")
    local_engine = migrated(local_db)
    local = CrawlService(load(local_path), local_engine, config_path=str(local_path), health=False)
    assert local.crawl_all(SOURCES).ok
    assert stored_rows(remote_db, ROW) == stored_rows(local_db, ROW) != {}

    status = CliRunner().invoke(cli, ["--config", str(path), "status", "--json"])
    shown = {s["source"]: s["last_node"] for s in json.loads(status.output)["sources"]}
    assert {shown[name] for name in SOURCES} == {"crawl-1", "crawl-2"}
    engine.dispose()
    local_engine.dispose()


def test_a_node_killed_mid_crawl_loses_the_crawl_to_the_other_node(
    tmp_path: Path, server: ReplicaServer, egg: bytes
) -> None:
    release, entered = threading.Event(), threading.Event()
    hold = hold_first(release, entered, matcher("inform.kz", is_listing))
    with scrapyd_nodes(2, tmp_path, node_env(tmp_path)) as pair:
        config = load(write_config(tmp_path, f"sqlite:///{tmp_path / 'aw.db'}", server, pair))
        deployed(pair, egg, config)
        engine = migrated(config.database_url)
        launcher = ScrapydLauncher(engine, config, timeout=120, poll=0.3, lost_after=2)
        outcomes = []
        crawl = threading.Thread(target=lambda: outcomes.append(launcher.run("kazinform")))
        server.faults.append(hold)
        try:
            crawl.start()
            wait_until(entered.is_set, 60, "the crawl on crawl-1 to hold a request")
            pair[0].kill()
            crawl.join(120)
        finally:
            server.faults.remove(hold)
            release.set()
    (outcome,) = outcomes
    assert (outcome.node, outcome.returncode, outcome.killed_by) == ("crawl-2", 0, None)
    lost, moved = runs(engine)
    assert (lost.node, lost.killed_by, lost.finish_reason) == (
        "crawl-1",
        "node crawl-1 lost",
        "killed",
    )
    assert (moved.node, moved.finish_reason, moved.killed_by) == ("crawl-2", "finished", None)
    assert outcome.run is not None and outcome.run.id == moved.id
    engine.dispose()


def test_the_hard_timeout_cancels_the_job_then_kills_it(
    tmp_path: Path, server: ReplicaServer, nodes: list[ScrapydNode], egg: bytes
) -> None:
    release, entered = threading.Event(), threading.Event()
    hold = hold_first(release, entered, matcher("inform.kz", is_listing))
    config = load(write_config(tmp_path, f"sqlite:///{tmp_path / 'aw.db'}", server, nodes[:1]))
    deployed(nodes, egg, config)
    engine = migrated(config.database_url)
    launcher = ScrapydLauncher(engine, config, timeout=8, grace=2, poll=0.3)
    server.faults.append(hold)
    try:
        outcome = launcher.run("kazinform")
    finally:
        server.faults.remove(hold)
        release.set()
    assert entered.is_set()
    assert (outcome.node, outcome.killed_by, outcome.returncode) == ("crawl-1", "timeout", None)
    assert outcome.run is not None and outcome.run.killed_by == "timeout"
    assert 8 <= outcome.seconds < 8 + 2 + 5, outcome.seconds
    job = str(outcome.run.launch_id)
    ended = lambda: nodes[0].get("status.json", job=job)["currstate"] == "finished"  # noqa: E731
    wait_until(ended, 10, "the job to end")
    assert "cancel.json" in nodes[0].log()
    engine.dispose()
