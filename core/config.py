"""The one typed configuration object: a TOML file, then ``AKIMWATCH_*`` environment overrides.

Lookup order for the file: ``--config PATH``, else ``AKIMWATCH_CONFIG``, else ``./akimwatch.toml``
if present, else defaults. ``AKIMWATCH_<KEY>`` and ``AKIMWATCH_<SECTION>__<KEY>`` override one key
through pydantic-settings, over the file (``core.config_env``, which also holds the shortcuts and
the refusal of unknown ``AKIMWATCH_`` names). Secrets never live in the file: a key ending in
``_env`` names the environment variable holding the secret, one ending in ``_file`` names a file;
a named secret that is missing or empty is an error at load, and resolved secrets are secret types
(``core.secrets``). Every value is checked at load (``core.checks``); errors are one line
(``core.config_errors``).

Channels here are :class:`ChannelConfig`, the part every kind shares (name, kind, routing): what
the crawler needs to write outbox rows. ``notify.config.load`` validates each channel against its
kind's model (``notify/channels/``) by passing :func:`load` a subclass of :class:`Config` whose
channels are the discriminated union of the registered kinds. This module imports only core's
helpers, the source registry and, when a region is named, the detector's gazetteer: every package
may use it.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Sequence
from pathlib import Path
from typing import Any, ClassVar, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
)

from core import checks, config_env
from core.config_env import ENV_PREFIX, parse_host_overrides
from core.config_errors import (
    ConfigError,
    ConfigFileError,
    describe,
    mask_url,
    nearest,
    section_model,
)
from core.secrets import read_secret
from core.sections import (
    LOOPBACK,
    CrawlConfig,
    DaemonConfig,
    DatabaseConfig,
    Model,
    NotifyConfig,
    SourceConfig,
    WebConfig,
    check_options,
    default_sources,
)
from sources import names as source_names

__all__ = [  # re-exported: every package imports them here
    "LOOPBACK", "ConfigError", "CrawlConfig", "DaemonConfig", "DatabaseConfig", "NotifyConfig",
    "SourceConfig", "WebConfig", "parse_host_overrides",
]  # fmt: skip

EVENT_TYPES = ("meeting.new", "meeting.updated", "article.changed", "health")
KINDS = ("reception", "working_trip", "collective")
LANGUAGES = ("ru", "kk", "en")


def _all_known(values: list[str], allowed: Sequence[str], what: str) -> list[str]:
    """``values`` when each is one of ``allowed``, else the error naming the first that is not
    (with the nearest allowed one)."""
    bad = [value for value in values if value not in allowed]
    if bad:
        hint = nearest(bad[0], allowed)
        raise ValueError(f"unknown {what} {bad[0]!r}; {hint}allowed: {', '.join(allowed)}")
    return values


class ChannelConfig(Model):
    """What every channel has: its name, kind and routing (``admin`` channels get health alerts
    only). Each kind's model in ``notify/channels/`` adds its own keys; this base ignores them, so
    a process that only routes (the crawler) loads the file without knowing the kinds."""

    model_config = ConfigDict(extra="ignore")
    secret_keys: ClassVar[tuple[str, ...]] = ()  # ``<key>_env`` / ``<key>_file`` pairs, checked

    name: str
    kind: str
    admin: bool = False
    events: list[str] = Field(default_factory=lambda: ["meeting.new"])
    regions: list[str] = Field(default_factory=list)
    kinds: list[str] = Field(default_factory=list)
    languages: list[str] = Field(default_factory=list)
    digest: Literal["off", "daily"] = "off"
    digest_hour: int = Field(8, ge=0, le=23)

    @field_validator("events")
    @classmethod
    def _check_events(cls, value: list[str]) -> list[str]:
        return _all_known(value, EVENT_TYPES, "event type")

    @field_validator("kinds")
    @classmethod
    def _check_kinds(cls, value: list[str]) -> list[str]:
        return _all_known(value, KINDS, "meeting kind")

    @field_validator("languages")
    @classmethod
    def _check_languages(cls, value: list[str]) -> list[str]:
        return _all_known(value, LANGUAGES, "language")

    @field_validator("regions")
    @classmethod
    def _check_regions(cls, value: list[str]) -> list[str]:
        from detect.regions import canonical_region

        return [canonical_region(region) for region in value]

    def secret(self, key: str) -> SecretStr | None:
        """The secret named by ``<key>_env`` or ``<key>_file``, read now (never in the file)."""
        return read_secret(getattr(self, f"{key}_env", None), getattr(self, f"{key}_file", None))

    def accepts(
        self,
        event_type: str,
        region: str | None = None,
        kind: str | None = None,
        languages: Sequence[str] = (),
    ) -> bool:
        """Whether this channel wants an event (admin channels take health events only)."""
        if self.admin:
            return event_type == "health"
        if event_type not in self.events:
            return False
        if self.regions and region not in self.regions:
            return False
        if self.kinds and kind not in self.kinds:
            return False
        return not (self.languages and not set(self.languages) & set(languages))


class Config(Model):
    """The whole configuration of akimwatch."""

    data_dir: Path = Path("./data")
    database: DatabaseConfig = Field(default_factory=DatabaseConfig)
    crawl: CrawlConfig = Field(default_factory=CrawlConfig)
    sources: dict[str, SourceConfig] = Field(default_factory=default_sources)
    channels: list[ChannelConfig] = Field(default_factory=list)
    notify: NotifyConfig = Field(default_factory=NotifyConfig)
    daemon: DaemonConfig = Field(default_factory=DaemonConfig)
    web: WebConfig = Field(default_factory=WebConfig)

    @field_validator("data_dir")
    @classmethod
    def _check_data_dir(cls, value: Path) -> Path:
        return checks.writable_dir(value)

    @field_validator("sources")
    @classmethod
    def _check_sources(cls, value: dict[str, SourceConfig]) -> dict[str, SourceConfig]:
        known = source_names()
        bad = [name for name in value if name not in known]
        if bad:
            hint = nearest(bad[0], known)
            raise ValueError(f"unknown source {bad[0]!r}; {hint}allowed: {', '.join(known)}")
        for name, source in value.items():
            check_options(name, source)
        return {**default_sources(), **value}

    @field_validator("channels")
    @classmethod
    def _check_channel_names(cls, value: list[ChannelConfig]) -> list[ChannelConfig]:
        names = [channel.name for channel in value]
        duplicated = {name for name in names if names.count(name) > 1}
        if duplicated:
            raise ValueError(f"channel names must be unique; repeated: {sorted(duplicated)}")
        return value

    @property
    def database_url(self) -> str:
        """The database URL, defaulting to a SQLite file in ``data_dir``."""
        return self.database.url or f"sqlite:///{self.data_dir / 'akimwatch.db'}"

    def enabled_sources(self) -> list[str]:
        """Names of enabled sources, in the canonical order."""
        return [name for name in source_names() if self.sources[name].enabled]

    def route(
        self,
        event_type: str,
        region: str | None = None,
        kind: str | None = None,
        languages: Sequence[str] = (),
    ) -> list[str]:
        """Names of the channels that want this event (what the dispatcher routes events by)."""
        return [
            channel.name
            for channel in self.channels
            if channel.accepts(event_type, region, kind, list(languages))
        ]

    def channel(self, name: str) -> ChannelConfig:
        """The channel called ``name``; ConfigError if there is none."""
        for channel in self.channels:
            if channel.name == name:
                return channel
        known = ", ".join(c.name for c in self.channels) or "none configured"
        raise ConfigError(f"channels: no channel named {name!r} (known: {known})")


def config_path(explicit: str | os.PathLike[str] | None = None) -> Path | None:
    """The config file to read, or None for defaults."""
    if explicit:
        return Path(explicit)
    if os.environ.get(f"{ENV_PREFIX}CONFIG"):
        return Path(os.environ[f"{ENV_PREFIX}CONFIG"])
    local = Path("akimwatch.toml")
    return local if local.is_file() else None


def load(
    path: str | os.PathLike[str] | None = None,
    environ: dict[str, str] | None = None,
    model: type[Config] = Config,
) -> Config:
    """Load and validate the configuration as ``model`` (``notify.config`` passes the one with
    every channel kind's keys); ConfigError names the key (or the environment variable), the value
    and what is allowed. Secrets named by ``*_env``/``*_file`` must exist."""
    env = dict(os.environ if environ is None else environ)
    file = config_path(path) if environ is None else (Path(path) if path else None)
    data: dict[str, Any] = {}
    if file is not None:
        data = _read(file)
    known = env_variables(model)
    overrides, origins = config_env.overrides(model, env, data, known)
    data = config_env.merged(data, overrides)
    try:
        config = model.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(describe(exc, model, file, origins, data)) from None
    try:
        checks.channel_secrets(config.channels, env)
    except ValueError as exc:
        where = f" in {file}" if file else ""
        raise ConfigError(f"invalid configuration{where}: {exc}") from None
    return config


def env_variables(model: type[BaseModel] = Config) -> list[str]:
    """Every ``AKIMWATCH_<KEY>`` and ``AKIMWATCH_<SECTION>__<KEY>`` name that sets one key."""
    names = [ENV_PREFIX + key.upper() for key in model.model_fields]
    for section in ("database", "crawl", "notify", "daemon", "web"):
        found = section_model(model, (section,))
        if found is not None:
            names += [f"{ENV_PREFIX}{section}__{key}".upper() for key in found.model_fields]
    names += [
        f"{ENV_PREFIX}SOURCES__{source}__{key}".upper()
        for source in source_names()
        for key in SourceConfig.model_fields
    ]
    return names


def _read(file: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigFileError(f"config file {file} does not exist") from None
    except IsADirectoryError:
        raise ConfigFileError(f"config file {file} is a directory, not a TOML file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigFileError(f"config file {file} cannot be read: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigFileError(f"config file {file} is not valid TOML: {exc}") from None


def masked(config: Config) -> dict[str, Any]:
    """The effective configuration as a dict: secret types dump masked, and so does the
    password in the database URL."""
    data = config.model_dump(mode="json", by_alias=True)
    data["database"]["url"] = mask_url(config.database_url)
    data["database_url"] = data["database"]["url"]
    return data
