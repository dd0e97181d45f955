"""Notification tests import their helpers from this folder."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from notify_helpers import any_engine, any_url, db_url, engine, mailbox, pg_url, receiver

__all__ = ["any_engine", "any_url", "db_url", "engine", "mailbox", "pg_url", "receiver"]
