"""Idempotency keys: the same key and body within the TTL returns the first response."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import asyncpg

from service.store.sql import SQL


@dataclass(frozen=True, slots=True)
class Stored:
    body_hash: bytes
    status_code: int
    response: Any


async def reserve(
    conn: asyncpg.Connection, scope: str, key: str, body_hash: bytes, ttl_s: int
) -> Stored | None:
    """Claim the key inside the caller's transaction; return the earlier answer when it was used before."""
    await conn.execute(SQL["idempotency_keys_expire"], scope, key, ttl_s)
    if await conn.fetchval(SQL["idempotency_keys_reserve"], scope, key, body_hash) is not None:
        return None
    row = await conn.fetchrow(SQL["idempotency_keys_get"], scope, key)
    assert row is not None
    return Stored(bytes(row["body_hash"]), row["status_code"], row["response"])


async def save(conn: asyncpg.Connection, scope: str, key: str, status_code: int, response: Any) -> None:
    await conn.execute(SQL["idempotency_keys_save"], scope, key, status_code, response)
