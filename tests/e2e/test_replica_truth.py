"""Issue 12's truth figures on the replicas, per layout: every source crawled by one
``akimwatch run-once`` into a fresh SQLite database with a real webhook receiver and a real SMTP
server, then scored against ``replica_labels.json`` (see :mod:`benchmarks.truth_score`).

The figures are printed (``-s``) and the issue's thresholds asserted: every served article
stored with its true publication time, at least 97% of alerts matching a labelled meeting, no
meeting alerted twice, every subject a source's own headline; the email channel, which takes
``meeting.new`` and ``meeting.updated``, gets exactly one ``meeting.new`` per alerted meeting and
at most one update per meeting in the run (shorter than the update window).
``python -m benchmarks.truth`` prints the same figures for every layout at once.
"""

from __future__ import annotations

from collections import Counter

import pytest

from benchmarks.truth import table
from benchmarks.truth_crawl import crawl
from benchmarks.truth_score import score
from benchmarks.truth_updates import counts, later_report
from replicas.layouts import LAYOUTS

pytestmark = pytest.mark.slow
MATCHING = 0.97


@pytest.mark.parametrize("layout", range(LAYOUTS))
def test_replica_truth_figures(layout: int) -> None:
    result = {"layout": layout, **score(crawl(layout))}
    print("\n" + table([result]))
    failures = "\n".join(result["failures"])
    for site, figures in result["sites"].items():
        assert figures["stored"] == figures["served"], (site, failures)
        assert figures["true"] == figures["stored"], (site, failures)
    assert result["alerts"] > 0
    assert result["alerts_matching"] >= MATCHING * result["alerts"], failures
    assert result["meetings_alerted_twice"] == 0, failures
    assert result["subjects"] >= 2 * result["alerts"]  # a webhook title and an email subject each
    assert result["subjects_not_headline"] == 0, failures
    assert result["emails_new"] >= result["alerts_matching"]
    assert result["meetings_new_not_once"] == 0, failures
    assert result["meetings_updated_twice"] == 0, failures


def test_a_later_report_is_one_update_listing_it_after_the_window() -> None:
    """A second run-once after Kazinform adds a Russian report of a meeting alerted in the first
    run: the update is held within the window, then sent once, listing the new report."""
    first, later = later_report()
    before = counts(first)
    meeting = next(key for key in before if key.endswith("/Almaty"))
    after = counts(later.sent)
    print(f"\nfirst run: {len(first)} emails, {len(before)} meetings, updates per meeting"
          f" {max(c['meeting.updated'] for c in before.values())} at most; second run:"
          f" {len(later.held)} emails; after the window: {dict(after)}")  # fmt: skip
    assert all(c == Counter({"meeting.new": 1}) for c in before.values()), before
    assert later.held == [], later.output
    assert after == {meeting: Counter({"meeting.updated": 1})}, after
    (email,) = later.sent
    body = email.get_body(("plain",))
    assert body is not None
    text = body.get_content()
    assert later.url in text and later.report.title in text, text
    assert str(email["Subject"]).startswith("Обновление (+1): ")
