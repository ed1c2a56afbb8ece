"""One asyncpg pool per process, with a binary jsonb codec (text codecs break copy_records_to_table)."""

from __future__ import annotations

from typing import Any

import asyncpg
import msgspec

_PREFIX = b"\x01"  # jsonb binary format version


def _encode_jsonb(value: Any) -> bytes:
    return _PREFIX + msgspec.json.encode(value)


def _decode_jsonb(data: bytes) -> Any:
    return msgspec.json.decode(data[1:])


async def init_connection(conn: asyncpg.Connection) -> None:
    await conn.set_type_codec(
        "jsonb", encoder=_encode_jsonb, decoder=_decode_jsonb, schema="pg_catalog", format="binary"
    )


async def create_pool(url: str, *, min_size: int = 1, max_size: int = 10) -> asyncpg.Pool:
    pool = await asyncpg.create_pool(
        url, min_size=min_size, max_size=max_size, init=init_connection, command_timeout=30
    )
    assert pool is not None
    return pool


async def connect(url: str, *, connect_timeout: float = 10) -> asyncpg.Connection:
    conn = await asyncpg.connect(url, timeout=connect_timeout)
    await init_connection(conn)
    return conn
