"""``AKIMWATCH_*`` environment overrides of the configuration, read by pydantic-settings.

``AKIMWATCH_<KEY>`` sets a top-level key (``AKIMWATCH_DATA_DIR``), ``AKIMWATCH_<SECTION>__<KEY>``
one key of a section; pydantic-settings' ``EnvSettingsSource`` matches the names against the
configuration model (case-insensitively) and nests them. Values are read as TOML literals where
they parse, so ``true``, ``10`` and ``["ru"]`` work as they do in the file. The result is laid over
the file's values (the environment wins).

Three pieces stay by hand, each because pydantic-settings has no way to say it:
the shortcuts ``AKIMWATCH_DATABASE_URL`` and ``AKIMWATCH_HOST_OVERRIDES`` (one name for a nested
key, the second with its own ``host=URL,...`` syntax), which variable set which key (for the
``(from VAR)`` of an error), and the refusal of other ``AKIMWATCH_`` names (pydantic-settings
ignores a name that matches no field) with the nearest known one. Let through are the names that
are not configuration: ``AKIMWATCH_CONFIG`` (the file), ``AKIMWATCH_TEST_*`` (tests and CI) and the
secret variables the configuration itself names (``*_env`` keys).
"""

from __future__ import annotations

import difflib
import tomllib
from collections.abc import Collection, Iterator, Mapping
from functools import cache
from typing import Any, cast

from pydantic import BaseModel, create_model
from pydantic_settings import BaseSettings, EnvSettingsSource

from core.config_errors import ConfigError, Loc

ENV_PREFIX = "AKIMWATCH_"
SHORTCUTS = ("AKIMWATCH_CONFIG", "AKIMWATCH_DATABASE_URL", "AKIMWATCH_HOST_OVERRIDES")
TEST_PREFIX = "AKIMWATCH_TEST_"
DELIMITER = "__"


class _Source(EnvSettingsSource):
    """pydantic-settings' environment source over the given variables, decoding values as TOML
    literals rather than JSON."""

    def __init__(self, settings_cls: type[BaseSettings], variables: Mapping[str, str]) -> None:
        self._variables = {name.lower(): value for name, value in variables.items()}
        super().__init__(
            settings_cls,
            case_sensitive=False,
            env_prefix=ENV_PREFIX,
            env_nested_delimiter=DELIMITER,
        )

    def _load_env_vars(self) -> Mapping[str, str | None]:
        return self._variables

    def decode_complex_value(self, field_name: str, field: Any, value: Any) -> Any:
        """Kept as text here: every value is decoded the same way in ``__call__``."""
        return value

    def __call__(self) -> dict[str, Any]:
        return _literals(super().__call__())


@cache
def _settings(model: type[BaseModel]) -> type[BaseSettings]:
    """``model`` as a settings class: the fields pydantic-settings matches variable names to
    (never instantiated: the model itself validates the merged values)."""
    bases: tuple[type[BaseModel], ...] = (BaseSettings, model)
    return cast(type[BaseSettings], create_model(f"{model.__name__}Settings", __base__=bases))


def overrides(
    model: type[BaseModel], env: Mapping[str, str], data: dict[str, Any], known: Collection[str]
) -> tuple[dict[str, Any], dict[Loc, str]]:
    """The values the ``AKIMWATCH_*`` variables set for ``model`` and which variable set which
    key; ``data`` (the file) tells which secret variables its ``*_env`` keys name, ``known`` every
    variable name that sets a key (for the "did you mean" of an unknown one)."""
    let_through = {*SHORTCUTS, *_named_variables(data)}
    ours = {
        name: value
        for name, value in env.items()
        if name.startswith(ENV_PREFIX) and not name.startswith(TEST_PREFIX)
        and name not in let_through
    }  # fmt: skip
    origins: dict[Loc, str] = {}
    for name in sorted(ours):
        path = name[len(ENV_PREFIX) :].lower().split(DELIMITER)
        if path[0] not in model.model_fields:
            raise ConfigError(
                f"{name}: not a configuration variable; {_nearest(name, [*SHORTCUTS, *known])}"
                f"allowed: {ENV_PREFIX}<KEY> (top level), {ENV_PREFIX}<SECTION>__<KEY>, "
                f"{', '.join(SHORTCUTS)}, {TEST_PREFIX}* and the variables *_env keys name"
            )
        origins[tuple(path)] = name
    values = merged(_shortcuts(env, origins), _Source(_settings(model), ours)())
    return values, origins


def _shortcuts(env: Mapping[str, str], origins: dict[Loc, str]) -> dict[str, Any]:
    """The values of ``AKIMWATCH_DATABASE_URL`` and ``AKIMWATCH_HOST_OVERRIDES``."""
    values: dict[str, Any] = {}
    if f"{ENV_PREFIX}DATABASE_URL" in env:
        values["database"] = {"url": env[f"{ENV_PREFIX}DATABASE_URL"]}
        origins[("database", "url")] = f"{ENV_PREFIX}DATABASE_URL"
    if f"{ENV_PREFIX}HOST_OVERRIDES" in env:
        overrides = parse_host_overrides(env[f"{ENV_PREFIX}HOST_OVERRIDES"])
        values["crawl"] = {"host_overrides": overrides}
        origins[("crawl", "host_overrides")] = f"{ENV_PREFIX}HOST_OVERRIDES"
    return values


def merged(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    """``base`` with ``over`` laid on it, tables merged key by key."""
    result = dict(base)
    for key, value in over.items():
        below = result.get(key)
        both = isinstance(value, dict) and isinstance(below, dict)
        result[key] = merged(below, value) if both else value  # type: ignore[arg-type]
    return result


def _literals(node: Any) -> Any:
    """Every text value in ``node`` read as a TOML literal where it parses."""
    if isinstance(node, dict):
        return {key: _literals(value) for key, value in node.items()}
    return _literal(node) if isinstance(node, str) else node


def _literal(raw: str) -> Any:
    try:
        return tomllib.loads(f"v = {raw}")["v"]
    except tomllib.TOMLDecodeError:
        return raw


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


def parse_host_overrides(text: str) -> dict[str, str]:
    """Parse ``host=http://127.0.0.1:PORT,host2=...`` into a mapping."""
    result: dict[str, str] = {}
    for pair in filter(None, (part.strip() for part in text.split(","))):
        host, sep, target = pair.partition("=")
        if not sep or not host or not target:
            raise ConfigError(f"AKIMWATCH_HOST_OVERRIDES: {pair!r} is not host=http://address:port")
        result[host.strip().lower()] = target.strip()
    return result
