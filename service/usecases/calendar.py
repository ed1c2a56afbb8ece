"""Loading a year's official holiday schedule, which turns provisional deadlines into real ones."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import asyncpg

from service.store import calendar_admin, office
from service.store.calendar_source import CalendarRow, ScheduleError, parse_schedule_text
from service.usecases.casework import recompute_provisional


class ScheduleUnreadable(Exception):
    """An uploaded schedule that cannot be read; the message is Chinese, for the page."""


@dataclass(frozen=True, slots=True)
class Schedule:
    year: int
    rows: list[CalendarRow]

    @property
    def exceptions(self) -> list[CalendarRow]:
        """The days that are not as the week has them: holidays and make-up working weekends."""
        return [r for r in self.rows if r.holiday_name or (r.is_workday and r.day.weekday() >= 5)]


def read_schedule(name: str, content: bytes) -> Schedule:
    """A schedule file in the formats `disputes calendar load` takes (.csv or .json, UTF-8)."""
    try:
        year, rows = parse_schedule_text(name, content.decode("utf-8"))
    except UnicodeDecodeError:
        raise ScheduleUnreadable("文件应为 UTF-8 编码。") from None
    except ScheduleError as exc:
        # the message is "English / 中文": the page shows the Chinese half first
        english, _, chinese = str(exc).partition(" / ")
        raise ScheduleUnreadable(chinese or english) from None
    return Schedule(year, list(rows))


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
    return _result(year, rows, touched)


@dataclass(frozen=True, slots=True)
class DeadlineMove:
    case_id: int
    tracking_no: str
    changes: dict[str, Any]  # {"acceptance_due": {"from", "to", "provisional"}, "mediation_due": ...}


class _Rollback(Exception):
    """Raised inside the preview's transaction so nothing of it is kept."""


async def preview_year(
    pool: asyncpg.Pool, year: int, rows: Sequence[CalendarRow], *, now: datetime
) -> tuple[LoadResult, list[DeadlineMove]]:
    """What loading the year would change: the very load, run in a transaction that is rolled back."""
    outcome: tuple[LoadResult, list[DeadlineMove]] | None = None
    async with pool.acquire() as conn:
        try:
            async with conn.transaction():
                await calendar_admin.store_year(conn, year, rows, "preview")
                touched = await recompute_provisional(conn, now=now)
                outcome = (_result(year, rows, touched), await _moves(conn, touched, now))
                raise _Rollback
        except _Rollback:
            pass
    assert outcome is not None
    return outcome


async def load_year_with_moves(
    pool: asyncpg.Pool, year: int, rows: Sequence[CalendarRow], *, now: datetime, actor: str
) -> tuple[LoadResult, list[DeadlineMove]]:
    """Load the year (as `disputes calendar load` does) and say which deadlines moved; an office event."""
    async with pool.acquire() as conn, conn.transaction():
        await calendar_admin.store_year(conn, year, rows, "file")
        touched = await recompute_provisional(conn, now=now)
        result = _result(year, rows, touched)
        await office.add_event(
            conn,
            "calendar_loaded",
            actor=actor,
            at=now,
            payload={"year": year, "holidays": result.holidays, "cases_recomputed": len(touched)},
        )
        return result, await _moves(conn, touched, now)


def _result(year: int, rows: Sequence[CalendarRow], touched: list[int]) -> LoadResult:
    return LoadResult(
        year=year,
        days=len(rows),
        holidays=sum(1 for r in rows if r.holiday_name),
        makeup_workdays=sum(1 for r in rows if r.is_workday and r.day.weekday() >= 5),
        cases_recomputed=touched,
    )


async def _moves(conn: asyncpg.Connection, touched: list[int], now: datetime) -> list[DeadlineMove]:
    rows = await calendar_admin.recomputed_events(conn, touched, now)
    return [DeadlineMove(r["case_id"], r["tracking_no"], dict(r["payload"])) for r in rows]
