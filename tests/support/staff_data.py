"""The staff reads benchmark's database: the statistics benchmark's cases (`generate` of
tests/bench/test_statistics_bench.py) plus what the staff pages read and the return does not: one
consumer row and one event per case, deposit ledgers, appeals and cluster alerts. Set-based, in chunks of
BENCH_CHUNK case ids, with the tables' secondary indexes dropped around the load and foreign-key triggers
off (the generator makes only valid references), then VACUUM ANALYZE.

Proportions: every case has its consumer (half with a resident ID number, a tenth with an e-mail) and its
`received` event; every merchant a topped-up deposit, each first payment paid from the deposit a payout
transaction (two postings each); one closed case in 200 an appeal (a fifth still open); cluster alerts
for the merchants with the most food cases among the latest 200,000 (TOTAL / 50,000 open, four times as
many decided); a tenth of the running mediations unassigned, in their queues, for the claims.
"""

from __future__ import annotations

import time

import asyncpg

from tests.support.bench_data import CHUNK, NOW, generate

CONSUMERS_SQL = """
INSERT INTO case_consumers (case_id, name, phone, address, id_number, email, locale, id_type)
SELECT id, '压测' || id, '139' || lpad((id % 100000000)::text, 8, '0'),
       '杭州市拱墅区测试街' || (id % 997) || '号',
       CASE WHEN id % 2 = 0 THEN '33010519900101' || lpad((id % 10000)::text, 4, '0') END,
       CASE WHEN id % 10 = 0 THEN 'c' || id || '@example.com' END,
       CASE WHEN id % 50 = 0 THEN 'en' ELSE 'zh_CN' END,
       CASE WHEN id % 2 = 0 THEN 'resident_id' END
FROM cases WHERE id >= $1 AND id < $2
"""

EVENTS_SQL = """
INSERT INTO case_events (case_id, kind, actor, at, payload, rule_set_id)
SELECT id, 'received', 'consumer', received_at, jsonb_build_object('channel', channel), rule_set_id
FROM cases WHERE id >= $1 AND id < $2 ORDER BY id
"""

# A funding account, each merchant's deposit / held / paid-out accounts and a top-up of its deposit.
LEDGER_ACCOUNTS_SQL = """
WITH f AS (INSERT INTO ledger_accounts (kind, merchant_id) VALUES ('funding', NULL) RETURNING id),
a AS (
    INSERT INTO ledger_accounts (kind, merchant_id)
    SELECT k, m.id FROM merchants m, unnest(ARRAY['deposit', 'held', 'paid_out']) k ORDER BY m.id, k
),
t AS (
    INSERT INTO ledger_transactions (kind, merchant_id, memo, actor, created_at)
    SELECT 'top_up', id, '保证金缴存', 'staff:1', TIMESTAMPTZ '2024-06-01' FROM merchants ORDER BY id
    RETURNING id, merchant_id
)
SELECT count(*) FROM t
"""

TOP_UP_POSTINGS_SQL = """
INSERT INTO ledger_postings (transaction_id, account_id, amount_fen)
SELECT t.id, CASE WHEN s.sign < 0 THEN f.id ELSE d.id END, s.sign * 50000000
FROM ledger_transactions t
JOIN ledger_accounts d ON d.kind = 'deposit' AND d.merchant_id = t.merchant_id
CROSS JOIN (SELECT id FROM ledger_accounts WHERE kind = 'funding') f
CROSS JOIN (VALUES (-1), (1)) s (sign)
WHERE t.kind = 'top_up'
"""

# Each first payment paid from the deposit: a payout, deposit to paid-out, linked from the first payment.
PAYOUTS_SQL = """
WITH t AS (
    INSERT INTO ledger_transactions (kind, merchant_id, case_id, memo, actor, created_at)
    SELECT 'payout', fp.payer_id, fp.case_id, '先行赔付：保证金支付', 'staff:1', fp.updated_at
    FROM first_payments fp
    WHERE fp.state = 'paid_from_deposit' AND fp.case_id >= $1 AND fp.case_id < $2
    ORDER BY fp.case_id
    RETURNING id, merchant_id, case_id
), linked AS (  -- as the product records it: the first payment names its payout (the ledger page lists them)
    UPDATE first_payments fp SET payout_transaction_id = t.id FROM t WHERE fp.case_id = t.case_id
)
INSERT INTO ledger_postings (transaction_id, account_id, amount_fen)
SELECT t.id, a.id, CASE a.kind WHEN 'deposit' THEN -fp.paid_fen ELSE fp.paid_fen END
FROM t JOIN first_payments fp ON fp.case_id = t.case_id
JOIN ledger_accounts a ON a.merchant_id = t.merchant_id AND a.kind IN ('deposit', 'paid_out')
WHERE fp.paid_fen > 0
"""

APPEALS_SQL = """
INSERT INTO appeals (case_id, kind, reason, requested_at, decided_at, decision, decision_reason, decided_by)
SELECT id, CASE WHEN id % 3 = 0 THEN 'reopen' ELSE 'appeal' END, '对调解结果不满意，申请复核。',
       closed_at + interval '3 days',
       CASE WHEN id % 1000 <> 0 THEN closed_at + interval '8 days' END,
       CASE WHEN id % 1000 <> 0 THEN CASE WHEN id % 7 = 0 THEN 'accepted' ELSE 'declined' END END,
       CASE WHEN id % 1000 <> 0 THEN '经复核，维持原处理结果。' END,
       CASE WHEN id % 1000 <> 0 THEN decided_by END
FROM cases WHERE status = 'closed' AND id % 200 = 0 AND id >= $1 AND id < $2
  AND closed_at + interval '3 days' < $3
"""

# $1 the first case id looked at, $2 open alerts, $3 decided alerts; each alert lists up to 12 cases.
CLUSTERS_SQL = """
WITH m AS (
    SELECT merchant_id, (array_agg(id ORDER BY id DESC))[1:12] AS ids,
           min(received_on) AS lo, max(received_on) AS hi, count(*) AS n
    FROM cases WHERE id >= $1 AND category = 'food' AND accepted_on IS NOT NULL
    GROUP BY merchant_id
), ranked AS (
    SELECT m.*, row_number() OVER (ORDER BY n DESC, merchant_id) AS rank FROM m
)
INSERT INTO cluster_alerts (merchant_id, category, window_start, window_end, case_ids, raised_at, decided_at,
                            decision, decision_note)
SELECT merchant_id, 'food', lo, hi, ids, hi::timestamp AT TIME ZONE 'Asia/Shanghai',
       CASE WHEN rank > $2 THEN (hi + 3)::timestamp AT TIME ZONE 'Asia/Shanghai' END,
       CASE WHEN rank > $2 THEN CASE WHEN rank % 4 = 0 THEN 'joint_complaint' ELSE 'no_action' END END,
       CASE WHEN rank > $2 THEN '已研判。' END
FROM ranked WHERE rank <= $2 + $3
"""

EXTRA_TABLES = ("case_consumers", "case_events", "ledger_accounts", "ledger_transactions", "ledger_postings",
                "appeals", "cluster_alerts")  # fmt: skip


async def secondary_indexes(conn: asyncpg.Connection, table: str) -> list[str]:
    """The definitions of `table`'s indexes that back no constraint (dropped around a load)."""
    rows = await conn.fetch(
        "SELECT i.indexname, i.indexdef FROM pg_indexes i"
        " WHERE i.schemaname = current_schema() AND i.tablename = $1"
        " AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)",
        table,
    )
    for r in rows:
        await conn.execute(f'DROP INDEX "{r["indexname"]}"')
    return [r["indexdef"] for r in rows]


async def add_staff_tables(conn: asyncpg.Connection, total: int) -> None:
    await conn.execute("SET session_replication_role = replica")  # no FK or ledger triggers while loading
    await conn.execute("SET maintenance_work_mem = '1GB'")
    dropped = [d for t in ("case_consumers", "case_events") for d in await secondary_indexes(conn, t)]
    await conn.fetchval(LEDGER_ACCOUNTS_SQL)
    await conn.execute(TOP_UP_POSTINGS_SQL)
    for lo in range(1, total + 1, CHUNK):
        hi = min(lo + CHUNK, total + 1)
        for sql in (CONSUMERS_SQL, EVENTS_SQL, PAYOUTS_SQL):
            await conn.execute(sql, lo, hi, timeout=None)
        await conn.execute(APPEALS_SQL, lo, hi, NOW, timeout=None)
    # a tenth of the running mediations left in their queues, for the claims
    await conn.execute(
        "UPDATE cases SET assigned_to = NULL, assigned_at = NULL WHERE status = 'mediation' AND id % 10 = 0",
        timeout=None,
    )
    open_alerts = max(10, total // 50_000)
    await conn.execute(CLUSTERS_SQL, max(1, total - 200_000), open_alerts, 4 * open_alerts, timeout=None)
    for definition in dropped:
        await conn.execute(definition, timeout=None)
    for t in ("cases", *EXTRA_TABLES):
        await conn.execute(f"VACUUM (ANALYZE) {t}", timeout=None)


async def build(url: str, total: int, in_month: int) -> tuple[float, dict[str, int]]:
    """The whole database; returns the seconds taken and the rows per table."""
    began = time.perf_counter()
    _, rows = await generate(url, total, in_month)
    conn = await asyncpg.connect(url)
    try:
        await add_staff_tables(conn, total)
        for t in EXTRA_TABLES:
            rows[t] = await conn.fetchval(f"SELECT count(*) FROM {t}", timeout=None)
    finally:
        await conn.close()
    return time.perf_counter() - began, rows
