"""Job bodies that the arq worker calls: the outbox relay and the routing step."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any

import asyncpg
import structlog

from service.store import outbox

log = structlog.get_logger("jobs")

# job name, deterministic job id, keyword arguments, request id → whether it was enqueued now
Enqueue = Callable[[str, str, Mapping[str, Any], str | None], Awaitable[bool]]

RELAY_BATCH = 200
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
            for row in rows:
                await enqueue(row.job, row.job_key, row.args, row.request_id)
            await outbox.mark_enqueued(conn, [row.id for row in rows])
        handed += len(rows)
        if len(rows) < RELAY_BATCH:
            return handed
        after_id = rows[-1].id


async def record_failure(pool: asyncpg.Pool, job_key: str, error: str) -> None:
    async with pool.acquire() as conn:
        await outbox.mark_failed(conn, job_key, error)
