"""De-duplication at scale: checking 1,000 candidate URLs and storing 1,000 new articles against a
database of 1,000,000 stored articles (100,000 with ``quick``), on SQLite and on PostgreSQL.

``python -m benchmarks.dedup [--quick] [--pg URL]``; PostgreSQL is measured when ``--pg`` or
``AKIMWATCH_TEST_PG_URL`` names a server (a scratch database is created and dropped). Figures are
medians of ``ROUNDS`` batches; ``save_mean_ms`` is the mean, which on SQLite includes the WAL
checkpoint that runs every few batches.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

from sqlalchemy import Engine, insert, text

from storage.clock import utcnow
from storage.engine import make_engine, session_factory
from storage.migrate import upgrade
from storage.models import Article, ArticleUrl
from storage.records import ArticleRecord
from storage.repository import ArticleStore, known_urls
from storage.urls import canonical_url

BATCH = 1000
ROUNDS = 9
CHUNK = 20_000


def _url(number: int) -> str:
    return f"https://inform.kz/ru/glava-gosudarstva-novost-{number:08x}"


def _key(number: int) -> str:
    return hashlib.sha1(_url(number).encode()).hexdigest()


def populate(engine: Engine, size: int) -> None:
    """Fill the database with ``size`` articles and their URLs using Core executemany."""
    assert canonical_url(_url(size)) == _url(size), "the synthetic URLs must be canonical"
    now = utcnow()
    with engine.begin() as connection:
        for start in range(0, size, CHUNK):
            numbers = range(start, min(start + CHUNK, size))
            connection.execute(insert(Article), [_article_row(n, now) for n in numbers])
            connection.execute(
                insert(ArticleUrl),
                [{"url_key": _key(n), "article_id": n + 1, "url": _url(n)} for n in numbers],
            )
        if engine.dialect.name == "postgresql":  # explicit ids leave the sequence behind
            connection.execute(
                text("SELECT setval('articles_id_seq', (SELECT max(id) FROM articles))")
            )


def _article_row(number: int, now: object) -> dict[str, object]:
    return {
        "id": number + 1, "url_key": _key(number), "canonical_url": _url(number),
        "url": _url(number), "source": "kazinform", "source_id": f"{number:08x}",
        "language": "ru", "title": f"Новость {number}", "lead": "", "body": "Текст новости.",
        "tags": [], "published_at": now, "first_seen_at": now, "last_checked_at": now,
        "content_hash": _key(number), "relevant": False, "version": 1,
    }  # fmt: skip


def _records(first: int) -> list[ArticleRecord]:
    published = utcnow() - timedelta(hours=1)
    return [
        ArticleRecord(
            url=_url(n), source="kazinform", language="ru", title=f"Новость {n}",
            body="Текст новости. " * 40, published_at=published, source_id=f"{n:08x}",
        )
        for n in range(first, first + BATCH)
    ]  # fmt: skip


def _timings_ms(action: Callable[[int], object]) -> list[float]:
    timings = []
    for round_ in range(ROUNDS):
        started = time.perf_counter()
        action(round_)
        timings.append((time.perf_counter() - started) * 1000)
    return timings


def measure(engine: Engine, size: int) -> dict[str, float]:
    """Milliseconds per batch of 1,000 for the URL check and for the insert (median, mean)."""
    sessions = session_factory(engine)

    def check(round_: int) -> None:
        half = BATCH // 2
        candidates = [_url(size // 3 + round_ * BATCH + i) for i in range(half)]
        candidates += [_url(size * 2 + round_ * BATCH + i) for i in range(half)]
        with sessions() as session:
            assert len(known_urls(session, candidates)) == half

    def store(round_: int) -> None:
        records = _records(size + round_ * BATCH)
        with sessions() as session:
            result = ArticleStore(session).save(records)
            assert result.new_articles == BATCH

    checks, saves = _timings_ms(check), _timings_ms(store)
    return {
        "known_urls_ms": round(statistics.median(checks), 1),
        "save_ms": round(statistics.median(saves), 1),
        "save_mean_ms": round(statistics.mean(saves), 1),
    }


@contextmanager
def _pg_database(url: str) -> Iterator[str]:
    name = f"aw_bench_{uuid.uuid4().hex[:8]}"
    admin = make_engine(url)
    with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield url.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _backend(url: str, size: int, prefix: str) -> dict[str, float]:
    engine = make_engine(url)
    try:
        upgrade(engine)
        started = time.perf_counter()
        populate(engine, size)
        if engine.dialect.name == "postgresql":
            with engine.begin() as connection:
                connection.execute(text("ANALYZE"))
        figures = {"populate_s": round(time.perf_counter() - started, 1), **measure(engine, size)}
    finally:
        engine.dispose()
    return {f"{prefix}_{name}": value for name, value in figures.items()}


def run(quick: bool = False, pg_url: str | None = None) -> dict[str, float]:
    """The figures as one flat dict (milliseconds per batch of 1,000; seconds to populate)."""
    size = 100_000 if quick else 1_000_000
    figures: dict[str, float] = {"stored_articles": size, "batch": BATCH}
    with tempfile.TemporaryDirectory() as folder:
        figures.update(_backend(f"sqlite:///{Path(folder) / 'bench.db'}", size, "sqlite"))
    pg_url = pg_url or os.environ.get("AKIMWATCH_TEST_PG_URL")
    if pg_url:
        with _pg_database(pg_url) as url:
            figures.update(_backend(url, size, "postgresql"))
    return figures


if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="python -m benchmarks.dedup", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="100,000 stored articles")
    parser.add_argument("--pg", help="a PostgreSQL URL to measure too")
    arguments = parser.parse_args()
    print(json.dumps(run(arguments.quick, arguments.pg), indent=2))
