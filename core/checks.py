"""Checks of single configuration values, each raising ValueError with what is allowed.

The configuration model calls them from its validators, so a wrong URL, cron expression, database
URL, region or data directory is refused when the file is loaded, not when it is first used.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from email.utils import parseaddr
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from core.config import ChannelConfig

DATABASE_BACKENDS = ("sqlite", "postgresql")
DATABASE_FORMS = "sqlite:///PATH or postgresql+psycopg://USER@HOST/DB"
_HOST = re.compile(r"(?i)[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*\.?")
_SLUG = re.compile(r"[a-z0-9][a-z0-9_-]*")


def http_url(value: str) -> str:
    """``value`` if it is an absolute http(s) URL with a host and no spaces."""
    allowed = "allowed: http://HOST[:PORT]/PATH or https://..."
    try:
        parts = urlsplit(value.strip())
        parts.port  # noqa: B018 - raises ValueError on a port out of range
    except ValueError:
        raise ValueError(f"not an http(s) URL; {allowed}") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"not an http(s) URL; {allowed}")
    if any(char.isspace() for char in value.strip()):
        raise ValueError(f"not an http(s) URL (it contains a space); {allowed}")
    return value.strip()


def hostname(value: str) -> str:
    """``value`` if it is a bare host name such as ``www.example.kz`` (no scheme, port or path)."""
    if not _HOST.fullmatch(value.strip()):
        raise ValueError(f"{value!r} is not a host name; allowed: a name like www.example.kz")
    return value.strip()


def email_address(value: str) -> str:
    """``value`` if it is an address such as ``desk@example.org`` or ``Desk <desk@example.org>``."""
    _name, address = parseaddr(value)
    local, at, domain = address.rpartition("@")
    if not at or not local or not domain or any(c.isspace() for c in address):
        raise ValueError(f"{value!r} is not an e-mail address; allowed: name@example.org")
    return value


def slug(value: str) -> str:
    """``value`` if it is a site slug such as ``karaganda`` (lowercase letters, digits, -, _)."""
    if not _SLUG.fullmatch(value):
        raise ValueError(f"{value!r} is not a slug; allowed: lowercase letters, digits, - and _")
    return value


def readable_file(value: str) -> str:
    """``value`` if it names a readable file."""
    if not Path(value).is_file() or not os.access(value, os.R_OK):
        raise ValueError("no readable file there; allowed: the path of an existing file")
    return value


def scheme_url(value: str) -> str:
    """``value`` if it has the ``scheme://`` form that Apprise URLs take (mailto://, tgram://)."""
    scheme, sep, rest = value.strip().partition("://")
    if not sep or not scheme.replace("+", "").isalnum() or not rest:
        raise ValueError("not a notification URL; allowed: SCHEME://... as Apprise documents")
    return value.strip()


def cron(value: str) -> str:
    """``value`` if the scheduler's own parser (APScheduler 3) accepts it."""
    from apscheduler.triggers.cron import CronTrigger

    if len(value.split()) != 5:
        raise ValueError("a cron expression has 5 fields: minute hour day month day_of_week")
    try:
        CronTrigger.from_crontab(value, timezone="UTC")
    except ValueError as exc:
        raise ValueError(f"not a valid cron expression ({exc})") from None
    return value


def database_url(value: str) -> str:
    """``value`` if it is empty (the SQLite default) or a URL of a supported database."""
    if not value:
        return value
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        backend = make_url(value).get_backend_name()
    except (ArgumentError, ValueError):
        raise ValueError(f"not a database URL; allowed: {DATABASE_FORMS}") from None
    if backend not in DATABASE_BACKENDS:
        raise ValueError(f"unsupported database {backend!r}; allowed: {DATABASE_FORMS}")
    return value


def writable_dir(path: Path) -> Path:
    """``path`` if it is a writable directory or one that can be created (nothing is created)."""
    if path.exists():
        if not path.is_dir():
            raise ValueError("exists and is not a directory; allowed: a writable directory")
        if not os.access(path, os.W_OK | os.X_OK):
            raise ValueError("is not writable by this user; allowed: a writable directory")
        return path
    ancestor = path.absolute().parent
    while not ancestor.exists():
        ancestor = ancestor.parent
    if not ancestor.is_dir():
        raise ValueError(f"cannot be created: {ancestor} is a file; allowed: a writable directory")
    if not os.access(ancestor, os.W_OK | os.X_OK):
        raise ValueError(f"cannot be created: {ancestor} is not writable by this user")
    return path


def secret_source(env_name: str | None, file_name: str | None, environ: dict[str, str]) -> None:
    """Raise unless the named secret variable or file holds more than whitespace: an empty
    secret would send unsigned or unauthenticated."""
    if env_name:
        if env_name not in environ:
            raise ValueError(f"the environment variable {env_name} is not set")
        if not environ[env_name].strip():
            raise ValueError(f"the environment variable {env_name} is empty (or only whitespace)")
    if file_name and not env_name:
        if not Path(file_name).is_file():
            raise ValueError(f"the file {file_name} does not exist")
        try:
            text = Path(file_name).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise ValueError(f"the file {file_name} cannot be read: {exc}") from None
        if not text.strip():
            raise ValueError(f"the file {file_name} is empty (or only whitespace)")


def channel_secrets(channels: Iterable[ChannelConfig], environ: dict[str, str]) -> None:
    """Raise for a channel naming a secret variable or file that is missing: it would otherwise
    send unsigned or unauthenticated."""
    for channel in channels:
        for key in channel.secret_keys:
            env_name = getattr(channel, f"{key}_env", None)
            file_name = getattr(channel, f"{key}_file", None)
            try:
                secret_source(env_name, file_name, environ)
            except ValueError as exc:
                named, fix = (
                    (f"{key}_env", "set it")
                    if env_name
                    else (f"{key}_file", "write the secret into it")
                )
                raise ValueError(
                    f"channels.{channel.name}.{named}: {exc}; {fix} or remove {named}"
                ) from None
