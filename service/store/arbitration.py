"""Arbitration agreements and referrals, and the merchant's words from the first-payment step (the bundle)."""

from __future__ import annotations

from datetime import date

import asyncpg

from service.store.sql import SQL, one_row


async def usable_agreements(
    conn: asyncpg.Connection, case_id: int, merchant_id: int | None
) -> list[asyncpg.Record]:
    return list(await conn.fetch(SQL["arbitration_agreements_usable"], case_id, merchant_id))


agreement = one_row("arbitration_agreements_by_id", int)


async def add_agreement(
    conn: asyncpg.Connection,
    *,
    merchant_id: int | None,
    case_id: int,
    kind: str,
    institution: str,
    signed_on: date | None,
    note: str | None,
) -> int:
    agreement_id: int = await conn.fetchval(
        SQL["arbitration_agreements_insert"], merchant_id, case_id, kind, institution, signed_on, note
    )
    return agreement_id


async def add_referral(
    conn: asyncpg.Connection, case_id: int, agreement_id: int, institution: str, on: date
) -> bool:
    """False when the case was already referred."""
    inserted = await conn.fetchval(
        SQL["arbitration_referrals_insert"], case_id, agreement_id, institution, on
    )
    return inserted is not None


referral = one_row("arbitration_referrals_for_case", int)


async def record_award(
    conn: asyncpg.Connection, case_id: int, award_on: date, award_for: str, amount_fen: int | None
) -> bool:
    """False when an award is already recorded (or there is no referral)."""
    done = await conn.fetchval(SQL["arbitration_referrals_award"], case_id, award_on, award_for, amount_fen)
    return done is not None


async def first_payment_note(conn: asyncpg.Connection, case_id: int) -> str | None:
    note: str | None = await conn.fetchval(SQL["arbitration_first_payment_note"], case_id)
    return note
