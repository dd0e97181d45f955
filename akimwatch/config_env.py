"""``AKIMWATCH_*`` environment overrides of the configuration: ``AKIMWATCH_<SECTION>__<KEY>``
sets one key (the value read as a TOML literal where it parses, so ``true``, ``10`` and ``["ru"]``
work); ``AKIMWATCH_DATABASE_URL`` and ``AKIMWATCH_HOST_OVERRIDES`` are shortcuts."""

from __future__ import annotations

import tomllib
from typing import Any

from akimwatch.config_errors import ConfigError, Loc

ENV_PREFIX = "AKIMWATCH_"


def apply_env(data: dict[str, Any], env: dict[str, str]) -> dict[Loc, str]:
    """Put the ``AKIMWATCH_*`` overrides into ``data``; return which variable set which key."""
    origins: dict[Loc, str] = {}
    if f"{ENV_PREFIX}DATABASE_URL" in env:
        data.setdefault("database", {})["url"] = env[f"{ENV_PREFIX}DATABASE_URL"]
        origins[("database", "url")] = f"{ENV_PREFIX}DATABASE_URL"
    if f"{ENV_PREFIX}HOST_OVERRIDES" in env:
        data.setdefault("crawl", {})["host_overrides"] = parse_host_overrides(
            env[f"{ENV_PREFIX}HOST_OVERRIDES"]
        )
        origins[("crawl", "host_overrides")] = f"{ENV_PREFIX}HOST_OVERRIDES"
    for name, raw in env.items():
        if not name.startswith(ENV_PREFIX) or "__" not in name:
            continue
        path = name[len(ENV_PREFIX) :].lower().split("__")
        node = data
        for part in path[:-1]:
            node = node.setdefault(part, {})
            if not isinstance(node, dict):
                raise ConfigError(f"{name}: {'.'.join(path)} does not name a single key")
        node[path[-1]] = _literal(raw)
        origins[tuple(path)] = name
    return origins


def _literal(raw: str) -> Any:
    try:
        return tomllib.loads(f"v = {raw}")["v"]
    except tomllib.TOMLDecodeError:
        return raw


def parse_host_overrides(text: str) -> dict[str, str]:
    """Parse ``host=http://127.0.0.1:PORT,host2=...`` into a mapping."""
    result: dict[str, str] = {}
    for pair in filter(None, (part.strip() for part in text.split(","))):
        host, sep, target = pair.partition("=")
        if not sep or not host or not target:
            raise ConfigError(f"AKIMWATCH_HOST_OVERRIDES: {pair!r} is not host=http://address:port")
        result[host.strip().lower()] = target.strip()
    return result
