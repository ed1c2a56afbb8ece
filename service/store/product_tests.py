"""Product tests of a case: started (the clock paused), finished with a finding."""

from __future__ import annotations

from datetime import date

import asyncpg

from service.store.sql import SQL, one_row


async def add_product_test(
    conn: asyncpg.Connection,
    case_id: int,
    *,
    lab: str,
    fee_fen: int,
    advanced_by: str,
    consumer_guarantee_fen: int,
    started_on: date,
) -> int:
    test_id: int = await conn.fetchval(
        SQL["product_tests_insert"], case_id, lab, fee_fen, advanced_by, consumer_guarantee_fen, started_on
    )
    return test_id


product_test = one_row("product_tests_by_id", int)


async def product_tests(conn: asyncpg.Connection, case_id: int) -> list[asyncpg.Record]:
    return list(await conn.fetch(SQL["product_tests_for_case"], case_id))


async def open_product_test(conn: asyncpg.Connection, case_id: int) -> int | None:
    test_id: int | None = await conn.fetchval(SQL["product_tests_open_for_case"], case_id)
    return test_id


async def finish_product_test(
    conn: asyncpg.Connection,
    test_id: int,
    *,
    finding: str,
    at_fault: str,
    on: date,
    report_evidence_id: int | None,
) -> bool:
    """False when the test was already finished."""
    done = await conn.fetchval(
        SQL["product_tests_finish"], test_id, finding, at_fault, on, report_evidence_id
    )
    return done is not None
