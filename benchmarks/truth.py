"""Replica truth figures (issue 12): for each layout 0..4, every replica crawled by one
``akimwatch run-once`` (see :mod:`benchmarks.truth_crawl`) and scored against the labels (see
:mod:`benchmarks.truth_score`).

``python -m benchmarks.truth`` prints a table per layout and site, then the failing cases, then
the figures as JSON:
- ``true_dates_percent``: stored articles whose published_at is the replica's own, of those
  served (an article not stored counts as wrong); ``true_dates_day_only`` of them are Akorda
  pages that show only their day (no time on the page, not in the RSS feed): the day is compared;
- ``alerts_matching_percent``: ``meeting.new`` webhooks that match a labelled meeting;
- ``meetings_missed``, ``meetings_alerted_twice``: labelled meetings due an alert that got none,
  or got two different meeting alerts;
- ``subjects_not_headline``: email subjects and webhook titles that are not the headline of a
  report of their meeting;
- ``emails_new``, ``emails_updated``: the mail channel's ``meeting.new`` and ``meeting.updated``
  emails (the channel takes both, the window is 30 minutes); ``meetings_new_not_once``: alerted
  labelled meetings without exactly one ``meeting.new`` email; ``meetings_updated_twice``:
  meetings with more than one update email in the run.
These are correctness figures, counted over every layout; the run time is not one of them.
"""

from __future__ import annotations

import json
import sys
from typing import Any

from benchmarks.truth_crawl import crawl
from benchmarks.truth_score import score
from replicas.layouts import LAYOUTS

EMAIL_FIGURES = ("emails_new", "emails_updated", "meetings_new_not_once", "meetings_updated_twice")


def measure(layouts: range = range(LAYOUTS)) -> list[dict[str, Any]]:
    """The scored crawl of every layout."""
    return [{"layout": layout, **score(crawl(layout))} for layout in layouts]


def table(results: list[dict[str, Any]]) -> str:
    """One line per layout and site, one per layout for the alerts, then the failures."""
    lines = ["layout site       stored/served  true published_at (of them day only)"]
    for result in results:
        for site, f in result["sites"].items():
            lines.append(
                f"{result['layout']:>6} {site:10} {f['stored']:>6}/{f['served']:<6}  {f['true']}"
                f" ({f['day_only']})"
            )
    lines.append(
        "layout alerts matching due missed twice subjects not-headline"
        " new-emails updates new-not-once updated-twice"
    )
    for r in results:
        lines.append(
            f"{r['layout']:>6} {r['alerts']:>6} {r['alerts_matching']:>8} {r['meetings_due']:>3}"
            f" {r['meetings_missed']:>6} {r['meetings_alerted_twice']:>5} {r['subjects']:>8}"
            f" {r['subjects_not_headline']:>12} {r['emails_new']:>10} {r['emails_updated']:>7}"
            f" {r['meetings_new_not_once']:>12} {r['meetings_updated_twice']:>13}"
        )
    failures = [line for r in results for line in r["failures"]]
    return "\n".join([*lines, *(f"FAIL {line}" for line in failures)])


def totals(results: list[dict[str, Any]]) -> dict[str, Any]:
    """The figures over every layout."""
    served = sum(f["served"] for r in results for f in r["sites"].values())
    true = sum(f["true"] for r in results for f in r["sites"].values())
    alerts = sum(r["alerts"] for r in results)
    matching = sum(r["alerts_matching"] for r in results)
    return {
        "layouts": len(results),
        "articles_served": served,
        "articles_stored": sum(f["stored"] for r in results for f in r["sites"].values()),
        "true_dates": true,
        "true_dates_percent": round(100 * true / served, 2) if served else 0.0,
        "true_dates_day_only": sum(f["day_only"] for r in results for f in r["sites"].values()),
        "alerts_sent": alerts,
        "alerts_matching": matching,
        "alerts_matching_percent": round(100 * matching / alerts, 2) if alerts else 0.0,
        "meetings_due": sum(r["meetings_due"] for r in results),
        "meetings_missed": sum(r["meetings_missed"] for r in results),
        "meetings_alerted_twice": sum(r["meetings_alerted_twice"] for r in results),
        "subjects_checked": sum(r["subjects"] for r in results),
        "subjects_not_headline": sum(r["subjects_not_headline"] for r in results),
        **{name: sum(r[name] for r in results) for name in EMAIL_FIGURES},
    }


def run(quick: bool) -> dict[str, Any]:
    """Every layout (correctness figures: ``quick`` changes nothing); the table goes to stderr."""
    results = measure()
    print(table(results), file=sys.stderr)
    return totals(results)


if __name__ == "__main__":
    print(json.dumps(run(quick="--quick" in sys.argv), indent=2))
