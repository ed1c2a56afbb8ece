"""What the cluster alerts' and the product signals' stores share: deciding an open alert once, and the
advisory lock that serializes a table's sweeps."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Protocol

import asyncpg

from service.store.sql import SQL


class Decide(Protocol):
    async def __call__(
        self,
        conn: asyncpg.Connection,
        alert_id: int,
        *,
        at: datetime,
        decision: str,
        note: str | None,
        by: int,
    ) -> bool: ...


def decide_once(name: str) -> Decide:
    """SQL[name] records the decision on an open alert ($1 id, $2 at, $3 decision, $4 note, $5 by) and
    returns its id; the function says whether it did (False: decided meanwhile)."""
    query = SQL[name]

    async def decide(
        conn: asyncpg.Connection, alert_id: int, *, at: datetime, decision: str, note: str | None, by: int
    ) -> bool:
        return await conn.fetchval(query, alert_id, at, decision, note, by) is not None

    decide.__name__ = decide.__qualname__ = name
    return decide


def sweep_lock(name: str) -> Callable[[asyncpg.Connection], Awaitable[None]]:
    """SQL[name] takes a transaction-level advisory lock: one sweep at a time, until the transaction ends."""
    query = SQL[name]

    async def lock(conn: asyncpg.Connection) -> None:
        await conn.execute(query)

    lock.__name__ = lock.__qualname__ = name
    return lock
