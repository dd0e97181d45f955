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
    model_validator,
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
from sources import names as source_names
from sources import registry as source_registry

__all__ = ["ConfigError", "parse_host_overrides"]  # re-exported: every package imports them here

EVENT_TYPES = ("meeting.new", "meeting.updated", "article.changed", "health")
KINDS = ("reception", "working_trip", "collective")
LANGUAGES = ("ru", "kk", "en")
Language = Literal["ru", "kk", "en"]
_ALL_LANGUAGES: tuple[Language, ...] = ("ru", "kk", "en")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True, populate_by_name=True)


class DatabaseConfig(_Model):
    """Where articles, meetings and the outbox live."""

    url: str = ""
    echo: bool = False

    @field_validator("url")
    @classmethod
    def _check_url(cls, value: str) -> str:
        return checks.database_url(value)


class CrawlConfig(_Model):
    """Settings shared by every crawl."""

    host_overrides: dict[str, str] = Field(default_factory=dict)
    notify_max_age_hours: float = Field(48, ge=0)
    recheck_max_age_hours: float = Field(72, ge=0)
    timeout_seconds: int = Field(600, gt=0)
    user_agent: str = "akimwatch/{version} (+https://github.com/akimwatch/akimwatch)"
    obey_robots: bool = True
    download_delay: float = Field(0.5, ge=0)
    concurrency_per_domain: int = Field(2, ge=1)
    autothrottle: bool = True
    download_timeout: int = Field(30, gt=0)
    max_page_bytes: int = Field(10 * 1024 * 1024, gt=0)
    retry_times: int = Field(3, ge=0)
    proxy: str | None = None
    ca_bundle: str | None = None
    insecure_hosts: list[str] = Field(default_factory=list)
    max_listing_pages: int = Field(5, ge=1)

    @field_validator("host_overrides")
    @classmethod
    def _check_overrides(cls, value: dict[str, str]) -> dict[str, str]:
        for host, target in value.items():
            checks.hostname(host)
            try:
                checks.http_url(target)
            except ValueError as exc:
                raise ValueError(f"{host}={target!r}: the target is {exc}") from None
        return {host.lower(): target.rstrip("/") for host, target in value.items()}

    @field_validator("proxy")
    @classmethod
    def _check_proxy(cls, value: str | None) -> str | None:
        return checks.http_url(value) if value else value

    @field_validator("ca_bundle")
    @classmethod
    def _check_ca_bundle(cls, value: str | None) -> str | None:
        return checks.readable_file(value) if value else value

    @field_validator("insecure_hosts")
    @classmethod
    def _check_hosts(cls, value: list[str]) -> list[str]:
        return [checks.hostname(host) for host in value]


class SourceConfig(_Model):
    """One source's schedule and languages, and the keys the source itself declares
    (``Source.options``, checked by :meth:`Config._check_sources`)."""

    model_config = ConfigDict(extra="allow", validate_assignment=True, populate_by_name=True)

    enabled: bool = True
    every_minutes: float = Field(10, gt=0)
    cron: str | None = None
    jitter_seconds: int = Field(30, ge=0)
    languages: list[Language] = Field(default_factory=lambda: list(_ALL_LANGUAGES))
    projects: list[str] | None = None

    @field_validator("cron")
    @classmethod
    def _check_cron(cls, value: str | None) -> str | None:
        return checks.cron(value) if value else value

    @field_validator("projects")
    @classmethod
    def _check_projects(cls, value: list[str] | None) -> list[str] | None:
        return [checks.slug(project) for project in value] if value else value


def _default_sources() -> dict[str, SourceConfig]:
    return {s.name: SourceConfig(every_minutes=s.every_minutes) for s in source_registry().values()}


def _check_options(name: str, source: SourceConfig) -> None:
    """Check the keys of ``[sources.<name>]`` that the source declares, refuse any other."""
    options = source_registry()[name].options
    extra = source.__pydantic_extra__ or {}
    for key, raw in extra.items():
        if key not in options:
            allowed = sorted([*SourceConfig.model_fields, *options])
            hint = nearest(key, allowed)
            raise ValueError(
                f"sources.{name}.{key}: unknown key; {hint}allowed: {', '.join(allowed)}"
            )
        try:
            extra[key] = options[key](raw)
        except (TypeError, ValueError) as exc:
            raise ValueError(f"sources.{name}.{key} = {raw!r}: {exc}") from None


def _all_known(values: list[str], allowed: Sequence[str], what: str) -> list[str]:
    """``values`` when each is one of ``allowed``, else the error naming the first that is not
    (with the nearest allowed one)."""
    bad = [value for value in values if value not in allowed]
    if bad:
        hint = nearest(bad[0], allowed)
        raise ValueError(f"unknown {what} {bad[0]!r}; {hint}allowed: {', '.join(allowed)}")
    return values


class ChannelConfig(_Model):
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


class NotifyConfig(_Model):
    """Dispatcher behaviour."""

    give_up_hours: float = Field(48, gt=0)
    backoff_base_seconds: float = Field(30, gt=0)
    backoff_max_seconds: float = Field(3600, gt=0)
    batch_size: int = Field(50, gt=0)
    update_window_minutes: int = Field(30, ge=0)


class DaemonConfig(_Model):
    """The scheduler's jobs and health thresholds."""

    dispatch_every_seconds: int = Field(60, gt=0)
    recheck_every_minutes: int = Field(60, gt=0)
    retention_days: int = Field(0, ge=0)
    failures_before_alert: int = Field(3, ge=1)
    kill_grace_seconds: int = Field(10, ge=0)
    feed_path: str | None = None
    log_json: bool = False
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"

    @field_validator("feed_path")
    @classmethod
    def _check_feed_path(cls, value: str | None) -> str | None:
        if value:
            checks.writable_dir(Path(value).absolute().parent)
        return value


LOOPBACK = ("127.0.0.1", "localhost", "::1")


class WebConfig(_Model):
    """The read-only web application (``akimwatch serve``, or the daemon with ``enabled``).

    ``listen`` is ``HOST:PORT``; any host but the loopback needs ``token_hash``, the bcrypt hash
    of the access token (``akimwatch serve --hash-token`` makes one), never the token itself.
    """

    enabled: bool = False
    listen: str = "127.0.0.1:8765"
    token_hash: str | None = None

    @field_validator("listen")
    @classmethod
    def _check_listen(cls, value: str) -> str:
        host, _, port = value.rpartition(":")
        if not host or not port.isdigit() or not 0 <= int(port) <= 65535:
            raise ValueError(f"{value!r} is not HOST:PORT (e.g. 127.0.0.1:8765)")
        return value

    @field_validator("token_hash")
    @classmethod
    def _check_hash(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("$2a$", "$2b$", "$2y$")):
            raise ValueError("must be a bcrypt hash ($2b$...), from `akimwatch serve --hash-token`")
        return value

    @property
    def host(self) -> str:
        """The address to bind (brackets of an IPv6 address removed)."""
        return self.listen.rpartition(":")[0].strip("[]")

    @property
    def port(self) -> int:
        """The port to bind."""
        return int(self.listen.rpartition(":")[2])

    @model_validator(mode="after")
    def _check_exposure(self) -> WebConfig:
        if self.host not in LOOPBACK and not self.token_hash:
            raise ValueError(
                f"listen = {self.listen!r} is not the loopback: set web.token_hash to expose it"
            )
        return self


class Config(_Model):
    """The whole configuration of akimwatch."""

    data_dir: Path = Path("./data")
    database: DatabaseConfig = Field(default_factory=DatabaseConfig)
    crawl: CrawlConfig = Field(default_factory=CrawlConfig)
    sources: dict[str, SourceConfig] = Field(default_factory=_default_sources)
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
            _check_options(name, source)
        return {**_default_sources(), **value}

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
