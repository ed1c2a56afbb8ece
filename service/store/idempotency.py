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


async def earlier(conn: asyncpg.Connection, scope: str, key: str) -> Stored | None:
    """The answer kept under a key found in use (None if it was purged since)."""
    row = await conn.fetchrow(SQL["idempotency_keys_get"], scope, key)
    if row is None:
        return None
    return Stored(bytes(row["body_hash"]), row["status_code"], row["response"])


async def save(conn: asyncpg.Connection, scope: str, key: str, status_code: int, response: Any) -> None:
    await conn.execute(SQL["idempotency_keys_save"], scope, key, status_code, response)


async def claim(
    conn: asyncpg.Connection,
    scope: str,
    key: str,
    body_hash: bytes,
    status_code: int,
    response: Any,
    ttl_s: int,
) -> bool:
    """Keep `response` under a key not in use (or expired); False when a live answer is there."""
    kept: bool | None = await conn.fetchval(
        SQL["idempotency_keys_claim"], scope, key, body_hash, status_code, response, ttl_s
    )
    return bool(kept)
