"""The scheduled monthly return: a thin job run every hour; the use case decides whether last month's
return is due (from 02:00 on the 1st, Asia/Shanghai) and missing, so running it twice — or on two
workers — produces it once. And the indicator rollups: every hour, the ended months without a fresh
rollup (the month that just ended, a month something was written into) are counted and stored."""

from __future__ import annotations

from typing import Any

import structlog

from domain.indicators import month_key
from service.usecases import indicator_rollups, returns
from service.usecases.clock import local_date, utcnow

log = structlog.get_logger("worker")


async def monthly_return_job(ctx: dict[str, Any]) -> str:
    now = ctx["clock"]() if "clock" in ctx else utcnow()  # tests pass a clock
    produced = await returns.produce_due(ctx["pool"], now=now, read_pool=ctx.get("read_pool"))
    if produced is None:
        return "nothing due"
    log.info("monthly return produced", month=month_key(produced.month), version=produced.version)
    return f"produced {month_key(produced.month)} v{produced.version}"


async def indicator_rollups_job(ctx: dict[str, Any]) -> int:
    now = ctx["clock"]() if "clock" in ctx else utcnow()
    pool = ctx["pool"]
    stored = await indicator_rollups.refresh(pool, ctx.get("read_pool") or pool, today=local_date(now))
    if stored:
        log.info("indicator rollups stored", months=stored)
    return stored
