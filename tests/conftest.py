"""Shared fixtures: databases (SQLite always, PostgreSQL when AKIMWATCH_TEST_PG_URL is set)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from sqlalchemy import Engine, text

from storage.engine import make_engine
from storage.migrate import upgrade

ROOT = Path(__file__).resolve().parents[1]
PG_URL = os.environ.get("AKIMWATCH_TEST_PG_URL")
# Scrapy's cookie middleware asks tldextract for public suffixes; with no network the download
# fails with a logged traceback before the bundled snapshot is used, so tests use the snapshot.
os.environ.setdefault("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", "")

# The per-input time bound: 500 ms on a quiet machine (fuzz); CI shares two cores with crawls and
# servers, so its bound only catches hangs.
settings.register_profile(
    "ci", max_examples=200, deadline=5000, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile(
    "fuzz", max_examples=10_000, deadline=500, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE") or "ci")


def _pg_database() -> Iterator[str]:
    assert PG_URL is not None
    name = f"aw_{uuid.uuid4().hex[:12]}"
    admin = make_engine(PG_URL)
    with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = PG_URL.rsplit("/", 1)[0] + f"/{name}"
    try:
        yield url
    finally:
        with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database URL on each backend (PostgreSQL is skipped without a server)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'test.db'}"
        return
    yield from _pg_or_skip()


def _pg_or_skip() -> Iterator[str]:
    if not PG_URL:
        if os.environ.get("CI"):
            pytest.fail("CI must provide PostgreSQL through AKIMWATCH_TEST_PG_URL")
        pytest.skip("AKIMWATCH_TEST_PG_URL is not set")
    yield from _pg_database()


@pytest.fixture
def pg_database_url() -> Iterator[str]:
    """An empty PostgreSQL database of its own (advisory locks are per database), for the tests
    marked ``postgres``."""
    yield from _pg_or_skip()


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    """A migrated engine on each backend."""
    engine = make_engine(db_url)
    upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """A SQLite URL in the test's directory."""
    return f"sqlite:///{tmp_path / 'akimwatch.db'}"
