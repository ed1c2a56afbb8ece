"""The transactional outbox: jobs written with the data they concern, relayed to arq afterwards."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import asyncpg

from service.store.sql import SQL


@dataclass(frozen=True, slots=True)
class OutboxRow:
    id: int
    job: str
    job_key: str
    args: Mapping[str, Any]
    request_id: str | None


async def add(
    conn: asyncpg.Connection, job: str, *, key: str, args: Mapping[str, Any], request_id: str | None
) -> None:
    await conn.execute(SQL["outbox_add"], job, key, dict(args), request_id)


async def due(
    conn: asyncpg.Connection, *, stale_after_s: float, limit: int, after_id: int = 0
) -> list[OutboxRow]:
    """Rows to (re-)enqueue with ids above `after_id`, in id order, locked for the caller's transaction."""
    rows = await conn.fetch(SQL["outbox_due"], stale_after_s, limit, after_id)
    return [OutboxRow(**dict(r)) for r in rows]


async def mark_enqueued(conn: asyncpg.Connection, ids: list[int]) -> None:
    await conn.execute(SQL["outbox_mark_enqueued"], ids)


async def mark_done(conn: asyncpg.Connection, *job_keys: str) -> None:
    await conn.execute(SQL["outbox_mark_done"], list(job_keys))  # several in one round trip


async def mark_failed(conn: asyncpg.Connection, job_key: str, error: str) -> None:
    await conn.execute(SQL["outbox_mark_failed"], job_key, error[:500])


async def unfinished(conn: asyncpg.Connection, job_keys: list[str]) -> set[str]:
    """Which of these job keys are not done yet (one round trip)."""
    return {r["job_key"] for r in await conn.fetch(SQL["outbox_unfinished"], job_keys)}
