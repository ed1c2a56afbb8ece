"""SQL statements live in sql/*.sql, one per file, loaded once by name: SQL["cases_register"]."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from types import MappingProxyType
from typing import Any, TypeVar, overload

import asyncpg

_DIR = Path(__file__).with_name("sql")

SQL = MappingProxyType({path.stem: path.read_text(encoding="utf-8") for path in sorted(_DIR.glob("*.sql"))})

K = TypeVar("K")
K2 = TypeVar("K2")
T = TypeVar("T")
Lookup = Callable[[asyncpg.Connection, K], Awaitable[asyncpg.Record | None]]


@overload
def one_row(name: str, key: type[K]) -> Lookup[K]: ...
@overload
def one_row(
    name: str, key: type[K], key2: type[K2]
) -> Callable[[asyncpg.Connection, K, K2], Awaitable[asyncpg.Record | None]]: ...
def one_row(
    name: str, key: type[Any], key2: type[Any] | None = None
) -> Callable[..., Awaitable[asyncpg.Record | None]]:
    """The store function most lookups are: run SQL[name] with its one or two keys and return its row, or
    None. The key types only type the function."""
    query = SQL[name]

    async def fetch(conn: asyncpg.Connection, *values: Any) -> asyncpg.Record | None:
        return await conn.fetchrow(query, *values)

    fetch.__name__ = fetch.__qualname__ = name
    return fetch


def one_of(
    name: str, key: type[K], to: Callable[[asyncpg.Record], T]
) -> Callable[[asyncpg.Connection, K], Awaitable[T | None]]:
    """`one_row`, its row mapped by `to` at the boundary."""
    fetch_row = one_row(name, key)

    async def fetch(conn: asyncpg.Connection, value: K) -> T | None:
        row = await fetch_row(conn, value)
        return to(row) if row else None

    fetch.__name__ = fetch.__qualname__ = name
    return fetch
