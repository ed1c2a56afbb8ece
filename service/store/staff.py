"""Staff accounts and sessions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import asyncpg

from domain.roles import Role
from service.store.sql import SQL


@dataclass(frozen=True, slots=True)
class StaffUser:
    id: int
    username: str
    display_name: str
    roles: frozenset[Role]

    @property
    def actor(self) -> str:
        return f"staff:{self.id}"


def _user(row: asyncpg.Record, id_column: str = "id") -> StaffUser:
    return StaffUser(
        row[id_column], row["username"], row["display_name"], frozenset(Role(r) for r in row["roles"])
    )


async def insert(
    conn: asyncpg.Connection, username: str, display_name: str, password_hash: str, roles: list[str]
) -> int | None:
    user_id: int | None = await conn.fetchval(
        SQL["staff_users_insert"], username, display_name, password_hash, roles
    )
    return user_id


async def by_username(conn: asyncpg.Connection, username: str) -> asyncpg.Record | None:
    return await conn.fetchrow(SQL["staff_users_by_username"], username)


async def list_all(conn: asyncpg.Connection) -> list[asyncpg.Record]:
    return list(await conn.fetch(SQL["staff_users_list"]))


async def disable(conn: asyncpg.Connection, username: str) -> int | None:
    user_id: int | None = await conn.fetchval(SQL["staff_users_disable"], username)
    if user_id is not None:
        await conn.execute(SQL["staff_sessions_revoke_user"], user_id)
    return user_id


async def login_failed(
    conn: asyncpg.Connection, user_id: int, max_failures: int, lock_until: datetime
) -> asyncpg.Record:
    row = await conn.fetchrow(SQL["staff_users_login_failed"], user_id, max_failures, lock_until)
    assert row is not None
    return row


async def login_ok(conn: asyncpg.Connection, user_id: int) -> None:
    await conn.execute(SQL["staff_users_login_ok"], user_id)


async def set_password(conn: asyncpg.Connection, user_id: int, password_hash: str) -> None:
    await conn.execute(SQL["staff_users_set_password"], user_id, password_hash)


async def add_session(
    conn: asyncpg.Connection, token_hash: bytes, user_id: int, kind: str, now: datetime, expires_at: datetime
) -> None:
    await conn.execute(SQL["staff_sessions_insert"], token_hash, user_id, kind, now, expires_at)


async def session_user(
    conn: asyncpg.Connection, token_hash: bytes, kind: str, now: datetime
) -> tuple[StaffUser, datetime] | None:
    """The user of a live session and when it was last seen."""
    row = await conn.fetchrow(SQL["staff_sessions_lookup"], token_hash, kind, now)
    return (_user(row, "user_id"), row["last_seen_at"]) if row else None


async def touch_session(conn: asyncpg.Connection, token_hash: bytes, now: datetime) -> None:
    await conn.execute(SQL["staff_sessions_touch"], token_hash, now)


async def revoke_session(conn: asyncpg.Connection, token_hash: bytes) -> None:
    await conn.execute(SQL["staff_sessions_revoke"], token_hash)


async def names(conn: asyncpg.Connection, user_ids: list[int]) -> dict[int, str]:
    rows = await conn.fetch(SQL["staff_users_names"], user_ids)
    return {r["id"]: r["display_name"] for r in rows}
