"""Writing the working-day calendar (the migration runner seeds it; administrators load new years)."""

from __future__ import annotations

from collections.abc import Sequence

import asyncpg

from service.store.calendar_source import CalendarRow
from service.store.sql import SQL


async def store_year(conn: asyncpg.Connection, year: int, rows: Sequence[CalendarRow], source: str) -> None:
    await conn.executemany(SQL["calendar_days_upsert"], [(r.day, r.is_workday, r.holiday_name) for r in rows])
    await conn.execute(SQL["calendar_years_upsert"], year, source)
