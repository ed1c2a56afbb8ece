"""Writing the working-day calendar (the migration runner seeds it; administrators load new years)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import asyncpg

from service.store.calendar_source import CalendarRow
from service.store.sql import SQL


async def store_year(conn: asyncpg.Connection, year: int, rows: Sequence[CalendarRow], source: str) -> None:
    await conn.executemany(SQL["calendar_days_upsert"], [(r.day, r.is_workday, r.holiday_name) for r in rows])
    await conn.execute(SQL["calendar_years_upsert"], year, source)


async def recomputed_events(
    conn: asyncpg.Connection, case_ids: list[int], at: datetime
) -> list[asyncpg.Record]:
    """The deadline_recomputed events one calendar load wrote on these cases."""
    return list(await conn.fetch(SQL["case_events_recomputed_at"], case_ids, at))
