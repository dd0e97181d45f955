"""Dispatcher figures: throughput to a local webhook receiver and the latency it adds.

``python -m benchmarks.dispatch [--quick]`` prints JSON:
- ``dispatch_entries_per_s``: outbox entries delivered per second by one dispatcher draining a
  backlog (SQLite in WAL mode, a stdlib ThreadingHTTPServer on 127.0.0.1 answering 200);
- ``dispatch_latency_ms_median`` / ``_p95``: from the commit of an outbox row (the crawler's
  transaction) to the receiver having the request, when a dispatcher run starts right away. A
  daemon adds up to ``[daemon] dispatch_every_seconds`` of polling delay on top.
"""

from __future__ import annotations

import json
import statistics
import sys
import tempfile
import threading
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from benchmarks.receiver import WebhookReceiver
from detect import Meeting
from notify.config import validate
from notify.dispatcher import Dispatcher
from storage.engine import make_engine, session_factory
from storage.migrate import upgrade
from storage.records import ArticleRecord
from storage.repository import ArticleStore

EVER = timedelta(days=36500)  # the synthetic meetings span years: every one is alerted


def _record(number: int) -> ArticleRecord:
    return ArticleRecord(
        url=f"https://www.inform.kz/ru/bench_a{5000000 + number}",
        source="kazinform",
        language="ru",
        title=f"Токаев принял акима ({number})",
        body="Текст.",
        published_at=datetime.now(UTC),
        meetings=[Meeting("reception", date.fromordinal(739000 + 3 * number), "Karaganda")],
    )


def run(quick: bool = False) -> dict[str, float]:
    """Measure throughput and added latency; ``quick`` uses fewer entries."""
    backlog, samples = (100, 20) if quick else (1000, 100)
    receiver = WebhookReceiver()
    threading.Thread(target=receiver.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{receiver.server_address[1]}/hook"
    with tempfile.TemporaryDirectory() as tmp:
        db_url = f"sqlite:///{Path(tmp) / 'bench.db'}"
        engine = make_engine(db_url)
        upgrade(engine)
        config = validate(
            {
                "database": {"url": db_url},
                "notify": {"batch_size": 100},
                "channels": [{"name": "crm", "kind": "webhook", "url": url}],
            }
        )
        dispatcher = Dispatcher(config, engine)
        sessions = session_factory(engine)
        with sessions() as session:
            ArticleStore(session, notify_max_age=EVER).save([_record(n) for n in range(backlog)])
        started = time.perf_counter()
        sent = dispatcher.run_until_idle().sent
        throughput = sent / (time.perf_counter() - started)
        latencies = []
        for number in range(backlog, backlog + samples):
            with sessions() as session:
                ArticleStore(session, notify_max_age=EVER).save([_record(number)])
            committed = time.perf_counter()
            dispatcher.run_once()
            key = f"meeting.new:{date.fromordinal(739000 + 3 * number).isoformat()}/Karaganda:crm"
            latencies.append((receiver.arrivals[key] - committed) * 1000)
        engine.dispose()
    receiver.shutdown()
    receiver.server_close()
    return {
        "dispatch_entries_per_s": round(throughput, 1),
        "dispatch_latency_ms_median": round(statistics.median(latencies), 2),
        "dispatch_latency_ms_p95": round(statistics.quantiles(latencies, n=20)[18], 2),
    }


if __name__ == "__main__":
    print(json.dumps(run(quick="--quick" in sys.argv[1:]), indent=2))
