"""Team queues and mediators made directly in the database, for the queue tests."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

import asyncpg

from domain.roles import Role
from service.store.staff import StaffUser
from service.usecases import auth

PASSWORD = "a long enough password"

# 500 cases in one statement: a case row and its consumer row each, in mediation in one queue.
INSERT_CASES = """
WITH made AS (
    INSERT INTO cases (tracking_no, access_code_hash, status, channel, received_at, received_on, rule_set_id,
                       acceptance_due, acceptance_due_provisional, quality_domain, category, problem_type,
                       subdistrict, merchant_name, merchant_address, purchase_date, amount_paid_fen,
                       claim_amount_fen, requests, description, consent_mediation, accepted_on, mediation_due,
                       route, queue, outcome)
    SELECT $1 || '-' || lpad(g::text, 6, '0'), '\\x00'::bytea, $2, 'web',
           $3::timestamptz + make_interval(mins => g), ($3::timestamptz)::date, 'order121',
           ($3::timestamptz)::date + 7, false, 'product', $4, 'quality',
           $5, '测试商家' || g, '杭州市拱墅区测试路' || g || '号', DATE '2026-04-01', 39900,
           39900, ARRAY['refund'], '队列测试案件', true, ($3::timestamptz)::date + 3,
           $6::date + (g % $7), 'mediation', $8, CASE WHEN $2 = 'closed' THEN 'settled' END
    FROM generate_series(1, $9) AS g
    RETURNING id
)
INSERT INTO case_consumers (case_id, name, phone, address)
SELECT id, '测试消费者', '13800000000', '杭州市拱墅区测试小区' FROM made
RETURNING case_id
"""


async def insert_cases(
    pool: asyncpg.Pool,
    n: int,
    *,
    queue: str | None,
    status: str = "mediation",
    category: str = "household_appliances",
    subdistrict: str | None = "banshan",
    received_at: datetime = datetime(2026, 5, 1, 2, tzinfo=UTC),
    first_due: date = date(2026, 6, 20),
    spread_days: int = 60,
) -> list[int]:
    """n cases, the i-th received i minutes after `received_at` and due `first_due` + (i mod spread) days."""
    prefix = f"TQ{uuid.uuid4().hex[:10].upper()}"
    rows = await pool.fetch(
        INSERT_CASES, prefix, status, received_at, category, subdistrict, first_due, spread_days, queue, n
    )
    return sorted(r["case_id"] for r in rows)


async def new_queue(pool: asyncpg.Pool, *, max_open: int = 30) -> str:
    """A queue of its own that routing never chooses (it takes no category)."""
    code = f"tq_{uuid.uuid4().hex[:12]}"
    await pool.execute(
        "INSERT INTO queues (code, name_zh, name_en, categories, max_open_per_mediator, sort)"
        " VALUES ($1, $2, $3, ARRAY['no_such_category'], $4, 100)",
        code,
        f"测试组{code[-4:]}",
        f"Test {code}",
        max_open,
    )
    return code


async def new_user(
    pool: asyncpg.Pool, roles: tuple[str, ...] = ("mediator",), prefix: str = "tq"
) -> StaffUser:
    username = f"{prefix}_{uuid.uuid4().hex[:10]}"
    user_id = await auth.add_user(pool, username, list(roles), PASSWORD, display_name=f"测试{username[-4:]}")
    return StaffUser(user_id, username, f"测试{username[-4:]}", frozenset(Role(r) for r in roles))
