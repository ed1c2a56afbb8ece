"""The scheduled monthly return: a thin job run every hour; the use case decides whether last month's
return is due (from 02:00 on the 1st, Asia/Shanghai) and missing, so running it twice — or on two
workers — produces it once."""

from __future__ import annotations

from typing import Any

import structlog

from domain.indicators import month_key
from service.usecases import returns
from service.usecases.clock import utcnow

log = structlog.get_logger("worker")


async def monthly_return_job(ctx: dict[str, Any]) -> str:
    now = ctx["clock"]() if "clock" in ctx else utcnow()  # tests pass a clock
    produced = await returns.produce_due(ctx["pool"], now=now)
    if produced is None:
        return "nothing due"
    log.info("monthly return produced", month=month_key(produced.month), version=produced.version)
    return f"produced {month_key(produced.month)} v{produced.version}"
