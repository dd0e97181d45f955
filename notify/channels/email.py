"""Email over SMTP: STARTTLS, implicit TLS or plain; multipart plain text + HTML."""

from __future__ import annotations

import hashlib
import logging
import smtplib
import ssl
from email.header import Header
from email.message import EmailMessage
from email.utils import formatdate
from typing import Any

from notify.channels.base import Channel, DeliveryError, register
from notify.render import language_for, render

log = logging.getLogger(__name__)


def message_id(delivery_key: str) -> str:
    """A Message-ID derived from the delivery key, so a re-send can be recognised."""
    return f"<{hashlib.sha1(delivery_key.encode()).hexdigest()}@akimwatch>"


def encoded_subject(subject: str) -> str:
    """The Subject folded into RFC 2047 words that keep every space: the default policy's folder
    drops the space at a fold between two encoded words (``область,приём``)."""
    charset = "us-ascii" if subject.isascii() else "utf-8"
    return Header(subject, charset, header_name="Subject").encode()


@register
class EmailChannel(Channel):
    """Sends one message per delivery to every recipient in ``to``."""

    kind = "email"

    def build(self, document: dict[str, Any], delivery_key: str) -> EmailMessage:
        """The MIME message for a document."""
        subject, plain, html = render(document, language_for(self.config))
        message = EmailMessage()
        message.set_raw("Subject", encoded_subject(subject))
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
                smtp.login(cfg.smtp_user, cfg.secret("smtp_password") or "")
        except BaseException:
            smtp.close()
            raise
        return smtp
