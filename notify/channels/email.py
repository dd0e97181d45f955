"""Email over SMTP: STARTTLS, implicit TLS or plain; multipart plain text + HTML."""

from __future__ import annotations

import hashlib
import logging
import smtplib
import ssl
from email.header import Header
from email.message import EmailMessage
from email.policy import EmailPolicy
from email.utils import formatdate
from typing import Any, Literal

from pydantic import ConfigDict, Field, field_validator, model_validator

from core import checks
from core.config import ChannelConfig
from notify.channels.base import Channel, DeliveryError
from notify.render import language_for, render

log = logging.getLogger(__name__)


def message_id(delivery_key: str) -> str:
    """A Message-ID derived from the delivery key, so a re-send can be recognised."""
    return f"<{hashlib.sha1(delivery_key.encode()).hexdigest()}@akimwatch>"


class _SubjectPolicy(EmailPolicy):
    """The default policy, but a non-ASCII Subject is folded by ``email.header``: the default
    folder can put the space between two words outside the encoded words it splits them into,
    and readers drop whitespace between encoded words ("область,приём")."""

    def fold(self, name: str, value: str) -> str:
        if name.lower() != "subject" or str(value).isascii():
            return super().fold(name, value)
        encoded = Header(str(value), "utf-8", header_name=name).encode(linesep=self.linesep)
        return f"{name}: {encoded}{self.linesep}"

    def fold_binary(self, name: str, value: str) -> bytes:
        if name.lower() != "subject" or str(value).isascii():
            return super().fold_binary(name, value)
        return self.fold(name, value).encode("ascii")


POLICY = _SubjectPolicy()


class EmailConfig(ChannelConfig):
    """A ``kind = "email"`` channel: the SMTP server, the login (its password named by
    ``smtp_password_env`` or ``smtp_password_file``), the sender and the recipients."""

    model_config = ConfigDict(extra="forbid")
    secret_keys = ("smtp_password",)

    kind: Literal["email"]
    smtp_host: str = "localhost"
    smtp_port: int = Field(587, gt=0, lt=65536)
    smtp_tls: Literal["starttls", "ssl", "none"] = "starttls"
    smtp_user: str | None = None
    smtp_password_env: str | None = None
    smtp_password_file: str | None = None
    smtp_timeout: float = Field(30, gt=0)
    sender: str = Field("akimwatch@localhost", alias="from")
    to: list[str] = Field(default_factory=list)

    @field_validator("to")
    @classmethod
    def _check_to(cls, value: list[str]) -> list[str]:
        return [checks.email_address(address) for address in value]

    @field_validator("sender")
    @classmethod
    def _check_sender(cls, value: str) -> str:
        return checks.email_address(value)

    @model_validator(mode="after")
    def _check_recipients(self) -> EmailConfig:
        if not self.to:
            raise ValueError(f"channel {self.name!r}: an email channel needs to = [...]")
        return self


class EmailChannel(Channel[EmailConfig]):
    """Sends one message per delivery to every recipient in ``to``."""

    kind = "email"
    config_model = EmailConfig

    def build(self, document: dict[str, Any], delivery_key: str) -> EmailMessage:
        """The MIME message for a document."""
        subject, plain, html = render(document, language_for(self.config))
        message = EmailMessage(policy=POLICY)
        message["Subject"] = subject
        message["From"] = self.config.sender
        message["To"] = ", ".join(self.config.to)
        message["Date"] = formatdate(localtime=False)
        message["Message-ID"] = message_id(delivery_key)
        message["X-Akimwatch-Delivery"] = delivery_key
        message.set_content(plain)
        message.add_alternative(html, subtype="html")
        return message

    def send(self, document: dict[str, Any], delivery_key: str, target: int) -> None:
        """Send the message; 5xx answers are permanent, anything else is retried."""
        message = self.build(document, delivery_key)
        try:
            with self._connect() as smtp:
                refused = smtp.send_message(message)
        except smtplib.SMTPRecipientsRefused as exc:
            codes = [code for code, _ in exc.recipients.values()]
            raise DeliveryError(
                f"SMTP refused every recipient: {exc.recipients}",
                permanent=all(code >= 500 for code in codes),
            ) from exc
        except smtplib.SMTPResponseException as exc:
            detail = (
                exc.smtp_error.decode(errors="replace")
                if isinstance(exc.smtp_error, bytes)
                else str(exc.smtp_error)
            )
            raise DeliveryError(
                f"SMTP {exc.smtp_code} {detail}", permanent=exc.smtp_code >= 500
            ) from exc
        except (OSError, smtplib.SMTPException) as exc:
            raise DeliveryError(
                f"SMTP {self.config.smtp_host}:{self.config.smtp_port}: {type(exc).__name__}: {exc}"
            ) from exc
        if refused:
            log.warning("channel %s: some recipients refused: %s", self.config.name, refused)

    def _connect(self) -> smtplib.SMTP:
        cfg = self.config
        context = ssl.create_default_context()
        smtp: smtplib.SMTP
        if cfg.smtp_tls == "ssl":
            smtp = smtplib.SMTP_SSL(
                cfg.smtp_host, cfg.smtp_port, timeout=cfg.smtp_timeout, context=context
            )
        else:
            smtp = smtplib.SMTP(cfg.smtp_host, cfg.smtp_port, timeout=cfg.smtp_timeout)
        try:
            if cfg.smtp_tls == "starttls":
                smtp.starttls(context=context)
            if cfg.smtp_user:
                password = cfg.secret("smtp_password")
                smtp.login(cfg.smtp_user, password.get_secret_value() if password else "")
        except BaseException:
            smtp.close()
            raise
        return smtp
