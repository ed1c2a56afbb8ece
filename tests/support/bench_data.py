"""The statistics benchmarks' data: set-based SQL that fills a database with BENCH_CASES cases (see
tests/bench/test_statistics_bench.py for the proportions), shared by the monthly-return and the staff-reads
benchmarks."""

from __future__ import annotations

import os
import time
from datetime import UTC, date, datetime

import asyncpg

from domain import indicators as ind
from domain.queues import choose_queue
from service.store import queues as queue_store

TOTAL = int(os.environ.get("BENCH_CASES", "10000000"))
IN_MONTH = int(os.environ.get("BENCH_MONTH_CASES", "1000000"))
CHUNK = int(os.environ.get("BENCH_CHUNK", "1000000"))
MONTH = date(2026, 10, 1)
OTHER_MONTHS = [ind.add_months(date(2025, 1, 1), i) for i in range(21)]  # 2025-01 … 2026-09
NOW = datetime(2026, 11, 26, 2, tzinfo=UTC)  # the data's "now": nothing happens after it
MERCHANTS = 50_000
MEDIATORS = 40
SUPERVISORS = 5

# Merchants: names and a USCC (every third) derived from the id, so the cases need no join to name them.
MERCHANTS_SQL = """
INSERT INTO merchants (id, name, uscc, address, subdistrict, kind, verified, created_at, updated_at)
SELECT i, '杭州拱墅' || i || '号商贸有限公司',
       CASE WHEN i % 3 = 0 THEN '9133010' || lpad(i::text, 10, '0') || '0' END,
       '杭州市拱墅区测试路' || i || '号', ($2::text[])[1 + i % cardinality($2::text[])], 'shop', true,
       TIMESTAMPTZ '2024-01-01', TIMESTAMPTZ '2024-01-01'
FROM generate_series(1, $1) AS i
"""

STAFF_SQL = """
INSERT INTO staff_users (username, display_name, password_hash, roles)
SELECT $1 || i, '压测' || $1 || i, '$argon2id$v=19$m=1024,t=1,p=1$bench$bench', ARRAY[$2]
FROM generate_series(1, $3) AS i
RETURNING id
"""

# One chunk of cases [$1, $2) and the rows of the related tables, in one statement. Parameters: $3 cases
# in the month, $4 the month, $5 the other months, $6 now, $7 merchants, $8 sub-districts and $9 their
# queues, $10 categories, $11 problem types, $12 quality domains, $13 supervisors, $14 mediators, $15 all
# cases. Cases are numbered in time order (the earlier months in blocks, the measured month last) and
# each chunk is inserted in order of receipt, so the table is laid out as a live one is: by arrival.
CHUNK_SQL = """
WITH x AS (
    SELECT g, CASE WHEN g > $15::bigint - $3::bigint THEN $4::date
                   ELSE ($5::date[])[1 + ((g - 1) * cardinality($5::date[])) / ($15::bigint - $3::bigint)]
              END AS m,
           random() AS r1, random() AS r2, random() AS r3, random() AS r4, random() AS r5, random() AS r6,
           random() AS r7, random() AS r8, random() AS r9, random() AS r10, random() AS r11, random() AS r12
    FROM generate_series($1::bigint, $2::bigint - 1) AS g
), y AS (
    SELECT x.*,
           (m::timestamp + r1 * ((m + interval '1 month')::date - m) * interval '1 day')
               AT TIME ZONE 'Asia/Shanghai' AS ra,
           CASE WHEN r2 < 0.01 THEN 'undecided' WHEN r2 < 0.09 THEN 'rejected' ELSE 'accepted' END AS kind,
           CASE WHEN r3 < 0.80 THEN 'mediation' WHEN r3 < 0.93 THEN 'first_payment' ELSE 'arbitration' END
               AS rt,
           1 + floor($7 * r6 * r6 * r6)::bigint AS mid,
           CASE WHEN r7 >= 0.05 THEN 1 + floor(r7 * cardinality($8::text[]))::int END AS sub_i,
           1000 + floor(r9 * r9 * 2000000)::bigint AS amt
    FROM x
), z AS (
    SELECT y.*,
           ra + (0.1 + r4 * 9.5) * interval '1 day' AS da,
           ra + (0.1 + r4 * 9.5) * interval '1 day' + (1 + r5 * r5 * 75) * interval '1 day' AS ca
    FROM y
), w AS (
    SELECT z.*,
           (ra AT TIME ZONE 'Asia/Shanghai')::date AS ron,
           (da AT TIME ZONE 'Asia/Shanghai')::date AS don,
           kind <> 'undecided' AND da < $6 AS decided,
           kind = 'accepted' AND ca < $6 AS closed
    FROM z
), v AS (
    SELECT w.*,
           CASE WHEN NOT decided THEN 'received' WHEN kind = 'rejected' THEN 'rejected'
                WHEN closed THEN 'closed' ELSE rt END AS status,
           CASE WHEN closed THEN
               CASE rt WHEN 'mediation' THEN
                           CASE WHEN r10 < 0.6 THEN 'settled' WHEN r10 < 0.85 THEN 'terminated'
                                ELSE 'withdrawn' END
                       WHEN 'first_payment' THEN
                           CASE WHEN r10 < 0.6 THEN 'paid_by_merchant' ELSE 'paid_from_deposit' END
                       ELSE CASE WHEN r10 < 0.6 THEN 'award_for_consumer' ELSE 'award_against_consumer' END
               END
           END AS outcome
    FROM w
), made AS (
    INSERT INTO cases (
        tracking_no, access_code_hash, status, channel, received_at, received_on, rule_set_id,
        acceptance_due, acceptance_due_provisional, quality_domain, category, problem_type, subdistrict,
        merchant_name, merchant_address, merchant_uscc, purchase_date, amount_paid_fen, claim_amount_fen,
        requests, description, consent_mediation, consent_entrusted, consent_publish, created_at, updated_at,
        decided_at, decided_by, rejection_ground, decision_note, accepted_on, mediation_due, merchant_id,
        route, route_explanation, queue, assigned_to, assigned_at, outcome, closed_at, relief_type,
        relief_fen, queue_due, queue_due_kind
    )
    SELECT 'GS' || to_char(ron, 'YYYYMMDD') || '-' || lpad(g::text, 8, '0'),
           decode(md5(g::text) || md5(g::text || 'c'), 'hex'),
           status,
           CASE WHEN r12 < 0.7 THEN 'web' WHEN r12 < 0.9 THEN 'phone' WHEN r12 < 0.95 THEN 'counter'
                WHEN r12 < 0.98 THEN 'letter' ELSE 'transfer' END,
           ra, ron, CASE WHEN ron >= DATE '2026-04-15' THEN 'order121' ELSE 'order20' END,
           ron + 9, false,
           ($12::text[])[1 + floor(r11 * r11 * cardinality($12::text[]))::int],
           ($10::text[])[1 + floor(r8 * r8 * cardinality($10::text[]))::int],
           ($11::text[])[1 + floor(r11 * cardinality($11::text[]))::int],
           ($8::text[])[sub_i],
           '杭州拱墅' || mid || '号商贸有限公司', '杭州市拱墅区测试路' || mid || '号',
           CASE WHEN mid % 3 = 0 THEN '9133010' || lpad(mid::text, 10, '0') || '0' END,
           ron - (1 + floor(r5 * 90))::int, amt, amt,
           CASE WHEN r10 < 0.7 THEN ARRAY['refund'] ELSE ARRAY['repair', 'compensate'] END,
           CASE g % 4 WHEN 0 THEN '在该店购买电水壶一台，使用三天后底座漏电，商家拒绝退货，要求退款。'
                      WHEN 1 THEN '预付健身卡后门店停业，多次联系经营者无果，要求退还剩余费用。'
                      WHEN 2 THEN '网购羽绒服含绒量与标注不符，经营者拒绝处理，要求退货退款。'
                      ELSE '手机维修后屏幕再次损坏，维修店不承认维修质量问题，要求重新维修。' END,
           true, r10 < 0.2, r10 < 0.1, ra,
           CASE WHEN closed THEN ca WHEN decided THEN da ELSE ra END,
           CASE WHEN decided THEN da END,
           CASE WHEN decided THEN ($13::bigint[])[1 + g % cardinality($13::bigint[])] END,
           CASE WHEN decided AND kind = 'rejected' THEN 1 + floor(r10 * 7)::int END,
           CASE WHEN decided AND kind = 'rejected' THEN '不予受理，已告知其他解决途径。' END,
           CASE WHEN decided AND kind = 'accepted' THEN don END,
           CASE WHEN decided AND kind = 'accepted' THEN don + 60 END,
           mid,
           CASE WHEN decided AND kind = 'accepted' THEN rt END,
           CASE WHEN decided AND kind = 'accepted'
                THEN jsonb_build_object('route', rt, 'fired', '[]'::jsonb) END,
           CASE WHEN decided AND kind = 'accepted' AND rt = 'mediation'
                THEN coalesce(($9::text[])[sub_i], 'general') END,
           CASE WHEN decided AND kind = 'accepted' AND rt = 'mediation'
                THEN ($14::bigint[])[1 + g % cardinality($14::bigint[])] END,
           CASE WHEN decided AND kind = 'accepted' AND rt = 'mediation' THEN da + interval '1 day' END,
           outcome,
           CASE WHEN closed THEN ca END,
           CASE WHEN outcome IN ('settled', 'paid_by_merchant', 'paid_from_deposit', 'award_for_consumer')
                THEN 'refund' END,
           CASE WHEN outcome IN ('settled', 'paid_by_merchant', 'paid_from_deposit', 'award_for_consumer')
                THEN (amt * 4) / 5 END,
           -- the queue's deadline, as the cases_queue_due trigger (off while loading) would store it
           CASE status WHEN 'received' THEN ron + 9 WHEN 'first_payment' THEN don + 5
                       WHEN 'mediation' THEN don + 60 WHEN 'arbitration' THEN don + 60
                       ELSE DATE 'infinity' END,
           CASE status WHEN 'received' THEN 'acceptance' WHEN 'first_payment' THEN 'reply'
                       ELSE 'mediation' END
    FROM v
    ORDER BY v.ra
    RETURNING id, status, route, outcome, received_at, decided_at, accepted_on, closed_at, merchant_id,
              claim_amount_fen, relief_fen
), fp AS (
    INSERT INTO first_payments (case_id, payer_id, amount_fen, state, reply_due, reply_overdue_at, paid_fen,
                                paid_on, updated_at)
    SELECT id, merchant_id, claim_amount_fen,
           CASE WHEN status = 'closed' THEN outcome ELSE 'notified' END,
           accepted_on + 5,
           CASE WHEN outcome = 'paid_from_deposit'
                THEN (accepted_on + 6)::timestamp AT TIME ZONE 'Asia/Shanghai' END,
           CASE WHEN status = 'closed' THEN relief_fen END,
           CASE WHEN status = 'closed' THEN (closed_at AT TIME ZONE 'Asia/Shanghai')::date END,
           coalesce(closed_at, decided_at)
    FROM made WHERE route = 'first_payment'
), ag AS (
    INSERT INTO arbitration_agreements (case_id, merchant_id, kind, institution, signed_on, created_at)
    SELECT id, merchant_id, 'written', '杭州仲裁委员会', accepted_on, decided_at
    FROM made WHERE route = 'arbitration'
    RETURNING id, case_id
), ar AS (
    INSERT INTO arbitration_referrals (case_id, agreement_id, institution, referred_on, award_on, award_for,
                                       award_amount_fen)
    SELECT m.id, ag.id, '杭州仲裁委员会', m.accepted_on + 3,
           CASE WHEN m.status = 'closed' THEN (m.closed_at AT TIME ZONE 'Asia/Shanghai')::date END,
           CASE m.outcome WHEN 'award_for_consumer' THEN 'consumer'
                          WHEN 'award_against_consumer' THEN 'merchant' END,
           CASE WHEN m.outcome = 'award_for_consumer' THEN m.relief_fen END
    FROM ag JOIN made m ON m.id = ag.case_id
), sv AS (
    INSERT INTO surveys (case_id, token_hash, created_at, expires_at, answered_at, timeliness, fairness,
                         attitude, outcome, overall, score, weights_version)
    SELECT id, decode(md5('survey' || id), 'hex'), closed_at, closed_at + interval '30 days',
           CASE WHEN answered THEN at END, q1, q2, q3, q4, q5,
           CASE WHEN answered THEN round((q1 + q2 + q3 + q4 + q5) / 5.0, 2) END,
           CASE WHEN answered THEN 'equal-2020' END
    FROM (
        SELECT id, closed_at, s.at, s.answered,
               CASE WHEN s.answered THEN (ARRAY[100, 100, 100, 80, 80, 60, 30, 0])[ceil(random() * 8)::int]
                    END AS q1,
               CASE WHEN s.answered THEN (ARRAY[100, 100, 100, 80, 80, 60, 30, 0])[ceil(random() * 8)::int]
                    END AS q2,
               CASE WHEN s.answered THEN (ARRAY[100, 100, 100, 80, 80, 60, 30, 0])[ceil(random() * 8)::int]
                    END AS q3,
               CASE WHEN s.answered THEN (ARRAY[100, 100, 100, 80, 80, 60, 30, 0])[ceil(random() * 8)::int]
                    END AS q4,
               CASE WHEN s.answered THEN (ARRAY[100, 100, 100, 80, 80, 60, 30, 0])[ceil(random() * 8)::int]
                    END AS q5
        FROM made,
             LATERAL (SELECT made.closed_at + random() * interval '10 days' AS at) t,
             LATERAL (SELECT random() < 0.45 AND t.at < $6 AS answered, t.at) s
        WHERE status = 'closed'
    ) a
), er AS (
    INSERT INTO enforcement_referrals (case_id, description, status, created_at)
    SELECT id, '举报：疑似虚假宣传', 'candidate', received_at FROM made WHERE id % 33 = 0
)
SELECT count(*) FROM made
"""

# The headline totals of the month [$1, $2) (local month starts), each by a plain aggregate.


async def generate(url: str, total: int = TOTAL, in_month: int = IN_MONTH) -> tuple[float, dict[str, int]]:
    """Fill the database with `total` cases, `in_month` of them in MONTH; returns the seconds taken and
    the rows made per table."""
    began = time.perf_counter()
    conn = await asyncpg.connect(url)
    try:
        await conn.execute("SET session_replication_role = replica")  # no FK triggers while loading
        await conn.execute("SET maintenance_work_mem = '1GB'")
        await conn.execute("SELECT setseed(0.26)")
        subdistricts = [
            r["code"] for r in await conn.fetch("SELECT code FROM subdistricts ORDER BY sort, code")
        ]
        rules = await queue_store.rules(conn)
        sub_queues = [choose_queue(rules, s, "food") for s in subdistricts]
        categories = [r["code"] for r in await conn.fetch("SELECT code FROM categories ORDER BY sort, code")]
        problems = [r["code"] for r in await conn.fetch("SELECT code FROM problem_types ORDER BY sort, code")]
        domains = [
            r["code"] for r in await conn.fetch("SELECT code FROM quality_domains ORDER BY sort, code")
        ]
        await conn.execute(MERCHANTS_SQL, MERCHANTS, subdistricts)
        await conn.execute("SELECT setval('merchants_id_seq', $1)", MERCHANTS)
        supervisors = [r["id"] for r in await conn.fetch(STAFF_SQL, "bsup", "supervisor", SUPERVISORS)]
        mediators = [r["id"] for r in await conn.fetch(STAFF_SQL, "bmed", "mediator", MEDIATORS)]

        # the secondary indexes and unique constraints of cases, rebuilt after the load
        indexes = await conn.fetch(
            "SELECT i.indexname, i.indexdef FROM pg_indexes i"
            " WHERE i.schemaname = current_schema() AND i.tablename = 'cases'"
            " AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)"
        )
        uniques = await conn.fetch(
            "SELECT conname, pg_get_constraintdef(oid) AS def FROM pg_constraint"
            " WHERE conrelid = 'cases'::regclass AND contype = 'u'"
        )
        for c in uniques:
            await conn.execute(f'ALTER TABLE cases DROP CONSTRAINT "{c["conname"]}"')
        for i in indexes:
            await conn.execute(f'DROP INDEX "{i["indexname"]}"')
        for lo in range(1, total + 1, CHUNK):
            hi = min(lo + CHUNK, total + 1)
            await conn.fetchval(
                CHUNK_SQL,
                lo,
                hi,
                in_month,
                MONTH,
                OTHER_MONTHS,
                NOW,
                MERCHANTS,
                subdistricts,
                sub_queues,
                categories,
                problems,
                domains,
                supervisors,
                mediators,
                total,
                timeout=None,
            )
            print(f"  … {hi - 1:,} cases ({time.perf_counter() - began:.0f} s)", flush=True)
        for c in uniques:
            await conn.execute(f'ALTER TABLE cases ADD CONSTRAINT "{c["conname"]}" {c["def"]}', timeout=None)
        for i in indexes:
            await conn.execute(i["indexdef"], timeout=None)
        tables = ["cases", "first_payments", "surveys", "arbitration_agreements", "arbitration_referrals",
                  "enforcement_referrals", "merchants", "staff_users"]  # fmt: skip
        for t in tables:
            await conn.execute(f"VACUUM (ANALYZE) {t}", timeout=None)
        rows = {t: await conn.fetchval(f"SELECT count(*) FROM {t}", timeout=None) for t in tables[:6]}
    finally:
        await conn.close()
    return time.perf_counter() - began, rows
