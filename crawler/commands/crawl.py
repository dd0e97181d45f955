"""``scrapy crawl NAME`` with an honest exit status.

Scrapy's own ``crawl`` exits 0 whatever happened. This one checks the database schema first (an
empty or outdated database is one line, ``... run `akimwatch db upgrade```, and exit 1, not a
traceback per component), then runs the spider and exits 1 when its crawl-run row is judged bad
by :func:`storage.runs.problem` (the same verdict as ``run-once`` and ``akimwatch status``),
printing the reason on stderr.
"""

from __future__ import annotations

import argparse
import sys

from scrapy.commands.crawl import Command as ScrapyCrawl
from scrapy.crawler import Crawler
from scrapy.spiders import Spider
from sqlalchemy.orm import Session

from storage.engine import make_engine, read_only
from storage.migrate import SchemaOutdated, check_schema
from storage.models import CrawlRun
from storage.runs import problem

EXIT_BAD_RUN = 1


class Command(ScrapyCrawl):
    """Run a spider; exit 1 when its run was bad or the schema is not current."""

    crawler: Crawler | None = None

    def _create_crawler(self, spidercls: type[Spider] | str) -> Crawler:
        self.crawler = super()._create_crawler(spidercls)
        return self.crawler

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        """Check the schema, crawl, then judge the run."""
        assert self.settings is not None
        engine = make_engine(self.settings.get("AKIMWATCH_DATABASE_URL"))
        try:
            check_schema(engine)
        except SchemaOutdated as exc:
            print(f"akimwatch: {exc}", file=sys.stderr)
            self.exitcode = EXIT_BAD_RUN
            return
        finally:
            engine.dispose()
        super().run(args, opts)
        if self.exitcode == 0:
            self.exitcode = self._judge()

    def _judge(self) -> int:
        stats = self.crawler.stats if self.crawler is not None else None
        run_id = stats.get_value("akimwatch/run_id") if stats is not None else None
        if run_id is None:
            print("akimwatch: the crawl recorded no run", file=sys.stderr)
            return EXIT_BAD_RUN
        assert self.settings is not None
        engine = make_engine(self.settings.get("AKIMWATCH_DATABASE_URL"))
        try:
            with Session(read_only(engine)) as session:
                run = session.get(CrawlRun, run_id)
                reason = problem(run) if run is not None else "its crawl-run row is gone"
        finally:
            engine.dispose()
        if reason is None:
            return 0
        print(f"akimwatch: {run.spider if run else 'the'} run {run_id} was bad: {reason}",
              file=sys.stderr)  # fmt: skip
        return EXIT_BAD_RUN
