"""The first-payment flow of a case, and merchant links."""

from __future__ import annotations

from datetime import date, datetime

import asyncpg

from service.store.sql import SQL, one_row


async def open_flow(
    conn: asyncpg.Connection, case_id: int, payer_id: int, amount_fen: int, reply_due: date
) -> bool:
    """Open the flow; False when the case already has one."""
    return (
        await conn.fetchval(SQL["first_payments_insert"], case_id, payer_id, amount_fen, reply_due)
        is not None
    )


get = one_row("first_payments_get", int)
lock = one_row("first_payments_lock", int)  # the same row, FOR UPDATE


async def set_state(
    conn: asyncpg.Connection,
    case_id: int,
    state: str,
    *,
    note: str | None = None,
    proof_evidence_id: int | None = None,
    paid_fen: int | None = None,
    paid_on: date | None = None,
) -> None:
    await conn.execute(
        SQL["first_payments_set_state"], case_id, state, note, proof_evidence_id, paid_fen, paid_on
    )


async def paid_from_deposit(
    conn: asyncpg.Connection,
    case_id: int,
    *,
    tx_id: int,
    amount_fen: int,
    on: date,
    at: datetime,
    topup_due: date,
) -> None:
    await conn.execute(SQL["first_payments_paid_from_deposit"], case_id, tx_id, amount_fen, on, at, topup_due)


async def topup_done(conn: asyncpg.Connection, payer_id: int, at: datetime) -> list[int]:
    rows = await conn.fetch(SQL["first_payments_topup_done"], payer_id, at)
    await conn.execute(SQL["first_payments_clear_merchant_flag"], payer_id)
    return [r["case_id"] for r in rows]


async def flag_reply_overdue(conn: asyncpg.Connection, today: date, at: datetime) -> list[asyncpg.Record]:
    return list(await conn.fetch(SQL["first_payments_flag_reply_overdue"], today, at))


async def flag_topup_overdue(conn: asyncpg.Connection, today: date, at: datetime) -> list[asyncpg.Record]:
    rows = list(await conn.fetch(SQL["first_payments_flag_topup_overdue"], today, at))
    if rows:
        await conn.execute(SQL["first_payments_flag_merchants"], sorted({r["payer_id"] for r in rows}), at)
    return rows


async def add_token(
    conn: asyncpg.Connection, token_hash: bytes, merchant_id: int, case_id: int | None, expires_at: datetime
) -> None:
    await conn.execute(SQL["merchant_tokens_insert"], token_hash, merchant_id, case_id, expires_at)


token = one_row("merchant_tokens_lookup", bytes, datetime)


async def merchant_cases(
    conn: asyncpg.Connection, merchant_id: int, case_id: int | None
) -> list[asyncpg.Record]:
    return list(await conn.fetch(SQL["merchant_cases_awaiting"], merchant_id, case_id))


async def repoint(
    conn: asyncpg.Connection, case_id: int, payer_id: int, reply_due: date, at: datetime
) -> bool:
    """Move a flow nothing was paid under to another payer (the case was re-linked); False otherwise."""
    return await conn.fetchval(SQL["first_payments_repoint"], case_id, payer_id, reply_due, at) is not None
