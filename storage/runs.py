"""The one definition of a good crawl run, and the look-ups built on it.

``akimwatch status``, the health alerts, the schedule's catch-up ("last success"), ``run-once``,
the crawl's resume decision and ``scrapy crawl``'s exit status all judge a run by
:func:`problem`. A run is good when it fetched pages, got at least one listing, feed or API page
(a re-check run: at least one answer), extracted articles from the listing pages it fetched (a
fallback feed standing in for cardless listings still leaves a bad run: the layout changed), got
at least one article page that was the article when it asked for any, and shows no health problem
(an unreachable host, articles missing a title or a date).
"""

from __future__ import annotations

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import Session

from storage.models import CrawlRun

FENCED = "fenced"  # finish reason of a run refused at open: its leader's term was stale
UNREACHABLE = "akimwatch/unreachable/"  # stats key prefix: host -> why it could not be reached
FIRST_LOOK = 10
LOOKBACK = 200


def _stat(run: CrawlRun, key: str) -> int:
    value = (run.stats or {}).get(key) or 0
    return int(value) if isinstance(value, int | float | str) and str(value).isdigit() else 0


def is_recheck(run: CrawlRun) -> bool:
    """Whether the run was a change re-check (``-a recheck=1``), not a listing crawl."""
    return "akimwatch/recheck_requests" in (run.stats or {})


def unreachable(run: CrawlRun) -> list[str]:
    """``cannot reach HOST: why`` for every host the run gave up on."""
    stats = run.stats or {}
    return [
        f"cannot reach {key[len(UNREACHABLE) :]}: {why}"
        for key, why in sorted(stats.items())
        if key.startswith(UNREACHABLE)
    ]


def problem(run: CrawlRun) -> str | None:
    """Why a finished run counts as bad, or None when it is good."""
    if run.killed_by:
        return f"killed ({run.killed_by})"
    hosts = unreachable(run)
    if hosts:
        return "; ".join(hosts)
    if run.finish_reason != "finished":
        return f"ended with {run.finish_reason}"
    if is_recheck(run):  # nothing due is fine: a re-check is judged by its answers
        return _recheck_problem(run)
    if _stat(run, "akimwatch/nothing_to_crawl"):  # e.g. no configured language on the site
        return None
    if run.pages == 0:
        return "fetched no page"
    return _listing_problem(run)


def _listing_problem(run: CrawlRun) -> str | None:
    pages = run.listing_pages + _stat(run, "akimwatch/feed_pages")  # with fallback feeds (RSS)
    if pages == 0:
        refused = _stat(run, "akimwatch/listing_refused")
        if refused:
            return f"every listing request was refused ({refused} refusals, no listing page)"
        return f"no listing, feed or API page fetched ({run.errors} errors)"
    listed, fed = _stat(run, "akimwatch/listing_entries"), _stat(run, "akimwatch/feed_entries")
    if run.listing_pages and not listed and fed:  # the listings' layout changed; RSS stood in
        return f"0 articles from {run.listing_pages} listing pages (the RSS feed took over)"
    if listed + fed == 0:
        return f"0 articles from {pages} listing pages"
    given_up = _stat(run, "akimwatch/not_article_given_up")
    if run.items == 0 and given_up:
        return f"no article stored: {given_up} pages were not the article (blocked or cut short)"
    if run.incomplete_items > 0:
        return f"{run.incomplete_items} of {run.items} articles missing a title or date"
    return None


def _recheck_problem(run: CrawlRun) -> str | None:
    asked = _stat(run, "akimwatch/recheck_requests")
    answered = _stat(run, "akimwatch/recheck_fetched") + _stat(
        run, "akimwatch/recheck_not_modified"
    )
    if asked and not answered:
        return f"every one of {asked} re-checks failed"
    return None


def is_good(run: CrawlRun) -> bool:
    """Whether a finished run is good (see :func:`problem`)."""
    return run.finished_at is not None and problem(run) is None


def _finished(source: str) -> Select[CrawlRun]:
    """The finished runs of a source, newest first (by the spider/started index); fenced runs
    never crawled, so they say nothing of the source."""
    return (
        select(CrawlRun)
        .where(
            CrawlRun.spider == source,
            CrawlRun.finished_at.is_not(None),
            or_(CrawlRun.finish_reason.is_(None), CrawlRun.finish_reason != FENCED),
        )
        .order_by(CrawlRun.started_at.desc(), CrawlRun.id.desc())
    )


def streak(session: Session, source: str) -> tuple[list[CrawlRun], CrawlRun | None]:
    """The finished runs of ``source`` since its last good one (newest first), and that run.

    The newest few runs are read first and the rest (up to LOOKBACK) only while no good run is
    among them, so the check after every run does not grow with the crawl-run table.
    """
    query = _finished(source)
    runs: list[CrawlRun] = []
    for limit in (FIRST_LOOK, LOOKBACK):
        runs = list(session.scalars(query.limit(limit)))
        good = next((i for i, run in enumerate(runs) if problem(run) is None), None)
        if good is not None:
            return runs[:good], runs[good]
        if len(runs) < limit:
            break
    return runs, None


def last_good_crawl(session: Session, source: str) -> CrawlRun | None:
    """The newest good listing crawl of ``source`` (re-check runs do not count)."""
    query = _finished(source)
    for limit in (FIRST_LOOK, LOOKBACK):
        runs = list(session.scalars(query.limit(limit)))
        found = next((r for r in runs if not is_recheck(r) and problem(r) is None), None)
        if found is not None or len(runs) < limit:
            return found
    return None


def last_bad(session: Session, source: str) -> CrawlRun | None:
    """The newest finished bad run of ``source`` among the last LOOKBACK."""
    runs = session.scalars(_finished(source).limit(LOOKBACK))
    return next((r for r in runs if problem(r) is not None), None)
