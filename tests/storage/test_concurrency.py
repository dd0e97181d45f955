"""Two crawls writing at once (threads with their own connections) never duplicate a meeting."""

from __future__ import annotations

import threading
from datetime import timedelta

from dedup_helpers import DAY, article, count, local, meeting, outbox_keys
from sqlalchemy import Engine

from storage.engine import session_factory
from storage.models import Article, Meeting, MeetingArticle
from storage.records import ArticleRecord
from storage.repository import ArticleStore

REGIONS = ["Karaganda", "Kostanay", "Abai", "Ulytau", "Zhetysu", "Pavlodar"]


def _batches(source: str) -> list[list[ArticleRecord]]:
    """One batch per region and day; every source also stores one shared Kazinform URL."""
    shared = article("https://www.inform.kz/ru/shared-7a1c3e", "kazinform", "ru", local(DAY, 9))
    batches = []
    for offset in range(3):
        day = DAY + timedelta(days=3 * offset)
        batch = [
            article(
                f"https://{source}.kz/ru/{region}-{offset}-{number}",
                source,
                "ru",
                local(day, 12),
                meeting(region, None, day=day),
            )
            for number, region in enumerate(REGIONS)
        ]
        batches.append([*batch, shared])
    return batches


def _writer(
    engine: Engine, source: str, barrier: threading.Barrier, errors: list[BaseException]
) -> None:
    try:
        barrier.wait()
        for batch in _batches(source):
            with session_factory(engine)() as session:
                ArticleStore(session, notify_max_age=timedelta(days=36500)).save(batch)
    except BaseException as exc:  # reported by the test thread
        errors.append(exc)


def test_concurrent_writers_create_each_meeting_and_alert_once(engine: Engine) -> None:
    sources = ["akorda", "bestnews", "govkz", "kazinform"]
    barrier = threading.Barrier(len(sources))
    errors: list[BaseException] = []
    threads = [
        threading.Thread(target=_writer, args=(engine, source, barrier, errors))
        for source in sources
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    meetings = len(REGIONS) * 3
    assert count(engine, Meeting) == meetings
    assert count(engine, Article) == meetings * len(sources) + 1
    assert count(engine, MeetingArticle) == meetings * len(sources)
    keys = outbox_keys(engine)
    assert len(keys) == len(set(keys)) == meetings * 2
