"""Job bodies that the arq worker calls: the outbox relay and the routing step."""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

import asyncpg
import structlog

from service.store import outbox
from service.usecases import routing

log = structlog.get_logger("jobs")

# job name, deterministic job id, keyword arguments, request id → whether it was enqueued now
Enqueue = Callable[[str, str, Mapping[str, Any], str | None], Awaitable[bool]]

RELAY_BATCH = 200
RELAY_CONCURRENCY = 16  # enqueues in flight at once (each worker's Redis pool opens that many connections)
STALE_AFTER_S = 600  # an enqueued row not done after this long is enqueued again (Redis may have lost it)
# Routing jobs are handed over in batches when a relay pass finds a backlog (issue 17): each arq job costs
# about six Redis round trips and two log lines, more than routing a new complaint does. A pass of `n` ≥
# ROUTE_BATCH_FROM routing rows becomes about ROUTE_SPREAD jobs (so several workers share it) of at most
# ROUTE_BATCH cases; a smaller pass is no backlog, and hands over one `route_case` job per row, as before.
ROUTE_JOB = "route_case"
ROUTE_BATCH_JOB = "route_cases"
ROUTE_BATCH = 25
ROUTE_SPREAD = 16
ROUTE_BATCH_FROM = 64


async def relay_outbox(pool: asyncpg.Pool, enqueue: Enqueue, *, stale_after_s: float = STALE_AFTER_S) -> int:
    """Move unfinished outbox rows to the queue; return how many were handed over.

    With `stale_after_s=0` this is the sweep after Redis lost its data: every unfinished row is offered
    again. That is safe because job ids are deterministic: arq refuses an id it still holds (queued,
    running, or its result kept), so only the jobs Redis really lost are enqueued anew. One pass visits
    each row once (keyset by id), however many there are.
    """
    handed = 0
    after_id = 0
    while True:
        async with pool.acquire() as conn, conn.transaction():
            rows = await outbox.due(conn, stale_after_s=stale_after_s, limit=RELAY_BATCH, after_id=after_id)
            await _enqueue_all(enqueue, rows)
            await outbox.mark_enqueued(conn, [row.id for row in rows])
        handed += len(rows)
        if len(rows) < RELAY_BATCH:
            return handed
        after_id = rows[-1].id


def batch_key(rows: list[outbox.OutboxRow]) -> str:
    """A batch's deterministic job key: its first and last case and a digest of its rows' keys, so the same
    rows offered again (a sweep) are refused while arq still holds the first offer."""
    digest = hashlib.sha256("\n".join(row.job_key for row in rows).encode()).hexdigest()[:16]
    return f"{ROUTE_BATCH_JOB}:{rows[0].args['case_id']}-{rows[-1].args['case_id']}:{digest}"


def handovers(rows: list[outbox.OutboxRow]) -> list[tuple[str, str, Mapping[str, Any], str | None]]:
    """The jobs that carry these rows: routing rows in batches when there are many, every other row as
    it is. A batch carries each case's request id; its cases are routed one transaction each."""
    routing = [row for row in rows if row.job == ROUTE_JOB]
    out: list[tuple[str, str, Mapping[str, Any], str | None]] = [
        (row.job, row.job_key, row.args, row.request_id) for row in rows if row.job != ROUTE_JOB
    ]
    size = 1 if len(routing) < ROUTE_BATCH_FROM else min(ROUTE_BATCH, -(-len(routing) // ROUTE_SPREAD))
    if size == 1:
        return [*out, *((row.job, row.job_key, row.args, row.request_id) for row in routing)]
    for start in range(0, len(routing), size):
        chunk = routing[start : start + size]
        if len(chunk) == 1:
            row = chunk[0]
            out.append((row.job, row.job_key, row.args, row.request_id))
            continue
        args = {
            "case_ids": [int(row.args["case_id"]) for row in chunk],
            "request_ids": [row.request_id for row in chunk],
        }
        out.append((ROUTE_BATCH_JOB, batch_key(chunk), args, None))
    return out


async def _enqueue_all(enqueue: Enqueue, rows: list[outbox.OutboxRow]) -> None:
    """Enqueue a batch, RELAY_CONCURRENCY at a time. The batch's rows stay locked until its transaction
    commits, and a job that already ran waits for that lock to mark its row done: one enqueue after the
    other (three Redis round trips each) held up to 200 finished jobs, so the workers ran at the relay's
    pace (issue 17). The first failure is raised once every enqueue has ended (none is left running)."""
    gate = asyncio.Semaphore(RELAY_CONCURRENCY)

    async def one(job: str, key: str, args: Mapping[str, Any], request_id: str | None) -> None:
        async with gate:
            await enqueue(job, key, args, request_id)

    results = await asyncio.gather(*(one(*h) for h in handovers(rows)), return_exceptions=True)
    failed = next((r for r in results if isinstance(r, BaseException)), None)
    if failed is not None:
        raise failed


async def record_failure(pool: asyncpg.Pool, job_key: str, error: str) -> None:
    async with pool.acquire() as conn:
        await outbox.mark_failed(conn, job_key, error)


async def unfinished_cases(pool: asyncpg.Pool, case_ids: list[int]) -> set[int]:
    """Which of these cases still have a routing job not done (a batch's retry routes only those)."""
    keys = {key: case_id for case_id in case_ids for key in routing.job_keys(case_id)}
    async with pool.acquire() as conn:
        return {keys[k] for k in await outbox.unfinished(conn, list(keys))}
