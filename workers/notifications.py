"""The notifications job: every minute, send the notices that are due through the configured channels.

Thin: the use case does the work. Running it in several workers at once is safe (SKIP LOCKED), and a
run that dies mid-way leaves the unsent notices pending for the next minute.
"""

from __future__ import annotations

from typing import Any

import structlog

from service.notify import ChannelFor, channels, smtp_config
from service.settings import Settings
from service.usecases import notifications
from service.usecases.clock import utcnow

log = structlog.get_logger("worker")
BATCH = 50


def channels_from(settings: Settings) -> ChannelFor:
    """'log' always; 'email' through SMTP when SMTP_HOST is set (else e-mail tries fail and are retried)."""
    return channels(smtp_config(settings))


async def notifications_job(ctx: dict[str, Any]) -> dict[str, int]:
    """Send what is due; ctx["channel_for"] is built once at start-up by `channels_from(settings)`."""
    sent, failed = await notifications.send_due(ctx["pool"], ctx["channel_for"], now=utcnow(), batch=BATCH)
    if sent or failed:
        log.info("notices sent", sent=sent, failed=failed)
    return {"sent": sent, "failed": failed}
