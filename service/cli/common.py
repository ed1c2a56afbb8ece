"""What every command shares: one clear line and a non-zero exit on failure, the servers resolved (embedded
ones started for unset URLs) and checked, and a connection or pool for one piece of work."""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, NoReturn, TypeVar

import asyncpg
import msgspec
import redis as redis_sync

from service.settings import Settings
from service.store.embedded import EmbeddedServers, ensure_servers

T = TypeVar("T")


def fail(message: str, code: int = 2) -> NoReturn:
    print(f"disputes: {message}", file=sys.stderr)
    raise SystemExit(code)


def resolve(settings: Settings, *, redis: bool = True) -> tuple[Settings, EmbeddedServers]:
    """Start embedded servers for unset URLs and check that they answer (Redis only when needed)."""
    try:
        servers = ensure_servers(settings.database_url, settings.redis_url, settings.data_dir, redis=redis)
    except Exception as exc:
        fail(f"could not start the embedded servers under {settings.data_dir}: {exc}")
    resolved = msgspec.structs.replace(
        settings, database_url=servers.database_url, redis_url=servers.redis_url
    )
    try:
        asyncio.run(_check_postgres(servers.database_url))
    except Exception as exc:
        servers.stop()
        fail(f"PostgreSQL unreachable at {safe_url(servers.database_url)}: {exc}")
    if not redis:
        return resolved, servers
    try:
        redis_sync.Redis.from_url(servers.redis_url, socket_connect_timeout=3, socket_timeout=3).ping()
    except Exception as exc:
        servers.stop()
        fail(f"Redis unreachable at {safe_url(servers.redis_url)}: {exc}")
    return resolved, servers


def safe_url(url: str) -> str:
    """A URL without its password, for messages."""
    if "@" in url and "://" in url:
        scheme, rest = url.split("://", 1)
        creds, host = rest.rsplit("@", 1)
        return f"{scheme}://{creds.split(':', 1)[0]}@{host}"
    return url


async def _check_postgres(url: str) -> None:
    conn = await asyncpg.connect(url, timeout=5)
    await conn.close()


def with_conn(settings: Settings, work: Callable[[asyncpg.Connection], Awaitable[T]]) -> T:
    """Run `work` on one connection to the settings' database, in a fresh event loop."""

    async def run() -> T:
        from service.store.db import connect

        assert settings.database_url
        conn = await connect(settings.database_url)
        try:
            return await work(conn)
        finally:
            await conn.close()

    return asyncio.run(run())


def with_pool(settings: Settings, work: Callable[[Any], Awaitable[T]]) -> T:
    """Run `work` on a small pool (use cases take a pool), in a fresh event loop."""
    from service.store.db import create_pool

    async def run() -> T:
        assert settings.database_url
        pool = await create_pool(settings.database_url, max_size=2)
        try:
            return await work(pool)
        finally:
            await pool.close()

    return asyncio.run(run())


# The commands that write files (`export`, `report`): the --out folder, and each file written whole.
def out_folder(raw: str | None) -> Path:
    """The --out folder (default: the current one), made if missing."""
    out = Path(raw or ".")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        fail(f"cannot write to {out}: {exc}")
    return out


def write_whole(target: Path, write: Callable[[str], object]) -> Path:
    """`write(path)` writes the file at a .part path, renamed to `target` once written."""
    partial = target.with_name(target.name + ".part")
    try:
        write(str(partial))
        os.replace(partial, target)
    except OSError as exc:
        fail(f"cannot write {target}: {exc}")
    return target


def write_bytes(target: Path, data: bytes) -> Path:
    return write_whole(target, lambda path: Path(path).write_bytes(data))
