"""Data for the 消费评议 tests (issue 18 §1): verified registry merchants of a test's own, complaints against
them accepted on chosen days (inserted with SQL by tests.support.statistics.Data, carrying its SECRETS as
the consumer's data and the facts), and a publication month no other test uses."""

from __future__ import annotations

import itertools
import uuid
from datetime import date, datetime, time, timedelta
from typing import Any

import asyncpg

from domain import public_records as rules
from service.usecases.clock import LOCAL_TZ
from tests.support.factories import fresh_uscc
from tests.support.statistics import Data

# Each test publishes a month of its own, 14..35 months back: one publication is made per month and then
# read as it is, and the session's database is shared.
_MONTHS = itertools.count(14)


def own_month(today: date) -> tuple[date, rules.Period]:
    """A past month for one test (and the 12-month period ending with it)."""
    month = rules.months_back(today, next(_MONTHS))
    assert month >= rules.months_back(today, 36), "more tests than archived months: widen the range"
    return month, rules.period_ending(month, 12)


def noon(day: date) -> datetime:
    return datetime.combine(day, time(10), LOCAL_TZ)


async def verified_merchant(
    pool: asyncpg.Pool | asyncpg.Connection, name: str | None = None, *, committed: bool = False
) -> int:
    merchant_id: int = await pool.fetchval(
        "INSERT INTO merchants (name, uscc, address, subdistrict)"
        " VALUES ($1, $2, '杭州市拱墅区评议路1号', 'hushu') RETURNING id",
        name or f"杭州评议测试商店{uuid.uuid4().hex[:8]}",
        fresh_uscc(),
    )
    if committed:
        await pool.execute(
            "INSERT INTO commitments (merchant_id, scope_requests, per_claim_cap_fen, active_from) "
            "VALUES ($1, '{refund}', 100000, DATE '2020-01-01')",
            merchant_id,
        )
    return merchant_id


async def accepted(
    conn: asyncpg.Connection, merchant_id: int, on: date, *, n: int = 1, **cols: Any
) -> list[int]:
    """`n` complaints against the merchant accepted on `on` (in mediation unless `cols` say otherwise)."""
    data = Data(conn, prefix=f"P{uuid.uuid4().hex[:9]}")
    facts: dict[str, Any] = {
        "status": "mediation",
        "route": "mediation",
        "merchant_id": merchant_id,
        "decided_at": noon(on),
        "accepted_on": on,
        "mediation_due": on + timedelta(days=60),
    }
    return [await data.case(f"c{i}", noon(on - timedelta(days=1)), **{**facts, **cols}) for i in range(n)]


async def not_accepted(conn: asyncpg.Connection, merchant_id: int, on: date, *, rejected: bool) -> int:
    """A complaint against the merchant received on `on` and rejected (or not decided yet)."""
    data = Data(conn, prefix=f"R{uuid.uuid4().hex[:9]}")
    cols: dict[str, Any] = {"merchant_id": merchant_id}
    if rejected:
        cols |= {"status": "rejected", "outcome": "rejected", "rejection_ground": 3, "decided_at": noon(on)}
    return await data.case("r", noon(on), **cols)
