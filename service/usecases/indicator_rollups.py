"""The indicators of ended months from per-month rollups, the running month live (issue 17).

An ended month never changes unless something is written into it: a back-dated complaint, a late
decision, a reopening, a survey answered, a payment or an award dated into it. Migration 0032 logs each
such write by trigger, whatever code made it; a rollup is fresh while its snapshot saw every logged
change of its month. Reading counts a stale or missing month live, in the same snapshot as the rest, and
writes it back (on the primary: the snapshot may be a replica's). The figures are the live path's by
construction — the same queries over the same month — which tests/integration/test_indicator_rollups.py
checks indicator by indicator.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import date

import asyncpg
import structlog

from domain import indicators as ind
from service.store import indicator_rollups as rollups
from service.store import statistics
from service.store.db import CONNECTION_ERRORS
from service.usecases.snapshots import statistics_snapshot

log = structlog.get_logger("indicator_rollups")

ROLLED_UP_MONTHS = 25  # the refresh job keeps this many ended months ready: 12 shown + 12 for year-on-year


@dataclass(frozen=True, slots=True)
class Counted:
    """Each month's aggregates (absent: nothing happened), and the ended months counted live, to keep."""

    counts: dict[date, ind.MonthCounts]
    watermark: rollups.Watermark
    to_store: dict[date, ind.MonthCounts] = field(default_factory=dict)


async def horizon(conn: asyncpg.Connection) -> tuple[date, rollups.Watermark]:
    """In a statistics snapshot: the server's running local month (months before it may be rolled up)
    and the snapshot's watermark, to store with what is counted in it."""
    return await rollups.horizon(conn)


def _runs(months: list[date]) -> list[tuple[date, date]]:
    """Consecutive months as [first, end) ranges: one set of queries for each."""
    runs: list[tuple[date, date]] = []
    for month in months:
        if runs and runs[-1][1] == month:
            runs[-1] = (runs[-1][0], ind.add_months(month, 1))
        else:
            runs.append((month, ind.add_months(month, 1)))
    return runs


async def read_counts(
    conn: asyncpg.Connection, read: statistics.Reader, first: date, end: date, *, today: date
) -> Counted:
    """The aggregates of the months in [first, end) in one statistics snapshot (`conn` is its first
    connection): ended months from fresh rollups or counted live, the running month live by `today`."""
    open_month, watermark = await horizon(conn)
    # ended by both clocks: the product's (today) and the server's, which decides what the triggers log
    bound = max(first, min(end, date(today.year, today.month, 1), open_month))
    stored = await rollups.fresh(conn, first, bound, ind.VERSION) if first < bound else {}
    missing = [m for m in ind.months_between(first, ind.add_months(bound, -1)) if m not in stored]
    live_ranges = _runs(missing)
    results = await asyncio.gather(
        *(statistics.month_counts(read, lo, hi) for lo, hi in live_ranges),
        *([statistics.month_counts(read, bound, end, today=today)] if bound < end else []),
    )
    counts = dict(stored)
    for found in results:
        counts.update(found)
    to_store = {m: counts.get(m, ind.MonthCounts()) for m in missing}
    return Counted(counts, watermark, to_store)


async def write_back(pool: asyncpg.Pool, counted: Counted) -> int:
    """Store the months counted live (on the primary). A failure is logged, never raised: the figures
    were read already, and the next read counts the month again."""
    if not counted.to_store:
        return 0
    try:
        async with pool.acquire() as conn, conn.transaction():
            kept = [
                await rollups.store(conn, month, counts, definitions=ind.VERSION, watermark=counted.watermark)
                for month, counts in sorted(counted.to_store.items())  # in order: writers never deadlock
            ]
    except (asyncpg.PostgresError, *CONNECTION_ERRORS) as exc:
        log.warning("indicator rollups not stored", error=type(exc).__name__, months=len(counted.to_store))
        return 0
    return sum(kept)


async def refresh(pool: asyncpg.Pool, read_pool: asyncpg.Pool, *, today: date) -> int:
    """Count the ended months that have no fresh rollup (the last ROLLED_UP_MONTHS) and store them: the
    worker's job, so that a month that just ended, or was changed, is ready before anyone asks."""
    current = date(today.year, today.month, 1)
    first = max(ind.add_months(current, -ROLLED_UP_MONTHS), ind.FIRST_MONTH)
    async with statistics_snapshot(read_pool) as (conn, read):
        counted = await read_counts(conn, read, first, current, today=today)
    return await write_back(pool, counted)
