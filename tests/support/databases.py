"""Throwaway databases on the test server, built by the production migration runner."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import AsyncIterator
from urllib.parse import urlsplit, urlunsplit

import asyncpg

from service.settings import ROOT
from service.store.db import create_pool
from service.store.migrate import migrate


def with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


@contextlib.asynccontextmanager
async def open_pool(url: str, *, max_size: int) -> AsyncIterator[asyncpg.Pool]:
    """A pool (the service's kind) on `url`, closed after the block (a fixture's, a test's)."""
    pool = await create_pool(url, max_size=max_size)
    try:
        yield pool
    finally:
        await pool.close()


class Databases:
    """Creates throwaway databases on the test server and drops them at the end."""

    def __init__(self, admin_url: str) -> None:
        self.admin_url = admin_url
        self.created: list[str] = []

    async def create(self, *, migrated: bool) -> str:
        name = f"qd_test_{uuid.uuid4().hex[:12]}"
        conn = await asyncpg.connect(self.admin_url)
        try:
            await conn.execute(f'CREATE DATABASE "{name}"')
        finally:
            await conn.close()
        self.created.append(name)
        url = with_database(self.admin_url, name)
        if migrated:
            conn = await asyncpg.connect(url)
            try:
                await migrate(conn, ROOT / "migrations")
            finally:
                await conn.close()
        return url

    @contextlib.asynccontextmanager
    async def pool(self, *, max_size: int = 10) -> AsyncIterator[asyncpg.Pool]:
        """A pool (the service's kind) on a fresh migrated database of its own, closed after the block."""
        async with open_pool(await self.create(migrated=True), max_size=max_size) as pool:
            yield pool

    async def size(self, name: str) -> int:
        """A database's size in bytes (the benchmarks print it)."""
        conn = await asyncpg.connect(self.admin_url)
        try:
            size: int = await conn.fetchval("SELECT pg_database_size($1)", name)
        finally:
            await conn.close()
        return size

    async def drop_all(self) -> None:
        conn = await asyncpg.connect(self.admin_url)
        try:
            for name in self.created:
                await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await conn.close()
