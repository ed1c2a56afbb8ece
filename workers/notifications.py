"""Notices, continuously: the events the worker has not read yet become notices within seconds, and the
senders drain what is due as soon as it is queued.

Two loops run in each long-running worker (`notices_forever`): a reader of the case history (every
READ_POLL_S, cursor locked, see service.usecases.event_notices) and a pool of `notify_senders` senders
that send until nothing is due, then wait to be woken by the reader (or SEND_POLL_S, for notices queued
directly by use cases and for retries falling due). Running them in several workers at once is safe
(SKIP LOCKED); a worker killed mid-try leaves its notice pending, to be tried again.
The minute cron (`notifications_job`) stays as a backstop.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

import structlog

from service.adapters.channels import RateLimits
from service.settings import Settings
from service.usecases import event_notices, notifications
from service.usecases.clock import utcnow

log = structlog.get_logger("worker")
BATCH = 50
READ_POLL_S = 1.0
SEND_POLL_S = 2.0
RETRY_S = 1.0  # after a database hiccup


def rate_limits_from(settings: Settings) -> RateLimits:
    return RateLimits(settings.notify_rate_per_s)


async def notifications_job(ctx: dict[str, Any]) -> dict[str, int]:
    """Send a batch of what is due; ctx["channels"] is built once at start-up (`configured_channels`)."""
    sent, failed = await notifications.send_due(ctx["pool"], ctx["channels"], now=utcnow(), batch=BATCH)
    if sent or failed:
        log.info("notices sent", sent=sent, failed=failed)
    return {"sent": sent, "failed": failed}


async def drain(ctx: dict[str, Any]) -> tuple[int, int]:
    """Send everything due now with the worker's senders and rate limits; (sent, failed tries)."""
    settings: Settings | None = ctx.get("settings")
    sent, failed = await notifications.drain(
        ctx["pool"],
        ctx["channels"],
        clock=utcnow,
        senders=settings.notify_senders if settings else 4,
        limits=ctx.get("rate_limits"),
    )
    if sent or failed:
        log.info("notices sent", sent=sent, failed=failed)
    return sent, failed


async def read_events_once(ctx: dict[str, Any], horizon: event_notices.EventHorizon) -> int:
    settings: Settings = ctx["settings"]
    async with ctx["pool"].acquire() as conn:
        upto = await horizon.advance(conn)
    if upto is None:
        return 0
    return await event_notices.notify_from_events(
        ctx["pool"],
        now=utcnow(),
        channels=ctx["channels"],
        base_url=settings.public_base_url,
        upto=upto,
        both=settings.notify_both,
    )


async def _reader(ctx: dict[str, Any], wake_senders: asyncio.Event) -> None:
    horizon = event_notices.EventHorizon()
    while True:
        try:
            if await read_events_once(ctx, horizon):
                wake_senders.set()
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # a database hiccup: log, try again; never die
            log.warning("reading events for notices failed; retrying", error=type(exc).__name__)
            await asyncio.sleep(RETRY_S)
        await asyncio.sleep(READ_POLL_S)


async def _senders(ctx: dict[str, Any], wake: asyncio.Event) -> None:
    while True:
        wake.clear()
        try:
            await drain(ctx)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            log.warning("sending notices failed; retrying", error=type(exc).__name__)
            await asyncio.sleep(RETRY_S)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(wake.wait(), SEND_POLL_S)


async def notices_forever(ctx: dict[str, Any]) -> None:
    """The reader and the senders of one worker, until cancelled at shutdown."""
    wake = asyncio.Event()
    await asyncio.gather(_reader(ctx, wake), _senders(ctx, wake))
