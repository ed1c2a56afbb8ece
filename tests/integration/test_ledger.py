"""The deposit ledger on PostgreSQL: balanced transactions, no overdraft, racing payouts, append-only."""

from __future__ import annotations

import asyncio

import asyncpg
import pytest

from domain import ledger as money
from domain.ledger import Account, Posting, Transaction, TxKind
from service.store import ledger


async def new_merchant(pool: asyncpg.Pool, name: str) -> int:
    merchant_id: int = await pool.fetchval(
        "INSERT INTO merchants (name, address, kind) VALUES ($1, $2, 'shop') RETURNING id",
        name,
        "杭州市拱墅区测试路1号",
    )
    return merchant_id


async def deposit(pool: asyncpg.Pool, merchant_id: int, tx: Transaction) -> int:
    async with pool.acquire() as conn, conn.transaction():
        await ledger.lock_accounts(conn, merchant_id)
        return await ledger.record(conn, tx, merchant_id=merchant_id, case_id=None, memo=None, actor="test")


async def test_balances_are_sums_of_postings(pool: asyncpg.Pool) -> None:
    m = await new_merchant(pool, "账本测试商户甲")
    await deposit(pool, m, money.top_up(100_000))
    await deposit(pool, m, money.payout(30_000))
    await deposit(pool, m, money.recovery(30_000))
    async with pool.acquire() as conn:
        balances = await ledger.balances(conn, m)
    assert balances == {
        Account.DEPOSIT: 100_000,
        Account.HELD: 0,
        Account.PAID_OUT: 30_000,
        Account.FUNDING: -130_000,
    }
    assert sum(balances.values()) == 0  # the books always balance


async def test_an_unbalanced_transaction_is_refused_by_the_database(pool: asyncpg.Pool) -> None:
    m = await new_merchant(pool, "账本测试商户乙")
    lopsided = Transaction(TxKind.TOP_UP, (Posting(Account.FUNDING, -100), Posting(Account.DEPOSIT, 99)))
    with pytest.raises(asyncpg.PostgresError, match="does not balance"):
        async with pool.acquire() as conn, conn.transaction():
            await ledger.lock_accounts(conn, m)
            tx_id = await conn.fetchval(
                "INSERT INTO ledger_transactions (kind, merchant_id, actor) VALUES ('top_up', $1, 'test')"
                " RETURNING id",
                m,
            )
            for p in lopsided.postings:
                await conn.execute(
                    "INSERT INTO ledger_postings (transaction_id, account_id, amount_fen) "
                    "SELECT $1, id, $3 FROM ledger_accounts WHERE kind = $2 AND merchant_id = $4",
                    tx_id,
                    p.account.value,
                    p.amount_fen,
                    m,
                )
    assert await pool.fetchval("SELECT count(*) FROM ledger_transactions WHERE merchant_id = $1", m) == 0


async def test_a_payout_cannot_overdraw_the_deposit(pool: asyncpg.Pool) -> None:
    m = await new_merchant(pool, "账本测试商户丙")
    await deposit(pool, m, money.top_up(50_000))
    with pytest.raises(asyncpg.PostgresError, match="overdrawn"):
        await deposit(pool, m, money.payout(50_001))
    async with pool.acquire() as conn:
        assert (await ledger.balances(conn, m))[Account.DEPOSIT] == 50_000


async def test_two_payouts_racing_for_the_last_funds(pool: asyncpg.Pool) -> None:
    m = await new_merchant(pool, "账本测试商户丁")
    await deposit(pool, m, money.top_up(80_000))

    async def pay(amount: int) -> str:
        async with pool.acquire() as conn, conn.transaction():
            await ledger.lock_accounts(conn, m)  # the second waits here for the first to commit
            available = (await ledger.balances(conn, m))[Account.DEPOSIT]
            try:
                money.check_funds(available, amount)
            except money.LedgerError:
                return "refused"
            await asyncio.sleep(0.05)  # widen the window a race would need
            await ledger.record(
                conn, money.payout(amount), merchant_id=m, case_id=None, memo=None, actor="test"
            )
            return "paid"

    results = await asyncio.gather(pay(60_000), pay(60_000))
    assert sorted(results) == ["paid", "refused"]
    async with pool.acquire() as conn:
        assert (await ledger.balances(conn, m))[Account.DEPOSIT] == 20_000


async def test_the_ledger_is_append_only(pool: asyncpg.Pool) -> None:
    m = await new_merchant(pool, "账本测试商户戊")
    tx_id = await deposit(pool, m, money.top_up(1_000))
    with pytest.raises(asyncpg.PostgresError, match="append-only"):
        await pool.execute("UPDATE ledger_postings SET amount_fen = 1 WHERE transaction_id = $1", tx_id)
    with pytest.raises(asyncpg.PostgresError, match="append-only"):
        await pool.execute("DELETE FROM ledger_transactions WHERE id = $1", tx_id)


@pytest.mark.parametrize("amount", [0, -5, True])
def test_amounts_must_be_positive_fen(amount: int) -> None:
    with pytest.raises(money.LedgerError):
        money.top_up(amount)
