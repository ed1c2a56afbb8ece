"""Routing jobs in batches (issue 17): a relay pass that finds a backlog hands it to arq as a few
`route_cases_job`s; each case is routed once, in its own transaction; a case the database could not be
reached for is retried (with the others not done) without routing the done ones again; a worker stopped
mid-batch leaves the rest unfinished in the outbox, and the sweeper re-enqueues them."""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import asyncpg
import msgspec
import pytest
from arq import Retry
from arq.connections import ArqRedis, RedisSettings, create_pool

from service.settings import Settings
from service.store.outbox import OutboxRow
from service.usecases import intake, jobs, routing
from tests.support.databases import Databases, open_pool
from tests.support.factories import complaint_body
from tests.support.intake import ctx
from tests.support.workers import run_burst_worker
from workers.main import _enqueuer, route_cases_job

RouteCase = Callable[..., Awaitable[str]]


@dataclass(frozen=True)
class Own:
    """A database of its own (the relay sees only this test's outbox rows) and a queue of its own."""

    pool: asyncpg.Pool
    settings: Settings


@pytest.fixture
async def own(databases: Databases, settings: Settings) -> AsyncIterator[Own]:
    url = await databases.create(migrated=True)
    queue = f"{settings.queue_name}-{uuid.uuid4().hex[:6]}"
    async with open_pool(url, max_size=6) as pool:
        yield Own(pool, msgspec.structs.replace(settings, database_url=url, queue_name=queue))


@pytest.fixture
async def arq_redis(settings: Settings) -> AsyncIterator[ArqRedis]:
    assert settings.redis_url
    redis = await create_pool(RedisSettings.from_dsn(settings.redis_url))
    yield redis
    await redis.aclose()


async def file(pool: asyncpg.Pool, settings: Settings, count: int) -> list[int]:
    ids = []
    for i in range(count):
        receipt = await intake.submit_complaint(
            pool, complaint_body(), ctx(settings), now=datetime.now(UTC), request_id=f"req-batch-{i}"
        )
        ids.append(receipt.case_id)
    return ids


async def pending_events(pool: asyncpg.Pool) -> Counter[int]:
    rows = await pool.fetch("SELECT case_id, request_id FROM case_events WHERE kind = 'routing_pending'")
    return Counter(r["case_id"] for r in rows)


async def unfinished(pool: asyncpg.Pool) -> set[int]:
    rows = await pool.fetch("SELECT (args->>'case_id')::bigint AS id FROM outbox WHERE done_at IS NULL")
    return {r["id"] for r in rows}


def rows(count: int, job: str = "route_case") -> list[OutboxRow]:
    return [OutboxRow(i, job, f"{job}:{i}", {"case_id": i}, f"req-{i}") for i in range(1, count + 1)]


def test_a_small_pass_keeps_one_job_per_row_and_a_backlog_goes_in_batches() -> None:
    few = jobs.handovers(rows(jobs.ROUTE_BATCH_FROM - 1))
    assert [(job, key) for job, key, _, _ in few] == [
        (r.job, r.job_key) for r in rows(jobs.ROUTE_BATCH_FROM - 1)
    ]

    many = rows(200) + rows(2, job="other")
    handed = jobs.handovers(many)
    batches = [h for h in handed if h[0] == jobs.ROUTE_BATCH_JOB]
    assert 1 < len(batches) <= jobs.ROUTE_SPREAD
    assert all(len(args["case_ids"]) <= jobs.ROUTE_BATCH for _, _, args, _ in batches)
    carried = [c for _, _, args, _ in batches for c in args["case_ids"]]
    assert carried == list(range(1, 201)), "every case once, in order"
    assert [rid for _, _, args, _ in batches for rid in args["request_ids"]] == [f"req-{i}" for i in carried]
    assert [h[1] for h in handed if h[0] == "other"] == ["other:1", "other:2"]
    keys = [key for _, key, _, _ in batches]
    assert len(set(keys)) == len(keys) and keys == [
        h[1] for h in jobs.handovers(many) if h[0] == jobs.ROUTE_BATCH_JOB
    ]


async def test_a_backlog_is_routed_in_batches_each_case_once(own: Own, arq_redis: ArqRedis) -> None:
    own_pool, s = own.pool, own.settings
    ids = await file(own_pool, s, 80)
    handed: Counter[str] = Counter()
    enqueue = _enqueuer(arq_redis, s.queue_name)

    async def counting(job: str, key: str, args: Mapping[str, Any], request_id: str | None) -> bool:
        handed[job] += 1
        return await enqueue(job, key, args, request_id)

    assert await jobs.relay_outbox(own_pool, counting) == 80
    assert handed["route_cases"] >= 2 and sum(handed.values()) <= jobs.ROUTE_SPREAD, handed
    await run_burst_worker(s)
    assert await pending_events(own_pool) == {case_id: 1 for case_id in ids}
    assert await unfinished(own_pool) == set()
    request_ids = await own_pool.fetch(
        "SELECT case_id, request_id FROM case_events WHERE kind = 'routing_pending' ORDER BY case_id"
    )
    assert [r["request_id"] for r in request_ids] == [f"req-batch-{i}" for i in range(80)]
    # the same batch run again (a duplicate delivery) writes nothing
    ctx_ = {"pool": own_pool, "job_try": 1}
    assert await route_cases_job(ctx_, ids[:5]) == {"already_recorded": 5}
    assert await pending_events(own_pool) == {case_id: 1 for case_id in ids}


async def test_a_case_the_database_failed_is_retried_without_routing_the_others_again(
    own: Own, monkeypatch: pytest.MonkeyPatch
) -> None:
    own_pool, s = own.pool, own.settings
    ids = await file(own_pool, s, 4)
    real: RouteCase = routing.route_case
    calls: list[int] = []
    down = {ids[1]}

    async def flaky(pool: asyncpg.Pool, case_id: int, **kwargs: Any) -> str:
        calls.append(case_id)
        if case_id in down:
            raise asyncpg.PostgresConnectionError("connection was closed in the middle of operation")
        return await real(pool, case_id, **kwargs)

    monkeypatch.setattr(routing, "route_case", flaky)
    with pytest.raises(Retry):
        await route_cases_job({"pool": own_pool, "job_try": 1}, ids)
    assert await unfinished(own_pool) == set(ids[1:]), "the database failed at the second case"
    down.clear()
    calls.clear()
    assert await route_cases_job({"pool": own_pool, "job_try": 2}, ids) == {"awaiting_acceptance": 3}
    assert calls == ids[1:], "the first case was not routed again"
    assert await pending_events(own_pool) == {case_id: 1 for case_id in ids}

    # a case that keeps failing is written down as failed after the last try, as a single job's is
    more = await file(own_pool, s, 2)
    down.add(more[0])
    result = await route_cases_job({"pool": own_pool, "job_try": 5}, more)
    assert result == {"gave_up": 2}
    errors = await own_pool.fetch(
        "SELECT job_key, last_error FROM outbox WHERE done_at IS NULL ORDER BY job_key"
    )
    assert [r["job_key"] for r in errors] == sorted(f"route_case:{c}" for c in more)
    assert all("connection was closed" in (r["last_error"] or "") for r in errors)


async def test_any_other_error_fails_that_case_alone(own: Own, monkeypatch: pytest.MonkeyPatch) -> None:
    own_pool, s = own.pool, own.settings
    ids = await file(own_pool, s, 3)
    real: RouteCase = routing.route_case

    async def broken(pool: asyncpg.Pool, case_id: int, **kwargs: Any) -> str:
        if case_id == ids[0]:
            raise ValueError("a bug")
        return await real(pool, case_id, **kwargs)

    monkeypatch.setattr(routing, "route_case", broken)
    with pytest.raises(RuntimeError, match=str(ids[0])):
        await route_cases_job({"pool": own_pool, "job_try": 1}, ids)
    assert await unfinished(own_pool) == {ids[0]}, "the other cases were routed"
    assert set(await pending_events(own_pool)) == set(ids[1:])


async def test_a_worker_stopped_mid_batch_leaves_the_rest_to_the_sweeper(
    own: Own, monkeypatch: pytest.MonkeyPatch
) -> None:
    own_pool, s = own.pool, own.settings
    ids = await file(own_pool, s, 30)

    async def lost_enqueue(*_: object) -> bool:
        return True  # handed over, as far as the outbox knows; the batch below is what ran

    await jobs.relay_outbox(own_pool, lost_enqueue)
    real: RouteCase = routing.route_case

    async def killed_at_the_third(pool: asyncpg.Pool, case_id: int, **kwargs: Any) -> str:
        if case_id == ids[2]:
            raise asyncio.CancelledError  # what a shutdown or the job's timeout does mid-batch
        return await real(pool, case_id, **kwargs)

    monkeypatch.setattr(routing, "route_case", killed_at_the_third)
    with pytest.raises(asyncio.CancelledError):
        await route_cases_job({"pool": own_pool, "job_try": 1}, ids)
    monkeypatch.setattr(routing, "route_case", real)
    assert await unfinished(own_pool) == set(ids[2:]), "the cases before the stop were done, one each"

    # not stale yet: nothing is offered again; once stale, the sweeper re-enqueues exactly the rest
    handed: list[str] = []

    async def recording(job: str, key: str, args: Mapping[str, Any], request_id: str | None) -> bool:
        handed.extend(str(c) for c in args.get("case_ids", [args.get("case_id")]))
        return True

    assert await jobs.relay_outbox(own_pool, recording) == 0
    await own_pool.execute("UPDATE outbox SET enqueued_at = now() - interval '1 hour' WHERE done_at IS NULL")
    assert await jobs.relay_outbox(own_pool, recording) == len(ids) - 2
    assert sorted(handed, key=int) == [str(c) for c in ids[2:]]
    await own_pool.execute("UPDATE outbox SET enqueued_at = now() - interval '1 hour' WHERE done_at IS NULL")
    await _relay_and_run(own_pool, s)
    assert await pending_events(own_pool) == {case_id: 1 for case_id in ids}
    assert await unfinished(own_pool) == set()


async def _relay_and_run(pool: asyncpg.Pool, s: Settings) -> None:
    """The sweep a worker's relay does, then a burst worker running what it handed over."""
    assert s.redis_url
    redis = await create_pool(RedisSettings.from_dsn(s.redis_url))
    try:
        await jobs.relay_outbox(pool, _enqueuer(redis, s.queue_name))
    finally:
        await redis.aclose()
    await run_burst_worker(s)
