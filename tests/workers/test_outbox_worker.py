"""Outbox → relay → arq on real Redis → the routing job, idempotent, with the request id carried along."""

from __future__ import annotations

import asyncio
import contextlib
from datetime import UTC, datetime

import asyncpg
from redis.asyncio import Redis

from service.settings import Settings
from service.usecases import intake, jobs, routing
from tests.support.casework import kinds
from tests.support.factories import complaint_body
from tests.support.intake import ctx
from tests.support.workers import run_burst_worker
from workers.main import build_worker


async def routing_events(pool: asyncpg.Pool, case_id: int) -> list[asyncpg.Record]:
    return list(
        await pool.fetch(
            "SELECT kind, request_id FROM case_events WHERE case_id = $1 AND kind = 'routing_pending'",
            case_id,
        )
    )


async def test_a_submitted_complaint_reaches_the_routing_job(pool: asyncpg.Pool, settings: Settings) -> None:
    receipt = await intake.submit_complaint(
        pool, complaint_body(), ctx(settings), now=datetime.now(UTC), request_id="req-worker-1"
    )
    await run_burst_worker(settings)
    events = await routing_events(pool, receipt.case_id)
    assert [(e["kind"], e["request_id"]) for e in events] == [("routing_pending", "req-worker-1")]
    row = await pool.fetchrow(
        "SELECT enqueued_at, done_at FROM outbox WHERE job_key = $1", f"route_case:{receipt.case_id}"
    )
    assert row["enqueued_at"] is not None and row["done_at"] is not None


async def test_the_job_is_idempotent(pool: asyncpg.Pool, settings: Settings) -> None:
    receipt = await intake.submit_complaint(pool, complaint_body(), ctx(settings), now=datetime.now(UTC))
    assert await routing.route_case(pool, receipt.case_id, now=datetime.now(UTC)) == "awaiting_acceptance"
    assert await routing.route_case(pool, receipt.case_id, now=datetime.now(UTC)) == "already_recorded"
    assert len(await routing_events(pool, receipt.case_id)) == 1


async def test_redis_losing_everything_loses_no_complaint(
    pool: asyncpg.Pool, settings: Settings, redis: Redis
) -> None:
    receipt = await intake.submit_complaint(pool, complaint_body(), ctx(settings), now=datetime.now(UTC))
    key = f"route_case:{receipt.case_id}"

    async def lost_enqueue(*_: object) -> bool:
        return True  # "enqueued", but the job never reaches Redis: as if Redis restarted empty

    await jobs.relay_outbox(pool, lost_enqueue)
    assert await pool.fetchval("SELECT enqueued_at IS NOT NULL FROM outbox WHERE job_key = $1", key)
    await run_burst_worker(settings)  # the row is not stale yet: nothing re-enqueued
    assert await routing_events(pool, receipt.case_id) == []
    # the sweeper re-enqueues what Postgres says is unfinished once it is stale
    await pool.execute("UPDATE outbox SET enqueued_at = now() - interval '1 hour' WHERE job_key = $1", key)
    await run_burst_worker(settings)
    assert len(await routing_events(pool, receipt.case_id)) == 1
    assert await pool.fetchval("SELECT done_at IS NOT NULL FROM outbox WHERE job_key = $1", key)


async def test_a_running_worker_picks_up_new_complaints_promptly(
    pool: asyncpg.Pool, settings: Settings, redis: Redis
) -> None:
    worker = build_worker(settings, handle_signals=False)
    running = asyncio.create_task(worker.async_run())
    try:
        await asyncio.sleep(0.5)  # started and listening
        receipt = await intake.submit_complaint(pool, complaint_body(), ctx(settings), now=datetime.now(UTC))
        for _ in range(100):  # the NOTIFY wakes the relay; polling alone would take up to 5 s
            if await routing_events(pool, receipt.case_id):
                break
            await asyncio.sleep(0.05)
        assert len(await routing_events(pool, receipt.case_id)) == 1
    finally:
        running.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await running
        await worker.close()
        # a long-running worker leaves its next scheduled (cron) runs queued; the burst workers of the
        # following tests would wait for them
        await redis.delete(settings.queue_name)


async def test_acceptance_hands_the_case_to_the_routing_job(pool: asyncpg.Pool, settings: Settings) -> None:
    from service.store.staff import StaffUser
    from service.usecases import auth, casework

    receipt = await intake.submit_complaint(pool, complaint_body(), ctx(settings), now=datetime.now(UTC))
    user_id = await auth.add_user(pool, "t_worker_sup", ["supervisor"], "a long enough password")
    await casework.accept(
        pool,
        receipt.case_id,
        StaffUser(user_id, "t_worker_sup", "科长", frozenset()),
        None,
        now=datetime.now(UTC),
    )
    await run_burst_worker(settings)
    row = await pool.fetchrow("SELECT status, route, merchant_id FROM cases WHERE id = $1", receipt.case_id)
    assert row["status"] == row["route"] == "mediation" and row["merchant_id"] is not None
    events = await kinds(pool, receipt.case_id)
    assert events.count("routed") == 1 and "merchant_linked" in events
    assert await pool.fetchval(
        "SELECT bool_and(done_at IS NOT NULL) FROM outbox WHERE job_key LIKE $1",
        f"route_case:{receipt.case_id}%",
    )
