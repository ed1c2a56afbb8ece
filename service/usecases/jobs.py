"""Job bodies that the arq worker calls: the outbox relay and the routing step."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

import asyncpg
import structlog

from service.store import outbox

log = structlog.get_logger("jobs")

# job name, deterministic job id, keyword arguments, request id → whether it was enqueued now
Enqueue = Callable[[str, str, Mapping[str, Any], str | None], Awaitable[bool]]

RELAY_BATCH = 200
RELAY_CONCURRENCY = 16  # enqueues in flight at once (each worker's Redis pool opens that many connections)
STALE_AFTER_S = 600  # an enqueued row not done after this long is enqueued again (Redis may have lost it)


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


async def _enqueue_all(enqueue: Enqueue, rows: list[outbox.OutboxRow]) -> None:
    """Enqueue a batch, RELAY_CONCURRENCY at a time. The batch's rows stay locked until its transaction
    commits, and a job that already ran waits for that lock to mark its row done: one enqueue after the
    other (three Redis round trips each) held up to 200 finished jobs, so the workers ran at the relay's
    pace (issue 17). The first failure is raised once every enqueue has ended (none is left running)."""
    gate = asyncio.Semaphore(RELAY_CONCURRENCY)

    async def one(row: outbox.OutboxRow) -> None:
        async with gate:
            await enqueue(row.job, row.job_key, row.args, row.request_id)

    results = await asyncio.gather(*(one(row) for row in rows), return_exceptions=True)
    failed = next((r for r in results if isinstance(r, BaseException)), None)
    if failed is not None:
        raise failed


async def record_failure(pool: asyncpg.Pool, job_key: str, error: str) -> None:
    async with pool.acquire() as conn:
        await outbox.mark_failed(conn, job_key, error)
