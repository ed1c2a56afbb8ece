"""One asyncpg pool per process, with a binary jsonb codec (text codecs break copy_records_to_table)."""

from __future__ import annotations

from typing import Any

import asyncpg
import msgspec

_PREFIX = b"\x01"  # jsonb binary format version
CONNECT_TIMEOUT_S = 10.0  # a black-holed server must not hold a request for asyncpg's default minute

# What "the database went away" looks like (a restart, a failover, a dropped network), as opposed to "the
# request or the code was wrong". The web answers these with 503 and jobs retry them; nothing a failed
# transaction wrote was committed.
CONNECTION_ERRORS: tuple[type[Exception], ...] = (
    asyncpg.PostgresConnectionError,  # class 08, and "connection was closed in the middle of operation"
    asyncpg.CannotConnectNowError,  # 57P03: the server is starting up or shutting down
    asyncpg.AdminShutdownError,  # 57P01: the session was ended by a shutdown
    asyncpg.CrashShutdownError,  # 57P02
    asyncpg.TooManyConnectionsError,  # 53300
    OSError,  # refused, reset, the socket file gone, a timeout (TimeoutError is an OSError)
)


def connection_lost(exc: BaseException | None) -> bool:
    """Whether `exc` means the database is unreachable for now (so retrying later is the answer).

    Follows the exception's chain: when the server ends a session mid-transaction, asyncpg's pool may
    raise from resetting the broken connection, with the real cause as context.
    """
    seen = 0
    while exc is not None and seen < 10:
        if isinstance(exc, CONNECTION_ERRORS):
            return True
        # asyncpg raises a bare InterfaceError for work on a connection the server already closed ...
        if isinstance(exc, asyncpg.InterfaceError) and "connection is closed" in str(exc):
            return True
        # ... and an InternalClientError for the next statement when the server ended the session between
        # two statements (the protocol still waits for the end of the server's error; nothing was sent)
        if isinstance(exc, asyncpg.InternalClientError) and "cannot switch to state" in str(exc):
            return True
        exc = exc.__cause__ or exc.__context__
        seen += 1
    return False


def _encode_jsonb(value: Any) -> bytes:
    return _PREFIX + msgspec.json.encode(value)


def _decode_jsonb(data: bytes) -> Any:
    return msgspec.json.decode(data[1:])


async def init_connection(conn: asyncpg.Connection) -> None:
    await conn.set_type_codec(
        "jsonb", encoder=_encode_jsonb, decoder=_decode_jsonb, schema="pg_catalog", format="binary"
    )


async def _keep_session(conn: asyncpg.Connection) -> None:
    """Nothing to reset on release beyond what asyncpg always does (roll back an open transaction,
    drop listener callbacks): pooled connections never carry session state here (no SET, LISTEN,
    cursors or session locks; those use connections of their own). The default reset query
    (RESET ALL, UNLISTEN *, ...) would be one more round trip on every use."""


async def create_pool(url: str, *, min_size: int = 1, max_size: int = 10) -> asyncpg.Pool:
    """A pool that heals by itself: connections the server closed (a restart) are replaced on the next
    acquire, so a process never needs a restart of its own after the database comes back."""
    pool = await asyncpg.create_pool(
        url,
        min_size=min_size,
        max_size=max_size,
        init=init_connection,
        command_timeout=30,
        timeout=CONNECT_TIMEOUT_S,
        reset=_keep_session,
    )
    assert pool is not None
    return pool


READ_POOL_MAX = 4  # statistics and indicators only: two connections a snapshot, two snapshots at a time


async def create_read_pool(url: str | None) -> asyncpg.Pool | None:
    """The pool on a streaming replica (DATABASE_READ_URL) for statistics reads; None without one."""
    return await create_pool(url, min_size=1, max_size=READ_POOL_MAX) if url else None


async def connect(url: str, *, connect_timeout: float = CONNECT_TIMEOUT_S) -> asyncpg.Connection:
    conn = await asyncpg.connect(url, timeout=connect_timeout)
    await init_connection(conn)
    return conn
