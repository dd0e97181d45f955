"""Issue 12's truth figures on the replicas, per layout: every source crawled by one
``akimwatch run-once`` into a fresh SQLite database with a real webhook receiver and a real SMTP
server, then scored against ``replica_labels.json`` (see :mod:`benchmarks.truth_score`).

The figures are printed (``-s``) and the issue's thresholds asserted: every served article
stored with its true publication time, at least 97% of alerts matching a labelled meeting, no
meeting alerted twice, every subject a source's own headline. ``python -m benchmarks.truth``
prints the same figures for every layout at once.
"""

from __future__ import annotations

import pytest

from akimwatch.replicas.layouts import LAYOUTS
from benchmarks.truth import table
from benchmarks.truth_crawl import crawl
from benchmarks.truth_score import score

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
