"""The sections of the configuration other than the channels: the database, the crawl, the sources
(with the keys a source declares itself, ``Source.options``), the dispatcher, the daemon and the
web application. :mod:`core.config` holds the channels' common part, the whole
:class:`~core.config.Config` and loading, and re-exports these.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from core import checks
from core.config_errors import nearest
from core.secrets import SecretStr, SecretUrl, read_secret
from sources import registry as source_registry

Language = Literal["ru", "kk", "en"]
_ALL_LANGUAGES: tuple[Language, ...] = ("ru", "kk", "en")


class Model(BaseModel):
    """A configuration section: unknown keys refused, assignments validated."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True, populate_by_name=True)


class DatabaseConfig(Model):
    """Where articles, meetings and the outbox live."""

    url: str = ""
    echo: bool = False

    @field_validator("url")
    @classmethod
    def _check_url(cls, value: str) -> str:
        return checks.database_url(value)


class NodeConfig(Model):
    """One Scrapyd node (``[[crawl.nodes]]``): its URL, optional HTTP basic credentials (the
    password in the file, or named by ``password_env`` / ``password_file``), and the database URL
    as the node reaches it when that differs from ours."""

    url: str
    name: str | None = Field(None, max_length=40)
    username: str | None = None
    password: SecretStr | None = None
    password_env: str | None = None
    password_file: str | None = None
    database_url: SecretUrl | None = None

    @field_validator("url")
    @classmethod
    def _check_url(cls, value: str) -> str:
        url = checks.http_url(value).rstrip("/")
        if "@" in url.partition("://")[2].partition("/")[0]:
            raise ValueError("credentials in the URL; give them as username and password")
        return url

    @field_validator("database_url")
    @classmethod
    def _check_database_url(cls, value: SecretUrl | None) -> SecretUrl | None:
        if value is not None:
            checks.database_url(value.get_secret_value())
        return value

    def auth(self) -> tuple[str, str] | None:
        """The HTTP basic credentials, the password read now; None without a username."""
        if not self.username:
            return None
        secret = self.password or read_secret(self.password_env, self.password_file)
        return self.username, secret.get_secret_value() if secret else ""

    @property
    def label(self) -> str:
        """The node's name in logs and ``status``: ``name``, else the URL's host and port."""
        return self.name or self.url.partition("://")[2].partition("/")[0]


class CrawlConfig(Model):
    """Settings shared by every crawl, and where crawls run (``engine``: ``local`` children or
    the Scrapyd ``nodes``)."""

    engine: Literal["local", "scrapyd"] = "local"
    nodes: list[NodeConfig] = Field(default_factory=list)
    project: str = Field("akimwatch", pattern=r"^[A-Za-z0-9_.-]+$")

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
    worker: Literal["warm", "cold"] = "warm"
    worker_recycle_crawls: int = Field(200, ge=1)
    worker_max_rss_mb: int = Field(400, ge=50)

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

    @model_validator(mode="after")
    def _check_nodes(self) -> CrawlConfig:
        if self.engine == "scrapyd" and not self.nodes:
            raise ValueError('engine = "scrapyd" needs at least one [[crawl.nodes]] entry')
        labels = [node.label for node in self.nodes]
        twice = sorted({label for label in labels if labels.count(label) > 1})
        if twice:
            raise ValueError(f"nodes: {', '.join(twice)} named twice; give each a name")
        return self


class SourceConfig(Model):
    """One source's schedule and languages, and the keys the source itself declares
    (``Source.options``, checked by :func:`check_options`)."""

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


def default_sources() -> dict[str, SourceConfig]:
    """Every registered source with its own default schedule."""
    return {s.name: SourceConfig(every_minutes=s.every_minutes) for s in source_registry().values()}


def check_options(name: str, source: SourceConfig) -> None:
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


class NotifyConfig(Model):
    """Dispatcher behaviour."""

    give_up_hours: float = Field(48, gt=0)
    backoff_base_seconds: float = Field(30, gt=0)
    backoff_max_seconds: float = Field(3600, gt=0)
    batch_size: int = Field(50, gt=0)
    update_window_minutes: int = Field(30, ge=0)


class DaemonConfig(Model):
    """The scheduler's jobs and health thresholds."""

    dispatch_every_seconds: int = Field(60, gt=0)
    recheck_every_minutes: int = Field(60, gt=0)
    retention_days: int = Field(0, ge=0)
    failures_before_alert: int = Field(3, ge=1)
    kill_grace_seconds: int = Field(10, ge=0)
    failover_seconds: int = Field(30, ge=3)
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


class WebConfig(Model):
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
