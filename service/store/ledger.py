"""The deposit ledger in PostgreSQL: accounts per merchant, append-only transactions and postings.

Balances are sums of postings. Database triggers refuse an unbalanced transaction and a negative
deposit at commit; callers also lock the merchant's accounts first, so that racing payouts take turns
and the second one sees what the first left.
"""

from __future__ import annotations

import asyncpg

from domain.ledger import Account, Transaction
from service.store.sql import SQL


async def lock_accounts(conn: asyncpg.Connection, merchant_id: int) -> None:
    """Create the merchant's accounts if needed, and lock them until the transaction ends."""
    for account in Account:
        await conn.execute(SQL["ledger_accounts_ensure"], account.value, merchant_id)
    await conn.fetch(SQL["ledger_accounts_lock"], merchant_id)


async def balances(conn: asyncpg.Connection, merchant_id: int) -> dict[Account, int]:
    rows = await conn.fetch(SQL["ledger_balances"], merchant_id)
    found = {Account(r["kind"]): int(r["balance"]) for r in rows}
    return {account: found.get(account, 0) for account in Account}


async def record(
    conn: asyncpg.Connection,
    tx: Transaction,
    *,
    merchant_id: int,
    case_id: int | None,
    memo: str | None,
    actor: str,
) -> int:
    assert tx.balanced, "domain.ledger builds only balanced transactions"
    tx_id: int = await conn.fetchval(
        SQL["ledger_transactions_insert"], tx.kind.value, merchant_id, case_id, memo, actor
    )
    for posting in tx.postings:
        await conn.execute(
            SQL["ledger_postings_insert"], tx_id, posting.account.value, merchant_id, posting.amount_fen
        )
    return tx_id


async def transactions(conn: asyncpg.Connection, merchant_id: int, limit: int = 50) -> list[asyncpg.Record]:
    return list(await conn.fetch(SQL["ledger_transactions_for_merchant"], merchant_id, limit))


async def payouts(conn: asyncpg.Connection, merchant_id: int, limit: int = 50) -> list[asyncpg.Record]:
    """The cases the merchant's deposit paid consumers for, newest first."""
    return list(await conn.fetch(SQL["ledger_payouts_for_merchant"], merchant_id, limit))
