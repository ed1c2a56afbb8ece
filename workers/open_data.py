"""The open dataset's hourly job (issue 18 §2): the last ended month's file, frozen once that month has ended
so that no public reader waits for it, and a few missing earlier months; a no-op once they exist."""

from __future__ import annotations

from typing import Any

import structlog

from domain.indicators import month_key
from service.usecases import open_data
from service.usecases.clock import utcnow

log = structlog.get_logger("worker")


async def open_data_job(ctx: dict[str, Any]) -> str:
    now = ctx["clock"]() if "clock" in ctx else utcnow()  # tests pass a clock
    frozen = await open_data.freeze_due(ctx["pool"], now=now)
    if not frozen:
        return "nothing due"
    log.info("open data frozen", months=[month_key(m) for m in frozen])
    return "frozen " + " ".join(month_key(m) for m in frozen)
