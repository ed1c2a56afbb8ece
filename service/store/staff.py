"""Staff accounts and sessions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import asyncpg

from domain.roles import Role
from service.store.sql import SQL, one_row


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


by_username = one_row("staff_users_by_username", str)


async def list_all(conn: asyncpg.Connection) -> list[asyncpg.Record]:
    return list(await conn.fetch(SQL["staff_users_list"]))


async def disable(conn: asyncpg.Connection, username: str) -> int | None:
    user_id: int | None = await conn.fetchval(SQL["staff_users_disable"], username)
    if user_id is not None:
        await conn.execute(SQL["staff_sessions_revoke_user"], user_id)
    return user_id


@dataclass(frozen=True, slots=True)
class SignInAttempt:
    """A counted attempt on an account that may sign in now; `count` is what the attempt left."""

    user: StaffUser
    password_hash: str
    count: int
    must_change_password: bool = False


async def begin_sign_in(
    conn: asyncpg.Connection, username: str, max_failures: int, now: datetime, lock_until: datetime
) -> SignInAttempt | None:
    """Count an attempt before its password is checked; None for an unknown, disabled or locked account."""
    row = await conn.fetchrow(SQL["staff_users_sign_in_begin"], username, max_failures, now, lock_until)
    if row is None:
        return None
    return SignInAttempt(_user(row), row["password_hash"], row["failed_logins"], row["must_change_password"])


async def login_ok(conn: asyncpg.Connection, user_id: int, count: int) -> None:
    await conn.execute(SQL["staff_users_login_ok"], user_id, count)


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


async def revoke_session(conn: asyncpg.Connection, token_hash: bytes) -> bool:
    return bool(await conn.execute(SQL["staff_sessions_revoke"], token_hash) != "UPDATE 0")


async def live_tokens(conn: asyncpg.Connection, now: datetime, limit: int) -> list[asyncpg.Record]:
    return list(await conn.fetch(SQL["staff_sessions_list_bearer"], now, limit))


async def names(conn: asyncpg.Connection, user_ids: list[int]) -> dict[int, str]:
    rows = await conn.fetch(SQL["staff_users_names"], user_ids)
    return {r["id"]: r["display_name"] for r in rows}


# --- the administrator's pages (issue 15) ---------------------------------------------------------------


by_id = one_row("staff_users_by_id", int)


async def set_roles(conn: asyncpg.Connection, user_id: int, roles: list[str]) -> bool:
    return await conn.fetchval(SQL["staff_users_set_roles"], user_id, roles) is not None


async def disable_by_id(conn: asyncpg.Connection, user_id: int) -> bool:
    """Disable an account and end every session and token it holds."""
    if await conn.fetchval(SQL["staff_users_disable_by_id"], user_id) is None:
        return False
    await conn.execute(SQL["staff_sessions_revoke_user"], user_id)
    return True


async def enable(conn: asyncpg.Connection, user_id: int) -> bool:
    return await conn.fetchval(SQL["staff_users_enable"], user_id) is not None


async def unlock(conn: asyncpg.Connection, user_id: int) -> bool:
    return await conn.fetchval(SQL["staff_users_unlock"], user_id) is not None


async def reset_password(conn: asyncpg.Connection, user_id: int, password_hash: str, now: datetime) -> bool:
    """Set a temporary password (to be replaced at the next sign-in) and end the account's sessions."""
    if await conn.fetchval(SQL["staff_users_reset_password"], user_id, password_hash, now) is None:
        return False
    await conn.execute(SQL["staff_sessions_revoke_user"], user_id)
    return True


async def replace_password(conn: asyncpg.Connection, user_id: int, password_hash: str, now: datetime) -> None:
    await conn.execute(SQL["staff_users_replace_password"], user_id, password_hash, now)


async def record_sign_in(conn: asyncpg.Connection, user_id: int, at: datetime, kind: str) -> None:
    await conn.execute(SQL["staff_sign_ins_insert"], user_id, at, kind)


async def sign_ins(conn: asyncpg.Connection, user_id: int, limit: int = 20) -> list[asyncpg.Record]:
    return list(await conn.fetch(SQL["staff_sign_ins_for_user"], user_id, limit))


async def open_sessions(conn: asyncpg.Connection, user_id: int, now: datetime) -> list[asyncpg.Record]:
    return list(await conn.fetch(SQL["staff_sessions_for_user"], user_id, now))


async def revoke_fingerprint(conn: asyncpg.Connection, user_id: int, fingerprint: str) -> bool:
    return bool(
        await conn.execute(SQL["staff_sessions_revoke_fingerprint"], user_id, fingerprint) != "UPDATE 0"
    )


async def require_password_change(conn: asyncpg.Connection, user_id: int) -> None:
    await conn.execute(SQL["staff_users_require_change"], user_id)
