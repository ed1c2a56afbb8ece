"""Channels that deliver a stored notice: 'log' (recorded only) and 'email' (SMTP).

A channel's `send` returns when the notice is delivered and raises when it is not; the sending use case
records each try and decides about retries. E-mail goes through the standard library's smtplib, run in
a thread so the event loop never blocks; each message carries a Message-ID made from the notice's id,
so a resend after a crash can be recognised by the receiving side.
"""

from __future__ import annotations

import asyncio
import smtplib
import ssl
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from email.message import EmailMessage
from email.policy import SMTP as SMTP_POLICY
from email.utils import formatdate, parseaddr
from typing import Protocol

import structlog

log = structlog.get_logger("notify")


@dataclass(frozen=True, slots=True)
class Outgoing:
    id: int
    recipient: str  # 'consumer', 'merchant:<id>', 'staff:<id>', 'staff:supervisors'
    address: str | None  # the e-mail address for 'email'
    template: str
    subject: str
    body: str


class DeliveryError(Exception):
    """The notice was not delivered; the message says why (it is stored and shown to staff)."""


class Channel(Protocol):
    async def send(self, message: Outgoing) -> None: ...


ChannelFor = Callable[[str], Channel]


class LogChannel:
    """Records only: the stored notice is the delivery (shown on the case page). Never fails."""

    async def send(self, message: Outgoing) -> None:
        log.info(
            "notice recorded", notice_id=message.id, recipient=message.recipient, template=message.template
        )


class Unavailable:
    """A channel that cannot deliver (e-mail without SMTP settings): each try fails with the reason."""

    def __init__(self, reason: str) -> None:
        self.reason = reason

    async def send(self, message: Outgoing) -> None:
        raise DeliveryError(self.reason)


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


class SmtpChannel:
    def __init__(self, config: SmtpConfig) -> None:
        self.config = config

    async def send(self, message: Outgoing) -> None:
        if not message.address:
            raise DeliveryError("no e-mail address")
        email = build_email(message, self.config.sender)
        try:
            await asyncio.to_thread(self._send, email)
        except (smtplib.SMTPException, OSError) as exc:
            raise DeliveryError(f"{type(exc).__name__}: {exc}") from exc

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


def build_email(message: Outgoing, sender: str) -> EmailMessage:
    email = EmailMessage(policy=SMTP_POLICY)
    email["From"] = sender
    email["To"] = message.address or ""
    email["Subject"] = message.subject  # non-ASCII: RFC 2047 encoded-words on the wire
    email["Date"] = formatdate(localtime=False)
    domain = parseaddr(sender)[1].rpartition("@")[2] or "localhost"
    email["Message-ID"] = f"<notice-{message.id}@{domain}>"
    email.set_content(message.body, charset="utf-8")
    return email


def channels(smtp: SmtpConfig | None) -> ChannelFor:
    """Channel by name: 'log' always; 'email' through SMTP when configured, else failing with the reason."""
    table: dict[str, Channel] = {
        "log": LogChannel(),
        "email": SmtpChannel(smtp) if smtp else Unavailable("SMTP is not configured (SMTP_HOST)"),
    }

    def channel_for(name: str) -> Channel:
        return table.get(name) or Unavailable(f"no channel {name!r}")

    return channel_for


class RateLimits:
    """Per-channel sending rates (notices a second, per worker process); a channel without one is unlimited.

    A simple pacer: each channel's next free slot moves forward by 1/rate per notice, so concurrent senders
    of one channel share its rate (an SMTP relay's limit, say) instead of each getting it.
    """

    def __init__(
        self,
        per_second: Mapping[str, float],
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.interval = {name: 1.0 / rate for name, rate in per_second.items() if rate > 0}
        self.clock = clock
        self.sleep = sleep
        self._next: dict[str, float] = {}

    async def wait(self, channel: str) -> None:
        interval = self.interval.get(channel)
        if interval is None:
            return
        now = self.clock()
        slot = max(now, self._next.get(channel, now))
        self._next[channel] = slot + interval
        if slot > now:
            await self.sleep(slot - now)
