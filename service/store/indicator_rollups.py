"""Per-month indicator rollups (migration 0032): a month's aggregates stored as JSON with the definitions'
version and the snapshot they were counted in; fresh while no logged change of the month escaped it.
The running month's ended days are kept the same way, one row a day (migration 0032)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import asyncpg

from domain.indicators import MonthCounts
from service.store.sql import SQL

# The mappings of MonthCounts whose keys are not text (JSON object keys are): how to read them back.
_KEYS: dict[str, type] = {"rejections_by_ground": int, "handling_days": int, "survey_scores": Decimal}


def encode(counts: MonthCounts) -> dict[str, Any]:
    return {
        name: {str(k): v for k, v in value.items()} if isinstance(value, dict) else value
        for name, value in asdict(counts).items()
    }


def decode(stored: dict[str, Any]) -> MonthCounts:
    values: dict[str, Any] = {
        name: {_KEYS.get(name, str)(k): v for k, v in value.items()} if isinstance(value, dict) else value
        for name, value in stored.items()
    }
    return MonthCounts(**values)


@dataclass(frozen=True, slots=True)
class Watermark:
    """What a rollup was counted in: a snapshot (as text) of one cluster (its system identifier)."""

    snapshot: str
    cluster: int


async def horizon(conn: asyncpg.Connection) -> tuple[date, Watermark]:
    """In the statistics snapshot: the server's running local month, and the snapshot's watermark."""
    r = await conn.fetchrow(SQL["indicator_rollups_horizon"])
    assert r is not None
    return r["open_month"], Watermark(r["snapshot"], r["cluster"])


@dataclass(frozen=True, slots=True)
class Grain:
    """Month or day rollups: the period column and the SQL of each step."""

    period: str
    fresh: str
    upsert: str
    prune: str


MONTHS = Grain(
    "month", "indicator_rollups_fresh", "indicator_rollups_upsert", "indicator_rollup_changes_prune"
)
DAYS = Grain(
    "day", "indicator_day_rollups_fresh", "indicator_day_rollups_upsert", "indicator_day_rollup_changes_prune"
)


async def fresh(
    conn: asyncpg.Connection, grain: Grain, first: date, end: date, definitions: str
) -> dict[date, MonthCounts]:
    """The fresh rollups (months or days, by `grain`) of the periods in [first, end) counted under
    `definitions`."""
    rows = await conn.fetch(SQL[grain.fresh], first, end, definitions)
    return {r[grain.period]: decode(r["counts"]) for r in rows}


async def store(
    conn: asyncpg.Connection,
    grain: Grain,
    period: date,
    counts: MonthCounts,
    *,
    definitions: str,
    watermark: Watermark,
) -> bool:
    """Write a month's or day's rollup (on the primary, in a transaction) and prune the changes its snapshot
    saw; False when a rollup from a snapshot that is not older was kept instead."""
    args = (period, definitions, encode(counts), watermark.snapshot, watermark.cluster)
    if await conn.fetchval(SQL[grain.upsert], *args) is None:
        return False
    await conn.execute(SQL[grain.prune], period, watermark.snapshot)
    return True


# --- day rollups of the running month (migration 0032) ----------------------------------------------


async def open_day(conn: asyncpg.Connection) -> date:
    """In the statistics snapshot: the server's local day; days before the one before it may be rolled up."""
    day: date = await conn.fetchval(SQL["indicator_day_rollups_open_day"])
    return day


async def purge_days(conn: asyncpg.Connection, before: date) -> None:
    """Drop the day rollups (and logged changes) of days before `before`: their months are rolled up."""
    await conn.execute(SQL["indicator_day_rollups_purge"], before)
