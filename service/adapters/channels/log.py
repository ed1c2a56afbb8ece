"""The 'log' channel: the stored notice is the delivery (staff see it on the case page). Never fails."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

import structlog

from service.adapters.channels.base import Delivery, Message

if TYPE_CHECKING:
    from service.settings import Settings

log = structlog.get_logger("notify")


class LogChannel:
    name: ClassVar[str] = "log"
    label: ClassVar[str] = "系统留存"
    contact_field: ClassVar[str | None] = None
    max_chars: ClassVar[int | None] = None
    rank: ClassVar[int] = 1000  # the fallback: reaches everyone, so it comes last

    @classmethod
    def from_settings(cls, settings: Settings) -> LogChannel:
        return cls()

    async def send(self, message: Message) -> Delivery:
        log.info(
            "notice recorded", notice_id=message.id, recipient=message.recipient, template=message.template
        )
        return Delivery(self.name)


CHANNEL = LogChannel
