"""The indicators of ended months from per-month rollups, the running month live (issue 17).

An ended month never changes unless something is written into it: a back-dated complaint, a late
decision, a reopening, a survey answered, a payment or an award dated into it. Migration 0032 logs each
such write by trigger, whatever code made it; a rollup is fresh while its snapshot saw every logged
change of its month. Reading counts a stale or missing month live, in the same snapshot as the rest, and
writes it back (on the primary: the snapshot may be a replica's). The figures are the live path's by
construction — the same queries over the same month — which tests/integration/test_indicator_rollups.py
checks indicator by indicator.

The running month is the sum of its ended days, each stored the same way (migration 0032 logs changes by
day too), and of its last two days counted live: a month's figures are sums of its days' (every count is
by a local date in the month), so the live read stays two days long however busy the month
(tests/integration/test_indicator_day_rollups.py checks the sum against the month counted live).
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields
from datetime import date, timedelta
from typing import Any

import asyncpg
import structlog

from domain import indicators as ind
from service.store import indicator_rollups as rollups
from service.store import statistics
from service.store.db import CONNECTION_ERRORS
from service.usecases.snapshots import statistics_snapshot

log = structlog.get_logger("indicator_rollups")

ROLLED_UP_MONTHS = 25  # the refresh job keeps this many ended months ready: 12 shown + 12 for year-on-year
LIVE_DAYS = 2  # the running month's last days counted live: changes to a day are logged from the next one


@dataclass(frozen=True, slots=True)
class Counted:
    """Each month's aggregates (absent: nothing happened), and the ended months counted live, to keep;
    `days_to_store`: the running month's ended days counted live (from `days_from`, its first day)."""

    counts: dict[date, ind.MonthCounts]
    watermark: rollups.Watermark
    to_store: dict[date, ind.MonthCounts] = field(default_factory=dict)
    days_to_store: dict[date, ind.MonthCounts] = field(default_factory=dict)
    days_from: date | None = None


async def horizon(conn: asyncpg.Connection) -> tuple[date, rollups.Watermark]:
    """In a statistics snapshot: the server's running local month (months before it may be rolled up)
    and the snapshot's watermark, to store with what is counted in it."""
    return await rollups.horizon(conn)


async def fresh_month(conn: asyncpg.Connection, month: date) -> ind.MonthCounts | None:
    """An ended month's rollup, if its snapshot saw every change logged for the month since (in a
    statistics snapshot; call only for a month before `horizon`'s open month). None: count it live."""
    stored = await rollups.fresh(conn, rollups.MONTHS, month, ind.add_months(month, 1), ind.VERSION)
    return stored.get(month)


def _runs(months: list[date]) -> list[tuple[date, date]]:
    """Consecutive months as [first, end) ranges: one set of queries for each."""
    runs: list[tuple[date, date]] = []
    for month in months:
        if runs and runs[-1][1] == month:
            runs[-1] = (runs[-1][0], ind.add_months(month, 1))
        else:
            runs.append((month, ind.add_months(month, 1)))
    return runs


def add_up(parts: Iterable[ind.MonthCounts]) -> ind.MonthCounts:
    """The counts of consecutive periods as one: every field is a count or a mapping of counts."""
    total: dict[str, Any] = {}
    for part in parts:
        for f in fields(ind.MonthCounts):
            value = getattr(part, f.name)
            if isinstance(value, Mapping):
                into = total.setdefault(f.name, {})
                for key, n in value.items():
                    into[key] = into.get(key, 0) + n
            else:
                total[f.name] = total.get(f.name, 0) + value
    return ind.MonthCounts(**total)


async def _days_ended(
    conn: asyncpg.Connection, month: date, month_end: date, today: date
) -> tuple[date, dict[date, ind.MonthCounts]]:
    """The running month's first day still counted live (days before it ended by both clocks, two days
    behind the server's: see migration 0032), and the fresh rollups of the days before it."""
    server_day = await rollups.open_day(conn)
    if month < ind.add_months(date(server_day.year, server_day.month, 1), -1):
        return month, {}  # a product clock months behind the server's: those days are not logged
    live_from = max(month, min(month_end, today, server_day - timedelta(days=LIVE_DAYS - 1)))
    if month >= live_from:
        return live_from, {}
    return live_from, await rollups.fresh(conn, rollups.DAYS, month, live_from, ind.VERSION)


async def read_counts(
    conn: asyncpg.Connection, read: statistics.Reader, first: date, end: date, *, today: date
) -> Counted:
    """The aggregates of the months in [first, end) in one statistics snapshot (`conn` is its first
    connection): ended months from fresh rollups or counted live, the running month as the sum of its
    ended days (day rollups, or counted live a day at a time) and of its last days counted live."""
    open_month, watermark = await horizon(conn)
    # ended by both clocks: the product's (today) and the server's, which decides what the triggers log
    bound = max(first, min(end, date(today.year, today.month, 1), open_month))
    stored = await rollups.fresh(conn, rollups.MONTHS, first, bound, ind.VERSION) if first < bound else {}
    missing = [m for m in ind.months_between(first, ind.add_months(bound, -1)) if m not in stored]
    live_ranges = _runs(missing)
    live_from, days = bound, dict[date, ind.MonthCounts]()
    if bound < end:
        live_from, days = await _days_ended(conn, bound, min(end, ind.add_months(bound, 1)), today)
    missing_days = [bound + timedelta(days=i) for i in range((live_from - bound).days)]
    missing_days = [d for d in missing_days if d not in days]
    results = await asyncio.gather(
        *(statistics.month_counts(read, lo, hi) for lo, hi in live_ranges),
        *(statistics.month_counts(read, d, d + timedelta(days=1)) for d in missing_days),
        *([statistics.month_counts(read, live_from, end, today=today)] if live_from < end else []),
    )
    counts = dict(stored)
    for found in results[: len(live_ranges)] + results[len(live_ranges) + len(missing_days) :]:
        counts.update(found)  # the ended months, then the tail: the running month's last days (and after)
    by_day = results[len(live_ranges) : len(live_ranges) + len(missing_days)]
    days_to_store = {
        d: found.get(bound, ind.MonthCounts()) for d, found in zip(missing_days, by_day, strict=True)
    }
    if days or days_to_store:
        tail = [counts[bound]] if bound in counts else []
        counts[bound] = add_up([*days.values(), *days_to_store.values(), *tail])
    to_store = {m: counts.get(m, ind.MonthCounts()) for m in missing}
    return Counted(counts, watermark, to_store, days_to_store, bound)


async def write_back(pool: asyncpg.Pool, counted: Counted) -> int:
    """Store the months (and running month's days) counted live, on the primary; return the months
    stored. A failure is logged, never raised: the figures were read already, and the next read counts
    them again."""
    if not counted.to_store and not counted.days_to_store:
        return 0
    try:
        async with pool.acquire() as conn, conn.transaction():
            kept = [
                await rollups.store(
                    conn, rollups.MONTHS, month, counts, definitions=ind.VERSION, watermark=counted.watermark
                )
                for month, counts in sorted(counted.to_store.items())  # in order: writers never deadlock
            ]
            for day, counts in sorted(counted.days_to_store.items()):
                await rollups.store(
                    conn, rollups.DAYS, day, counts, definitions=ind.VERSION, watermark=counted.watermark
                )
            if counted.days_to_store and counted.days_from is not None:
                await rollups.purge_days(conn, counted.days_from)
    except (asyncpg.PostgresError, *CONNECTION_ERRORS) as exc:
        log.warning(
            "indicator rollups not stored",
            error=type(exc).__name__,
            months=len(counted.to_store),
            days=len(counted.days_to_store),
        )
        return 0
    return sum(kept)


async def refresh(pool: asyncpg.Pool, read_pool: asyncpg.Pool, *, today: date) -> int:
    """Count the ended months that have no fresh rollup (the last ROLLED_UP_MONTHS), and the running
    month's ended days, and store them: the worker's job, so that a month or a day that just ended, or
    was changed, is ready before anyone asks. Returns the months stored."""
    current = date(today.year, today.month, 1)
    first = max(ind.add_months(current, -ROLLED_UP_MONTHS), ind.FIRST_MONTH)
    async with statistics_snapshot(read_pool) as (conn, read):
        counted = await read_counts(conn, read, first, ind.add_months(current, 1), today=today)
    return await write_back(pool, counted)
