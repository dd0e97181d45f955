"""``python -m notify [--config PATH]``: send what is due, print a summary, exit."""

from __future__ import annotations

import argparse
import sys

from core.config import ConfigError
from notify.config import load
from notify.dispatcher import Dispatcher
from storage.engine import make_engine
from storage.migrate import SchemaOutdated, check_schema


def main(argv: list[str] | None = None) -> int:
    """Run the dispatcher until nothing is due; 2 on a configuration or schema problem."""
    parser = argparse.ArgumentParser(prog="python -m notify", description=__doc__)
    parser.add_argument("--config", help="the TOML configuration file")
    args = parser.parse_args(argv)
    try:
        config = load(args.config)
        engine = make_engine(config.database_url)
        check_schema(engine)
    except (ConfigError, SchemaOutdated) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    report = Dispatcher(config, engine).run_until_idle()
    print(report.summary())
    return 0


if __name__ == "__main__":
    sys.exit(main())
