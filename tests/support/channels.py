"""Notification channels for tests: the production registry built as a worker builds it, and a fake channel
that records what it is given (cosmicpython's FakeNotifications)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import timedelta
from typing import ClassVar

import asyncpg

from service.adapters.channels import Channels, Delivery, Message, configured_channels
from service.adapters.channels.email import SmtpConfig
from service.settings import Settings
from service.usecases.clock import utcnow
from service.usecases.notifications import queue_notification

ANY_SMTP = SmtpConfig(host="smtp.invalid")  # e-mail configured, for queuing: nothing is sent through it


def channels(smtp: SmtpConfig | None = None) -> Channels:
    """The log, and e-mail through `smtp` (None: SMTP not configured, so each e-mail try fails)."""
    if smtp is None:
        return configured_channels(Settings())
    return configured_channels(
        Settings(
            smtp_host=smtp.host, smtp_port=smtp.port, smtp_from=smtp.sender, smtp_timeout_s=smtp.timeout_s
        )
    )


class FakeChannel:
    """A channel to phones that keeps every message by address, with a body limit (a long text message)."""

    name: ClassVar[str] = "fake_sms"
    label: ClassVar[str] = "测试短信"
    contact_field: ClassVar[str | None] = "phone"
    max_chars: ClassVar[int | None] = 500
    rank: ClassVar[int] = 5

    def __init__(self) -> None:
        self.sent: dict[str, list[Message]] = {}

    @classmethod
    def from_settings(cls, settings: Settings) -> FakeChannel:
        return cls()

    async def send(self, message: Message) -> Delivery:
        self.sent.setdefault(message.address or "", []).append(message)
        return Delivery(self.name, reference=f"fake-{message.id}")


class SlowLog:
    """Stands in for the log channel: delivers after a pause (a relay's round trip), recording what it
    delivered and how many sends were in flight at once."""

    name: ClassVar[str] = "log"
    label: ClassVar[str] = "系统留存"
    contact_field: ClassVar[str | None] = None
    max_chars: ClassVar[int | None] = None
    rank: ClassVar[int] = 1

    def __init__(self, pause_s: float = 0.002) -> None:
        self.pause_s = pause_s
        self.delivered: list[int] = []
        self.in_flight = 0
        self.most_in_flight = 0

    async def send(self, message: Message) -> Delivery:
        self.in_flight += 1
        self.most_in_flight = max(self.most_in_flight, self.in_flight)
        await asyncio.sleep(self.pause_s)
        self.in_flight -= 1
        self.delivered.append(message.id)
        return Delivery(self.name)


async def queue_acceptances(
    pool: asyncpg.Pool, count: int, *, run: str, email: Callable[[int], str] | None = None
) -> None:
    """Queue `count` acceptance notices due a second ago: by e-mail to `email(i)`, else logged."""
    due = utcnow() - timedelta(seconds=1)
    async with pool.acquire() as conn, conn.transaction():
        for i in range(count):
            await queue_notification(
                conn,
                case_id=None,
                recipient="consumer",
                template="acceptance_accepted",
                fields={"tracking_no": f"GS-{run}-{i:04d}", "accepted_on": due.date()},
                contacts={"email": email(i) if email else None},
                channels=channels(ANY_SMTP),
                dedupe_key=f"{run}:{i}",
                now=due,
            )
