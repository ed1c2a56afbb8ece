"""The merchants' figures read only what they count (issue 17, migrations 0041 and 0043), checked on the
generic plans (what a prepared statement runs after its fifth execution): a merchant's own preview is one
range of its own cases (public_merchant_counts inlined, its `merchant_id = $6` pushed into the counting),
the publication the same definition (read as its tables, not a function scan), and the monthly return's
merchants one range of the month's cases with the first payments of the month's case ids only."""

from __future__ import annotations

import json
from datetime import date, timedelta

import asyncpg
import pytest

from domain import public_records as rules
from service.store.sql import SQL


def statement_args(name: str, today: date) -> tuple[object, ...]:
    """Arguments for each statement: the 12 months ending last month, merchant 1, the last month."""
    end = today.replace(day=1) - timedelta(days=1)
    period = (end, rules.window_start(end, 12), list(rules.NOT_COUNTED), list(rules.RESOLVED), today)
    return {
        "public_merchants_figures_of": (*period, 1),
        "public_merchants_figures_publish": period,
        "stats_merchants": (end.replace(day=1), today.replace(day=1), 20),  # last month's merchants
    }[name]


async def plan_of(conn: asyncpg.Connection, name: str, *args: object) -> str:
    """SQL[name]'s generic plan as JSON, sequential scans off (the plan shows which index it *can* use)."""
    async with conn.transaction():
        await conn.execute("SET LOCAL plan_cache_mode = force_generic_plan")
        await conn.execute("SET LOCAL enable_seqscan = off")
        rows = await conn.fetch("EXPLAIN (FORMAT JSON) " + SQL[name], *args)
    return json.dumps(json.loads(rows[0][0]))


async def test_a_merchant_s_preview_reads_its_own_cases(pool: asyncpg.Pool, today_local: date) -> None:
    name = "public_merchants_figures_of"
    async with pool.acquire() as conn:
        plan = await plan_of(conn, name, *statement_args(name, today_local))
    scans = [n for n in nodes(plan) if n.get("Relation Name") == "cases"]
    # the merchant (`= $6`) reaches the index scan of cases (at scale: cases_merchant_accepted_idx, one
    # index-only range), never a filter over every merchant's acceptances of the period
    assert scans and all("(merchant_id = " in str(n.get("Index Cond")) for n in scans), plan
    assert not [n for n in nodes(plan) if n["Node Type"] == "Seq Scan"], plan


@pytest.mark.parametrize("name", ["public_merchants_figures_of", "public_merchants_figures_publish"])
async def test_the_preview_and_the_publication_count_with_one_inlined_definition(
    pool: asyncpg.Pool, today_local: date, name: str
) -> None:
    async with pool.acquire() as conn:
        plan = await plan_of(conn, name, *statement_args(name, today_local))
    assert not [n for n in nodes(plan) if n["Node Type"] == "Function Scan"], plan  # read as its tables
    assert {n.get("Relation Name") for n in nodes(plan)} >= {"cases", "first_payments"}


async def test_the_month_s_first_payments_are_a_range_of_case_ids(
    pool: asyncpg.Pool, today_local: date
) -> None:
    async with pool.acquire() as conn:
        plan = await plan_of(conn, "stats_merchants", *statement_args("stats_merchants", today_local))
    ranges = [
        n
        for n in nodes(plan)
        if n.get("Index Name") == "first_payments_replies_idx" and "case_id >=" in str(n.get("Index Cond"))
    ]
    assert ranges, plan  # never every first payment ever made


def nodes(plan: str) -> list[dict[str, object]]:
    """Every node of an EXPLAIN (FORMAT JSON) plan."""

    def walk(node: dict[str, object]) -> list[dict[str, object]]:
        out = [node]
        for child in node.get("Plans", []):  # type: ignore[attr-defined]
            out += walk(child)
        return out

    return walk(json.loads(plan)[0]["Plan"])
