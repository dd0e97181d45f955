"""Validation errors of the configuration as one line: the key (or the environment variable that
set it), the value (secrets masked), what is wrong and what is allowed; an unknown key gets the
nearest known one and the keys its section allows."""

from __future__ import annotations

import difflib
import types
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError
from pydantic.fields import FieldInfo
from pydantic_core import ErrorDetails

MASK = "********"


class ConfigError(ValueError):
    """A configuration value is wrong; the message names the key, the value and what is allowed."""


class ConfigFileError(ConfigError):
    """The configuration file itself is missing, unreadable or not TOML."""


_SECRET_WORDS = ("password", "secret", "urls")

Loc = tuple[str | int, ...]


def describe(
    exc: ValidationError,
    root: type[BaseModel],
    file: Path | None,
    origins: dict[Loc, str],
    data: dict[str, Any],
) -> str:
    """Every error of ``exc`` on one line, ``; `` between them."""
    where = f" in {file}" if file else ""
    errors = [_untagged(error, data) for error in exc.errors()]
    problems = [_problem(error, root, origins, data) for error in errors]
    return f"invalid configuration{where}: " + "; ".join(problems)


def _untagged(error: ErrorDetails, data: dict[str, Any]) -> ErrorDetails:
    """A channel's error located as in the file: without the kind pydantic puts after the index
    of a discriminated union member, and a wrong or missing kind as an error of ``kind``."""
    loc = tuple(error["loc"])
    kind = _channel_value(loc, data, "kind")
    if error["type"] == "union_tag_invalid":
        tags = str(error.get("ctx", {}).get("expected_tags", "")).split(", ")
        allowed = " or ".join([", ".join(tags[:-1]), tags[-1]] if len(tags) > 1 else tags)
        return {**error, "loc": (*loc, "kind"), "input": kind, "msg": f"Input should be {allowed}"}
    if error["type"] == "union_tag_not_found":
        return {**error, "loc": (*loc, "kind"), "input": None, "msg": "Field required"}
    if kind is not None and len(loc) > 2 and loc[2] == kind:
        return {**error, "loc": (*loc[:2], *loc[3:])}
    return error


def _problem(
    error: ErrorDetails, root: type[BaseModel], origins: dict[Loc, str], data: dict[str, Any]
) -> str:
    loc = tuple(error["loc"])
    key = ".".join(str(part) for part in loc) or "(top level)"
    variable = _variable(loc, origins)
    source = f" (from {variable})" if variable else _channel(loc, data)
    if error["type"] == "extra_forbidden":
        return f"{key}{source}: unknown key; {_suggest(root, loc, data)}"
    message = error["msg"].removeprefix("Value error, ")
    if isinstance(error.get("input"), dict):
        return f"{key}{source}: {message}"  # a whole table: its value says nothing more
    return f"{key} = {_shown(key, error.get('input'))}{source}: {message}"


def _channel(loc: Loc, data: dict[str, Any]) -> str:
    """`` (channel NAME)`` when ``loc`` is inside a channel that has a name."""
    name = _channel_value(loc, data, "name")
    return f" (channel {name})" if name is not None else ""


def _channel_value(loc: Loc, data: dict[str, Any], key: str) -> str | None:
    """The text value of ``key`` in the channel table ``loc`` is inside, if there is one."""
    channels = data.get("channels")
    if loc[:1] != ("channels",) or len(loc) < 2 or not isinstance(channels, list):
        return None
    index = loc[1]
    if (
        not isinstance(index, int)
        or index >= len(channels)
        or not isinstance(channels[index], dict)
    ):
        return None
    value = channels[index].get(key)
    return value if isinstance(value, str) else None


def _variable(loc: Loc, origins: dict[Loc, str]) -> str | None:
    for size in range(len(loc), 0, -1):
        if loc[:size] in origins:
            return origins[loc[:size]]
    return None


def _shown(key: str, value: Any) -> str:
    if any(word in key for word in _SECRET_WORDS):
        return MASK
    if isinstance(value, str) and "://" in value:  # any URL: a password in it stays hidden
        return repr(mask_url(value))
    return repr(value)


def mask_url(url: str) -> str:
    """Hide a password inside a URL such as ``postgresql://user:pw@host/db``."""
    scheme, sep, rest = url.partition("://")
    if not sep or "@" not in rest:
        return url
    credentials, _, host = rest.rpartition("@")
    user = credentials.split(":", 1)[0]
    return f"{scheme}://{user}:{MASK}@{host}" if ":" in credentials else url


def nearest(word: str, allowed: Sequence[str]) -> str:
    """``did you mean 'x'? `` for the allowed word nearest to ``word``, or nothing."""
    near = difflib.get_close_matches(word.lower(), list(allowed), n=1, cutoff=0.6)
    return f"did you mean {near[0]!r}? " if near else ""


def _suggest(root: type[BaseModel], loc: Loc, data: dict[str, Any]) -> str:
    """'did you mean' the nearest key of the section, and the keys that section allows."""
    kind = _channel_value(loc, data, "kind")
    model = section_model(root, loc[:-1], kind)
    if model is None:
        return "remove it"
    allowed = sorted(field.alias or name for name, field in model.model_fields.items())
    section = ".".join(str(part) for part in loc[:-1]) or "the top level"
    if loc[:1] == ("channels",):
        section = f"a {kind} channel" if kind else "a channel"
    return f"{nearest(str(loc[-1]), allowed)}allowed in {section}: {', '.join(allowed)}"


def section_model(
    root: type[BaseModel], path: Loc, tag: str | None = None
) -> type[BaseModel] | None:
    """The model of the table at ``path`` (list indexes and dict keys stepped over); in a
    discriminated union, the member whose discriminator is ``tag``."""
    current: Any = root
    for part in path:
        current = _member(current, tag)
        if isinstance(current, type) and issubclass(current, BaseModel):
            field = _field(current, str(part))
            if field is None:
                return None
            current = field
        else:
            current = _item_type(current)
    current = _member(current, tag)
    if not _is_model(current):
        current = _member(_item_type(current), tag)
    return current if _is_model(current) else None


def _member(annotation: Any, tag: str | None) -> Any:
    """``annotation`` itself, or in a discriminated union the member whose discriminator is
    ``tag`` (None if none is)."""
    if get_origin(annotation) is not Annotated:
        return annotation
    union, *metadata = get_args(annotation)
    key = next((m.discriminator for m in metadata if isinstance(m, FieldInfo)), None)
    for member in get_args(union):
        field = member.model_fields.get(key) if _is_model(member) and key else None
        if field is not None and tag in get_args(field.annotation):
            return member
    return None


def _field(model: type[BaseModel], name: str) -> Any:
    for field_name, field in model.model_fields.items():
        if name in (field_name, field.alias):
            return _unwrap(field.annotation)
    return None


def _item_type(annotation: Any) -> Any:
    """The element type of a list or the value type of a dict."""
    args = get_args(_unwrap(annotation))
    return _unwrap(args[-1]) if args else None


def _unwrap(annotation: Any) -> Any:
    """``X | None`` as ``X``."""
    if get_origin(annotation) in (Union, types.UnionType):
        args = [arg for arg in get_args(annotation) if arg is not type(None)]
        return args[0] if len(args) == 1 else annotation
    return annotation


def _is_model(value: Any) -> bool:
    return isinstance(value, type) and issubclass(value, BaseModel)
