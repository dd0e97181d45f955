"""``AKIMWATCH_*`` environment overrides of the configuration.

``AKIMWATCH_<KEY>`` sets a top-level key (``AKIMWATCH_DATA_DIR``), ``AKIMWATCH_<SECTION>__<KEY>``
one key of a section (values are read as TOML literals where they parse, so ``true``, ``10`` and
``["ru"]`` work); ``AKIMWATCH_DATABASE_URL`` and ``AKIMWATCH_HOST_OVERRIDES`` are shortcuts and
``AKIMWATCH_CONFIG`` names the file. Other ``AKIMWATCH_`` names are refused with the nearest
known one, except the ones that are not configuration: ``AKIMWATCH_TEST_*`` (tests and CI) and
the secret variables the configuration itself names (``*_env`` keys)."""

from __future__ import annotations

import difflib
import tomllib
from collections.abc import Collection, Iterator
from typing import Any

from core.config_errors import ConfigError, Loc

ENV_PREFIX = "AKIMWATCH_"
SHORTCUTS = ("AKIMWATCH_CONFIG", "AKIMWATCH_DATABASE_URL", "AKIMWATCH_HOST_OVERRIDES")
TEST_PREFIX = "AKIMWATCH_TEST_"


def apply_env(
    data: dict[str, Any], env: dict[str, str], top_level: Collection[str], known: Collection[str]
) -> dict[Loc, str]:
    """Put the ``AKIMWATCH_*`` overrides into ``data``; return which variable set which key.

    ``top_level`` are the keys ``AKIMWATCH_<KEY>`` may set; ``known`` every variable name that
    sets a key, for the "did you mean" of an unknown one."""
    origins: dict[Loc, str] = {}
    if f"{ENV_PREFIX}DATABASE_URL" in env:
        data.setdefault("database", {})["url"] = env[f"{ENV_PREFIX}DATABASE_URL"]
        origins[("database", "url")] = f"{ENV_PREFIX}DATABASE_URL"
    if f"{ENV_PREFIX}HOST_OVERRIDES" in env:
        data.setdefault("crawl", {})["host_overrides"] = parse_host_overrides(
            env[f"{ENV_PREFIX}HOST_OVERRIDES"]
        )
        origins[("crawl", "host_overrides")] = f"{ENV_PREFIX}HOST_OVERRIDES"
    let_through = {*SHORTCUTS, *_named_variables(data)}
    for name, raw in sorted(env.items()):
        if not name.startswith(ENV_PREFIX) or name.startswith(TEST_PREFIX) or name in let_through:
            continue
        path = name[len(ENV_PREFIX) :].lower().split("__")
        if len(path) == 1 and path[0] not in top_level:
            raise ConfigError(
                f"{name}: not a configuration variable; {_nearest(name, [*SHORTCUTS, *known])}"
                f"allowed: {ENV_PREFIX}<KEY> (top level), {ENV_PREFIX}<SECTION>__<KEY>, "
                f"{', '.join(SHORTCUTS)}, {TEST_PREFIX}* and the variables *_env keys name"
            )
        _set(data, path, _literal(raw), name)
        origins[tuple(path)] = name
    return origins


def _set(data: dict[str, Any], path: list[str], value: Any, name: str) -> None:
    node = data
    for part in path[:-1]:
        node = node.setdefault(part, {})
        if not isinstance(node, dict):
            raise ConfigError(f"{name}: {'.'.join(path)} does not name a single key")
    node[path[-1]] = value


def _named_variables(node: Any) -> Iterator[str]:
    """The values of every ``*_env`` key in the configuration data (secret variable names)."""
    items = (
        node.items()
        if isinstance(node, dict)
        else enumerate(node)
        if isinstance(node, list)
        else ()
    )
    for key, value in items:
        if isinstance(key, str) and key.endswith("_env") and isinstance(value, str):
            yield value
        else:
            yield from _named_variables(value)


def _nearest(name: str, known: list[str]) -> str:
    """``did you mean X? `` for the known variable ending like ``name`` or spelled nearest."""
    word = name.removeprefix(ENV_PREFIX)
    tails = {variable.removeprefix(ENV_PREFIX): variable for variable in known}
    ending = [variable for tail, variable in tails.items() if tail.endswith("__" + word)]
    near = ending or [tails[t] for t in difflib.get_close_matches(word, list(tails), n=1)]
    return f"did you mean {near[0]}? " if near else ""


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
