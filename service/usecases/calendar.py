"""Loading a year's official holiday schedule, which turns provisional deadlines into real ones."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import asyncpg

from service.store import calendar_admin
from service.store.calendar_source import CalendarRow
from service.usecases.casework import recompute_provisional


@dataclass(frozen=True, slots=True)
class LoadResult:
    year: int
    days: int
    holidays: int
    makeup_workdays: int
    cases_recomputed: list[int]


async def load_year(
    pool: asyncpg.Pool, year: int, rows: Sequence[CalendarRow], *, now: datetime, source: str = "file"
) -> LoadResult:
    """Store the year and recompute every provisional deadline, in one transaction."""
    async with pool.acquire() as conn, conn.transaction():
        await calendar_admin.store_year(conn, year, rows, source)
        touched = await recompute_provisional(conn, now=now)
    return LoadResult(
        year=year,
        days=len(rows),
        holidays=sum(1 for r in rows if r.holiday_name),
        makeup_workdays=sum(1 for r in rows if r.is_workday and r.day.weekday() >= 5),
        cases_recomputed=touched,
    )
