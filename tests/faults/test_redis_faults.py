"""Redis down, and Redis losing its data: PostgreSQL is the record; nothing is lost, nothing done twice."""

from __future__ import annotations

import pytest

from tests.support.fault_checks import (
    accept_all,
    all_routed,
    assert_no_duplicate_events,
    assert_routed_once,
    case_ids,
    event_counts,
    submit_many,
)
from tests.support.stack import Stack, wait_for

pytestmark = pytest.mark.faults


async def test_redis_down_submissions_succeed_and_jobs_wait_in_the_outbox(stack: Stack) -> None:
    base = await stack.web()
    worker = await stack.worker()
    supervisor = await stack.staff(base, "f_supervisor", ["supervisor"])
    conn = await stack.connect()
    try:
        before = await case_ids(conn, await submit_many(base, 5, "before"))

        async def before_routed() -> bool:
            return len(await event_counts(conn, "routing_pending")) == len(before)

        await wait_for(before_routed, within=15, what="the first complaints to reach the routing job")

        stack.redis.stop()
        during = await case_ids(conn, await submit_many(base, 10, "during"))  # 201 each, Redis or not
        await accept_all(base, supervisor.headers, before)  # acceptances commit too; their routing jobs wait

        async def relay_hit_the_outage() -> bool:
            return "relay failed" in stack.log_tail("worker", 200)

        await wait_for(relay_hit_the_outage, within=15, what="the relay to try and fail")
        waiting = await conn.fetch("SELECT job_key, enqueued_at FROM outbox WHERE done_at IS NULL")
        assert sorted(r["job_key"] for r in waiting) == sorted(
            [f"route_case:{i}" for i in during] + [f"route_case:{i}:accepted" for i in before]
        )
        assert all(r["enqueued_at"] is None for r in waiting), (
            "nothing counts as enqueued while Redis is down"
        )
        assert worker.poll() is None, "the worker rides out the outage"

        stack.redis.start()  # back, and empty

        async def all_done() -> bool:
            return await all_routed(conn, before)

        await wait_for(all_done, within=30, what="every waiting job to run")
        pending = await event_counts(conn, "routing_pending")
        assert {i: pending[i] for i in before + during} == {i: 1 for i in before + during}
        routed = await event_counts(conn, "routed")
        assert {i: routed[i] for i in before} == {i: 1 for i in before} and not set(routed) & set(during)
        await assert_no_duplicate_events(conn)
        assert worker.poll() is None, "the same worker process did the work: no restart was needed"
    finally:
        await conn.close()


async def test_redis_flushall_mid_run_the_sweeper_re_enqueues_from_postgres(stack: Stack) -> None:
    base = await stack.web()
    supervisor = await stack.staff(base, "f_supervisor", ["supervisor"])
    conn = await stack.connect()
    redis = stack.redis.client()
    try:
        ids = await case_ids(conn, await submit_many(base, 12, "flush"))
        await accept_all(base, supervisor.headers, ids)
        # 24 routing jobs wait in the outbox; the worker's start-up hands them all to Redis at once, then
        # runs two at a time (a pool of 3), about four a second, so most are still queued a moment later
        await stack.worker(DB_POOL_MAX="3")

        async def some_routed() -> int:
            return len(await event_counts(conn, "routed"))

        await wait_for(some_routed, within=20, interval=0.02, what="routing to begin")
        async with redis.pipeline(transaction=True) as pipe:
            lost, _ = await pipe.zcard(stack.queue).flushall().execute()
        done = await conn.fetchval("SELECT count(*) FROM outbox WHERE done_at IS NOT NULL")
        assert lost > 0 and done < 24, "the flush dropped jobs that had not run"
        assert await conn.fetchval("SELECT count(*) FROM outbox WHERE enqueued_at IS NULL") == 0

        async def all_done() -> bool:
            return await all_routed(conn, ids)

        await wait_for(all_done, within=30, what="every case to be routed after the flush")
        await assert_routed_once(conn, ids)
        assert "redis lost its data" in stack.log_tail("worker", 500)
    finally:
        await redis.aclose()
        await conn.close()
