"""Secret values: masked in ``repr``, ``str``, logs, error messages and JSON dumps, revealed
(``get_secret_value()``) only where they are used.

``SecretStr`` holds a password or a signing secret (shown as ``**********``); ``SecretUrl`` a URL
whose path or token is the secret (a webhook, an Apprise URL), shown as
``https://host[:port]/********`` for http(s) so an operator still sees which endpoint failed, and
as ``scheme://********`` for the other schemes (whose host part often is the token). Secrets named
by ``<key>_env`` / ``<key>_file`` keys are read at the point of use by :func:`read_secret`, so a
rotated file is picked up and one emptied since the load is noticed.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlsplit

from pydantic import Secret, SecretStr

from core.config_errors import MASK

__all__ = ["SecretStr", "SecretUrl", "read_secret", "shown_url"]


def shown_url(url: str) -> str:
    """The form of a secret URL that outputs show: scheme and host for http(s), the scheme
    only for any other."""
    scheme, sep, _ = url.strip().partition("://")
    if not sep:
        return MASK
    try:
        parts = urlsplit(url.strip())
        host = parts.hostname
        port = f":{parts.port}" if parts.port else ""
    except ValueError:
        host = None
    if scheme.lower() in ("http", "https") and host:
        return f"{scheme}://{host}{port}/{MASK}"
    return f"{scheme}://{MASK}"


class SecretUrl(Secret[str]):
    """A URL that is a credential: shown by :func:`shown_url`, revealed by
    ``get_secret_value()``."""

    def _display(self) -> str:
        return shown_url(self.get_secret_value())


def read_secret(env_name: str | None, file_name: str | None) -> SecretStr | None:
    """The secret in the variable ``env_name`` (else the file ``file_name``, stripped), read now;
    None when neither is named or the variable is unset. OSError if the file cannot be read."""
    if env_name:
        value = os.environ.get(env_name)
        return None if value is None else SecretStr(value)
    if file_name:
        return SecretStr(Path(file_name).read_text(encoding="utf-8").strip())
    return None
