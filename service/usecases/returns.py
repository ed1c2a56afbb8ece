"""Indicators by month and the monthly return to the leading group (DESIGN §3).

A return is a frozen snapshot: its figures, the definitions' version and a content hash. Producing a month
again with the same figures changes nothing; with different figures it adds a restatement (version n+1,
listing what changed); the earlier versions are kept. Month-over-month and year-over-year compare with
the latest stored returns of the month before and of the same month a year before, where they exist.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime

import asyncpg

from domain import indicators as ind
from domain.errors import FieldError, NotFound, ValidationFailed
from domain.return_figures import build_figures
from service.store import product_signals, reference, statistics
from service.store.staff import StaffUser
from service.store.statistics import Return, ReturnListItem
from service.usecases import indicator_rollups
from service.usecases.clock import local_date, local_time
from service.usecases.returns_commands import (
    REASON_MAX,
    IndicatorDefinition,
    IndicatorMonth,
    Indicators,
    MonthlyReturn,
    MonthlyReturnListItem,
    ProduceReturn,
)
from service.usecases.snapshots import READERS, statistics_snapshot

__all__ = ["READERS", "Return", "ReturnListItem", "statistics_snapshot"]

SYSTEM_ACTOR = "system"


def month_of(text: object, field: str = "month") -> date:
    """A 'YYYY-MM' parameter as the month's first day, or a 422 naming the field."""
    try:
        month = ind.parse_month(str(text))
    except ValueError:
        raise ValidationFailed(
            [FieldError(field, "invalid_month", "月份格式应为 YYYY-MM，如 2026-05", "A month as YYYY-MM")]
        ) from None
    if month < ind.FIRST_MONTH:
        raise ValidationFailed(
            [FieldError(field, "too_early", "2020年1月以前没有统计数据", "Nothing is counted before 2020-01")]
        )
    return month


def _check_closed(month: date, now: datetime) -> None:
    if month >= ind.add_months(ind.previous_month(local_date(now)), 1):
        raise ValidationFailed(
            [
                FieldError(
                    "month",
                    "month_not_ended",
                    "只能报送已经结束的月份",
                    "Only a month that has ended can be returned",
                )
            ]
        )


# --- the monthly return -----------------------------------------------------------------------------


async def compute(conn: asyncpg.Connection, read: statistics.Reader, month: date) -> dict[str, object]:
    """The figures of a month from the data as it stands, every count live (call inside
    `statistics_snapshot`)."""
    figures, _ = await _figures_and_counts(conn, read, month)
    return figures


async def _figures_and_counts(
    conn: asyncpg.Connection, read: statistics.Reader, month: date, counted: ind.MonthCounts | None = None
) -> tuple[dict[str, object], ind.MonthCounts]:
    """The month's figures; its aggregates `counted` already (a fresh rollup) or counted now."""
    end = ind.add_months(month, 1)
    tables_and_signals = asyncio.gather(
        statistics.month_tables(read, month, end, ind.TOP_MERCHANTS),
        product_signals.month_tables(read, month, end),
    )
    if counted is None:
        (tables, signal_rows), by_month = await asyncio.gather(
            tables_and_signals, statistics.month_counts(read, month, end)
        )
        counts = by_month.get(month, ind.MonthCounts())
    else:
        (tables, signal_rows), counts = await tables_and_signals, counted
    taxonomy = await reference.taxonomy(conn)
    bases = {"mom": ind.add_months(month, -1), "yoy": ind.add_months(month, -12)}
    stored = await statistics.summaries(conn, list(bases.values()))
    comparisons = {
        name: ({"month": ind.month_key(base), **stored[base]} if base in stored else None)
        for name, base in bases.items()
    }
    return build_figures(month, counts, tables, taxonomy, comparisons, signal_rows), counts


async def produce(
    pool: asyncpg.Pool,
    month: date,
    *,
    actor: str,
    now: datetime,
    reason: str | None = None,
    read_pool: asyncpg.Pool | None = None,
) -> Return:
    """Compute a month and store it: version 1; unchanged when the figures are the same as the latest
    version (nothing stored, `created` False); else a restatement listing what changed. Computed from
    `read_pool` (a replica, once it has caught up) when given, stored on `pool` (the primary). The
    month's aggregates are its indicator rollup when that is fresh in the snapshot (the hourly rollup job
    has usually counted an ended month before its return is due: the same queries, and any later write
    into the month makes it stale), else counted now and stored as its rollup."""
    _check_closed(month, now)
    async with statistics_snapshot(read_pool or pool, primary=pool) as (conn, read):
        open_month, watermark = await indicator_rollups.horizon(conn)
        rolled_up = await indicator_rollups.fresh_month(conn, month) if month < open_month else None
        figures, counts = await _figures_and_counts(conn, read, month, rolled_up)
    if month < open_month and rolled_up is None:
        await indicator_rollups.write_back(pool, indicator_rollups.Counted({}, watermark, {month: counts}))
    digest = ind.content_hash(figures)
    async with pool.acquire() as conn, conn.transaction():
        await statistics.lock_month(conn, month)  # two producers of one month take turns
        latest = await statistics.latest_return(conn, month)
        if latest is not None and latest.content_hash == digest:
            return latest
        stored = await statistics.insert_return(
            conn,
            month=month,
            version=latest.version + 1 if latest else 1,
            definitions=ind.VERSION,
            figures=figures,
            content_hash=digest,
            created_at=now,
            created_by=actor,
            restatement_of=latest.version if latest else None,
            changes=[c.as_json() for c in ind.diff(latest.figures, figures)] if latest else None,
            reason=(reason or None) if latest else None,
        )
    return replace(stored, created=True)


async def produce_return(
    pool: asyncpg.Pool,
    month: date,
    actor: StaffUser,
    cmd: ProduceReturn,
    *,
    now: datetime,
    read_pool: asyncpg.Pool | None = None,
) -> Return:
    """A person asks for a month's return now (the API and the returns page)."""
    reason = (cmd.reason or "").strip()
    if len(reason) > REASON_MAX:
        raise ValidationFailed(
            [FieldError("reason", "too_long", "说明不能超过500字", "At most 500 characters")]
        )
    return await produce(pool, month, actor=actor.actor, now=now, reason=reason or None, read_pool=read_pool)


def return_view(r: Return) -> MonthlyReturn:
    return MonthlyReturn(
        month=ind.month_key(r.month),
        version=r.version,
        content_hash=r.content_hash,
        definitions=r.definitions,
        created_at=r.created_at,
        created_by=r.created_by,
        restatement_of=r.restatement_of,
        changes=r.changes,
        reason=r.reason,
        figures=r.figures,
        created=r.created,
    )


async def produce_due(
    pool: asyncpg.Pool, *, now: datetime, read_pool: asyncpg.Pool | None = None
) -> Return | None:
    """The scheduled return: last month's, from 02:00 on the 1st (Asia/Shanghai), once. Run it as often as
    you like: when last month already has a return (or it is not yet due) nothing happens."""
    local = local_time(now)
    if not ind.is_return_due(local.date(), local.hour):
        return None
    month = ind.previous_month(local.date())
    async with pool.acquire() as conn:
        if await statistics.latest_return(conn, month) is not None:
            return None
    return await produce(pool, month, actor=SYSTEM_ACTOR, now=now, reason="定时生成", read_pool=read_pool)


async def get(pool: asyncpg.Pool, month: date, version: int | None = None) -> Return:
    async with pool.acquire() as conn:
        found = (
            await statistics.latest_return(conn, month)
            if version is None
            else await statistics.get_return(conn, month, version)
        )
    if found is None:
        raise NotFound(f"no return for {ind.month_key(month)}" + (f" version {version}" if version else ""))
    return found


@dataclass(frozen=True, slots=True)
class ReturnFile:
    """A return with the definitions it was computed with: what the exports and the report page need."""

    ret: Return
    definitions: list[ind.Definition]
    history: list[Return]


async def report(pool: asyncpg.Pool, month: date, version: int | None = None) -> ReturnFile:
    ret = await get(pool, month, version)
    async with pool.acquire() as conn:
        definitions = await statistics.definitions(conn, ret.definitions)
        history = await statistics.versions(conn, month)
    return ReturnFile(ret, definitions, history)


async def list_returns(pool: asyncpg.Pool, limit: int = 120) -> list[ReturnListItem]:
    async with pool.acquire() as conn:
        return await statistics.list_returns(conn, limit)


async def return_list(pool: asyncpg.Pool) -> list[MonthlyReturnListItem]:
    """The latest version of each month's return, newest first (the API's list)."""
    return [
        MonthlyReturnListItem(
            ind.month_key(r.month),
            r.version,
            r.versions,
            r.content_hash,
            r.definitions,
            r.created_at,
            r.restatement_of,
        )
        for r in await list_returns(pool)
    ]


async def definitions(pool: asyncpg.Pool, version: str = ind.VERSION) -> list[ind.Definition]:
    async with pool.acquire() as conn:
        return await statistics.definitions(conn, version)


# --- indicators over a range of months --------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MonthIndicators:
    month: date
    values: dict[str, ind.Value]
    mom: dict[str, dict[str, ind.Value]] | None  # None: no earlier month to compare with
    yoy: dict[str, dict[str, ind.Value]] | None
    partial: bool  # the current month, still running


@dataclass(frozen=True, slots=True)
class IndicatorSeries:
    first: date
    last: date
    definitions: list[ind.Definition]
    months: list[MonthIndicators]


def check_range(first: date, last: date, today: date) -> None:
    current = date(today.year, today.month, 1)
    errors = []
    if last > current:
        errors.append(
            FieldError("to", "in_future", "截止月份不能晚于本月", "The last month cannot be in the future")
        )
    if first > last:
        errors.append(FieldError("from", "after_to", "起始月份不能晚于截止月份", "from must not be after to"))
    elif len(ind.months_between(first, last)) > ind.MAX_RANGE_MONTHS:
        errors.append(
            FieldError(
                "from",
                "range_too_long",
                f"一次最多查询{ind.MAX_RANGE_MONTHS}个月",
                f"At most {ind.MAX_RANGE_MONTHS} months at a time",
            )
        )
    if errors:
        raise ValidationFailed(errors)


async def indicators(
    pool: asyncpg.Pool, first: date, last: date, *, today: date, read_pool: asyncpg.Pool | None = None
) -> IndicatorSeries:
    """Every summary indicator of each month in [first, last], with MoM and YoY where the earlier month
    is not before the first complaint ever received: ended months from their rollups (counted live and
    stored when missing or stale), the running month live; read from `read_pool` when given."""
    check_range(first, last, today)
    start = max(ind.add_months(first, -12), ind.FIRST_MONTH)
    async with statistics_snapshot(read_pool or pool) as (conn, read):
        origin = await statistics.first_month(conn)
        definitions = await statistics.definitions(conn, ind.VERSION)
        counted = await indicator_rollups.read_counts(conn, read, start, ind.add_months(last, 1), today=today)
    await indicator_rollups.write_back(pool, counted)
    counts = counted.counts
    current = date(today.year, today.month, 1)

    def values_of(month: date) -> dict[str, ind.Value]:
        return ind.summarize(counts.get(month, ind.MonthCounts()))

    def against(values: dict[str, ind.Value], base: date) -> dict[str, dict[str, ind.Value]] | None:
        if origin is None or base < origin or base < ind.FIRST_MONTH:
            return None
        return ind.compare(values, values_of(base))

    months = []
    for month in ind.months_between(first, last):
        values = values_of(month)
        months.append(
            MonthIndicators(
                month=month,
                values=values,
                mom=against(values, ind.add_months(month, -1)),
                yoy=against(values, ind.add_months(month, -12)),
                partial=month == current,
            )
        )
    return IndicatorSeries(first, last, definitions, months)


def month_range(first: str | None, last: str | None, today: date) -> tuple[date, date]:
    """The months a request asks for ('YYYY-MM' texts): [from, to]; without `from` the 12 months up to
    `to`, without either the last 12 months (this one included)."""
    default_first, default_last = default_range(today)
    start = month_of(first, "from") if first else None
    end = month_of(last, "to") if last else default_last
    if start is None:
        start = max(ind.add_months(end, -11), ind.FIRST_MONTH) if last else default_first
    return start, end


def indicators_view(series: IndicatorSeries) -> Indicators:
    """The series as the API answers it: months as 'YYYY-MM', the summary definitions."""
    return Indicators(
        first=ind.month_key(series.first),
        last=ind.month_key(series.last),
        definitions=[IndicatorDefinition.of(d) for d in series.definitions if d.kind == "summary"],
        months=[
            IndicatorMonth(ind.month_key(m.month), m.partial, m.values, m.mom, m.yoy) for m in series.months
        ],
    )


def default_range(today: date, months: int = 12) -> tuple[date, date]:
    """The last `months` months up to and including the current one."""
    last = date(today.year, today.month, 1)
    return max(ind.add_months(last, -(months - 1)), ind.FIRST_MONTH), last


def summary_codes(definitions: Sequence[ind.Definition]) -> list[str]:
    return [d.code for d in definitions if d.kind == "summary"]
