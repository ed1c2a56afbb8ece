"""A mediator's open cases on a real PostgreSQL (issue 17): closed and rejected assignments count nowhere
(the claims' limit, the queues overview, the reassign form's list, the mediator's own queue and its total),
and every statement that counts them can use the partial index on open assignments even as a generic
plan (a prepared statement after its fifth execution), so the count is bounded by the open cases."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import asyncpg
import pytest
from argon2 import PasswordHasher

from service.queries import queues as read
from service.store import queues as store
from service.store.sql import SQL
from service.usecases import auth, queues
from tests.support.queues import insert_cases, new_queue, new_user

NOW = datetime(2026, 6, 15, 2, tzinfo=UTC)  # Monday 10:00 in Beijing
TODAY = date(2026, 6, 15)


@pytest.fixture(autouse=True)
def _cheap_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """These accounts never sign in: hash their passwords cheaply."""
    monkeypatch.setattr(auth, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


async def held_cases(pool: asyncpg.Pool, queue: str, user_id: int) -> tuple[list[int], list[int]]:
    """Three open cases of `user_id` (due Jun 21, 22, 23) and three they held that are finished: two
    closed, one rejected. Returns (open ids, finished ids)."""
    open_ids = await insert_cases(pool, 3, queue=queue, first_due=date(2026, 6, 20), spread_days=10)
    finished = await insert_cases(pool, 3, queue=queue, first_due=date(2026, 6, 1), spread_days=10)
    await pool.execute(
        "UPDATE cases SET assigned_to = $2, assigned_at = $3 WHERE id = any($1::bigint[])",
        open_ids + finished,
        user_id,
        NOW,
    )
    await pool.execute(
        "UPDATE cases SET status = 'closed', outcome = 'settled', closed_at = $2"
        " WHERE id = any($1::bigint[])",
        finished[:2],
        NOW,
    )
    await pool.execute(
        "UPDATE cases SET status = 'rejected', outcome = 'rejected', rejection_ground = 5 WHERE id = $1",
        finished[2],
    )
    return open_ids, finished


async def test_finished_assignments_count_nowhere(pool: asyncpg.Pool) -> None:
    queue = await new_queue(pool, max_open=4)
    me = await new_user(pool)
    await queues.add_member(pool, queue, me.id)
    open_ids, _ = await held_cases(pool, queue, me.id)
    async with pool.acquire() as conn:
        assert await store.open_count(conn, me.id) == 3
        load = {m.user_id: m for m in await store.mediators_load(conn)}[me.id]
        assert (load.open_count, load.queues) == (3, (queue,))
        page = await store.assigned_to(conn, me.id, 2, 0)
        rest = await store.assigned_to(conn, me.id, 2, 2)
        assert await store.assigned_to(conn, me.id, 2, 3) == []  # past the end: no rows
    assert [r["id"] for r in page] + [r["id"] for r in rest] == open_ids  # nearest deadline first
    assert {r["total"] for r in page + rest} == {3}

    bench = await read.workbench(pool, me, today=TODAY, mine_limit=2)
    assert ([w.id for w in bench.mine], bench.mine_total) == (open_ids[:2], 3)
    members = {q.code: q for q in await read.overview(pool, today=TODAY)}[queue].members
    assert [(m.user_id, m.open_count) for m in members] == [(me.id, 3)]
    choice = {c.user_id: c for c in await queues.mediator_choices(pool, queue)}[me.id]
    assert (choice.open_count, choice.limit, choice.at_limit) == (3, 4, False)


async def test_a_closed_assignment_frees_a_place_under_the_limit(pool: asyncpg.Pool) -> None:
    queue = await new_queue(pool, max_open=4)
    me = await new_user(pool)
    open_ids, _ = await held_cases(pool, queue, me.id)
    waiting = await insert_cases(pool, 2, queue=queue, first_due=date(2026, 6, 16))
    assert await queues.claim(pool, queue, me, now=NOW) is not None  # 3 open (+3 finished) → 4
    choice = {c.user_id: c for c in await queues.mediator_choices(pool, queue)}[me.id]
    assert (choice.open_count, choice.at_limit) == (4, True)
    await pool.execute("UPDATE cases SET status = 'closed', outcome = 'settled' WHERE id = $1", open_ids[0])
    claimed = await queues.claim(pool, queue, me, now=NOW)
    assert claimed is not None and claimed.id in waiting


async def plan_of(conn: asyncpg.Connection, name: str, *args: object) -> str:
    """The generic plan (what a prepared statement runs after its fifth execution) of SQL[name], as JSON;
    sequential scans off, so the plan shows which index the statement *can* use."""
    async with conn.transaction():
        await conn.execute("SET LOCAL plan_cache_mode = force_generic_plan")
        await conn.execute("SET LOCAL enable_seqscan = off")
        rows = await conn.fetch("EXPLAIN (FORMAT JSON) " + SQL[name], *args)
    return json.dumps(json.loads(rows[0][0]))


@pytest.mark.parametrize(
    ("name", "args"),
    [("queues_open_count", (1,)), ("queues_mediators_load", ()), ("queues_assigned_to", (1, 50, 0))],
)
async def test_the_counts_can_use_the_open_assignment_index(
    pool: asyncpg.Pool, name: str, args: tuple[object, ...]
) -> None:
    async with pool.acquire() as conn:
        plan = await plan_of(conn, name, *args)
    # a partial index is usable only when the statement's WHERE proves its predicate
    assert '"Index Name": "cases_open_assignment_idx"' in plan, plan
    assert "cases_assigned_idx" not in plan


async def test_the_waiting_cases_first_few_with_each_queues_total(pool: asyncpg.Pool) -> None:
    queue, empty = await new_queue(pool), await new_queue(pool)
    me, other = await new_user(pool), await new_user(pool)
    await queues.add_member(pool, queue, me.id)
    await queues.add_member(pool, empty, me.id)
    waiting = await insert_cases(pool, 5, queue=queue, first_due=date(2026, 6, 20), spread_days=10)
    await pool.execute("UPDATE cases SET mediation_due = NULL WHERE id = $1", waiting[0])  # no deadline: last
    held = await insert_cases(pool, 2, queue=queue)
    await pool.execute("UPDATE cases SET assigned_to = $2 WHERE id = any($1::bigint[])", held, other.id)
    await insert_cases(pool, 1, queue=queue, status="closed")
    bench = await read.workbench(pool, me, today=TODAY, per_queue=2)
    teams = {t.code: t for t in bench.teams}
    assert (teams[queue].total, [w.id for w in teams[queue].items]) == (5, waiting[1:3])
    assert (teams[empty].total, teams[empty].items) == (0, ())
    last = await read.workbench(pool, me, today=TODAY, per_queue=5)
    assert [w.id for w in {t.code: t for t in last.teams}[queue].items] == [*waiting[1:], waiting[0]]
