"""The 'email' channel: SMTP through the standard library's smtplib, run in a thread so the event loop
never blocks. Each message carries a Message-ID made from the notice's id, so a resend after a crash can
be recognised by the receiving side. Settings: SMTP_HOST (unset: the channel is not configured), SMTP_PORT,
SMTP_FROM, SMTP_USER, SMTP_PASSWORD, SMTP_STARTTLS, SMTP_SSL, SMTP_TIMEOUT_S.
"""

from __future__ import annotations

import asyncio
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.policy import SMTP as SMTP_POLICY
from email.utils import formatdate, parseaddr
from typing import ClassVar

from service.adapters.channels.base import Delivery, DeliveryError, Message, NotConfigured


@dataclass(frozen=True, slots=True)
class SmtpConfig:
    host: str
    port: int = 25
    sender: str = "noreply@localhost"  # the From header: an address, optionally with a display name
    user: str | None = None
    password: str | None = None
    starttls: bool = False  # upgrade a plain connection (usually port 587)
    ssl: bool = False  # TLS from the start (usually port 465)
    timeout_s: float = 20.0


def smtp_config(settings: object) -> SmtpConfig | None:
    """The SMTP settings (SMTP_HOST, SMTP_PORT, …) of a Settings object; None when SMTP_HOST is unset."""
    host = getattr(settings, "smtp_host", None)
    if not host:
        return None
    return SmtpConfig(
        host=host,
        port=int(getattr(settings, "smtp_port", 25)),
        sender=getattr(settings, "smtp_from", None) or "noreply@localhost",
        user=getattr(settings, "smtp_user", None) or None,
        password=getattr(settings, "smtp_password", None) or None,
        starttls=bool(getattr(settings, "smtp_starttls", False)),
        ssl=bool(getattr(settings, "smtp_ssl", False)),
        timeout_s=float(getattr(settings, "smtp_timeout_s", 20.0)),
    )


class EmailChannel:
    name: ClassVar[str] = "email"
    label: ClassVar[str] = "电子邮件"
    contact_field: ClassVar[str | None] = "email"
    max_chars: ClassVar[int | None] = None
    rank: ClassVar[int] = 10

    def __init__(self, config: SmtpConfig) -> None:
        self.config = config

    @classmethod
    def from_settings(cls, settings: object) -> EmailChannel:
        config = smtp_config(settings)
        if config is None:
            raise NotConfigured("SMTP is not configured (SMTP_HOST)")
        return cls(config)

    async def send(self, message: Message) -> Delivery:
        if not message.address:
            raise DeliveryError("no e-mail address")
        email = build_email(message, self.config.sender)
        try:
            await asyncio.to_thread(self._send, email)
        except (smtplib.SMTPException, OSError) as exc:
            raise DeliveryError(f"{type(exc).__name__}: {exc}") from exc
        return Delivery(self.name, reference=email["Message-ID"])

    def _send(self, email: EmailMessage) -> None:
        c = self.config
        context = ssl.create_default_context()
        smtp = (
            smtplib.SMTP_SSL(c.host, c.port, timeout=c.timeout_s, context=context)
            if c.ssl
            else smtplib.SMTP(c.host, c.port, timeout=c.timeout_s)
        )
        with smtp:
            if c.starttls and not c.ssl:
                smtp.starttls(context=context)
            if c.user:
                smtp.login(c.user, c.password or "")
            smtp.send_message(email)


def build_email(message: Message, sender: str) -> EmailMessage:
    email = EmailMessage(policy=SMTP_POLICY)
    email["From"] = sender
    email["To"] = message.address or ""
    email["Subject"] = message.subject  # non-ASCII: RFC 2047 encoded-words on the wire
    email["Date"] = formatdate(localtime=False)
    domain = parseaddr(sender)[1].rpartition("@")[2] or "localhost"
    email["Message-ID"] = f"<notice-{message.id}@{domain}>"
    email.set_content(message.body, charset="utf-8")
    return email


CHANNEL = EmailChannel
