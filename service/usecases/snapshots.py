"""The read snapshot statistics are computed in: one REPEATABLE READ snapshot over one or more connections,
on the read pool (a streaming replica when DATABASE_READ_URL is set, else the primary's pool).

A return must not be computed from a replica that has not yet seen what the primary committed before it
was asked for (a restatement could undo a correction): with `primary` given, the snapshot is taken only
once the replica has replayed the primary's log to where it stood at the call, or on the primary itself
when the replica does not get there within REPLICA_WAIT_S. Indicators may read a replica a moment behind.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager

import asyncpg
import structlog

from service.store import statistics

log = structlog.get_logger("statistics")

READERS = 2  # connections a month's aggregates are read on side by side, in one snapshot
READER_WAIT_S = 0.2  # how long to wait for each from a busy pool before reading on fewer
REPLICA_WAIT_S = 5.0  # how long a return waits for the replica to catch up before reading the primary
REPLICA_POLL_S = 0.05


async def _caught_up(read_pool: asyncpg.Pool, primary: asyncpg.Pool) -> bool:
    async with primary.acquire() as conn:
        position = await statistics.wal_position(conn)
    deadline = time.monotonic() + REPLICA_WAIT_S
    async with read_pool.acquire() as conn:
        while await statistics.replica_behind(conn, position):
            if time.monotonic() > deadline:
                return False
            await asyncio.sleep(REPLICA_POLL_S)
    return True


async def read_pool_for(read_pool: asyncpg.Pool, primary: asyncpg.Pool) -> asyncpg.Pool:
    """The pool to compute from so that it sees everything the primary committed so far."""
    if read_pool is primary or await _caught_up(read_pool, primary):
        return read_pool
    log.warning("read replica behind; reading the primary", waited_s=REPLICA_WAIT_S)
    return primary


@asynccontextmanager
async def statistics_snapshot(
    pool: asyncpg.Pool, readers: int = READERS, *, primary: asyncpg.Pool | None = None
) -> AsyncIterator[tuple[asyncpg.Connection, statistics.Reader]]:
    """One read-only snapshot on up to `readers` connections (the others import the first one's):
    that first connection, for sequential reads, and a Reader that spreads queries over them all.
    `primary`: the snapshot must include everything committed there before this call (see above)."""
    if primary is not None:
        pool = await read_pool_for(pool, primary)
    async with pool.acquire() as main, main.transaction(isolation="repeatable_read", readonly=True):
        await statistics.prepare_session(main)
        conns = [main]
        async with AsyncExitStack() as others:
            snapshot = await statistics.export_snapshot(main) if readers > 1 else ""
            for _ in range(readers - 1):
                try:
                    conn = await others.enter_async_context(pool.acquire(timeout=READER_WAIT_S))
                except TimeoutError:
                    break  # a busy pool: read on fewer connections rather than hold it up
                await others.enter_async_context(conn.transaction(isolation="repeatable_read", readonly=True))
                await statistics.import_snapshot(conn, snapshot)
                await statistics.prepare_session(conn)
                conns.append(conn)
            yield main, statistics.Reader(conns)
