"""What routing reads (the merchant, commitments with deposits, agreements, the policy) and writes."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import asyncpg

from service.store.sql import SQL, one_row


async def policy(conn: asyncpg.Connection, day: date) -> asyncpg.Record:
    row = await conn.fetchrow(SQL["routing_policies_in_force"], day)
    assert row is not None, "routing_policies is seeded by migration 0005"
    return row


merchant = one_row("routing_merchant", int)


async def commitments(conn: asyncpg.Connection, merchant_id: int) -> list[asyncpg.Record]:
    return list(await conn.fetch(SQL["routing_commitments_for"], merchant_id))


async def agreement(conn: asyncpg.Connection, case_id: int, merchant_id: int | None) -> asyncpg.Record | None:
    return await conn.fetchrow(SQL["routing_agreement_for"], case_id, merchant_id)


async def set_route(
    conn: asyncpg.Connection,
    case_id: int,
    *,
    status: str,
    route: str,
    explanation: dict[str, Any],
    merchant_id: int | None,
    at: datetime,
) -> None:
    await conn.execute(SQL["cases_set_route"], case_id, status, route, explanation, merchant_id, at)


async def note_pending(
    conn: asyncpg.Connection, case_id: int, *, at: datetime, request_id: str | None, job_keys: list[str]
) -> bool:
    """On a case locked while it awaits acceptance: its one routing_pending event and its routing jobs done,
    in one statement; whether the event was written now."""
    written: bool = await conn.fetchval(SQL["routing_note_pending"], case_id, at, request_id, job_keys)
    return written
