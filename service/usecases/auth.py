"""Staff accounts: argon2 passwords, lockout after repeated failures, sessions and API tokens.

Secrets handed to browsers and API clients are random; only their SHA-256 is stored, so a copy of the
database opens no session.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import asyncpg
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from domain.errors import DomainError, FieldError, ValidationFailed
from domain.roles import Role, parse_roles
from service.store import staff
from service.store.staff import StaffUser

PASSWORD_MIN_LENGTH = 12
USERNAME = re.compile(r"^[a-z0-9][a-z0-9_.-]{2,31}$")
_hasher = PasswordHasher()
# Verified against when the username is unknown, so the answer takes as long either way.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


@dataclass(frozen=True, slots=True)
class AuthPolicy:
    max_failures: int = 5
    lockout: timedelta = timedelta(minutes=15)
    session_idle: timedelta = timedelta(minutes=30)
    session_max: timedelta = timedelta(hours=12)
    token_ttl: timedelta = timedelta(hours=8)


class SignInFailed(DomainError):
    """Wrong username or password, a disabled account, or a locked one: one answer for all."""

    def __init__(self, locked_until: datetime | None = None) -> None:
        super().__init__("sign-in failed")
        self.locked_until = locked_until


@dataclass(frozen=True, slots=True)
class Session:
    token: str  # give to the client once; never stored
    user: StaffUser
    expires_at: datetime


def token_hash(token: str) -> bytes:
    return hashlib.sha256(token.encode()).digest()


def check_password_rules(password: str) -> None:
    if len(password) < PASSWORD_MIN_LENGTH:
        raise ValidationFailed(
            [
                FieldError(
                    "password",
                    "too_short",
                    f"密码至少需要{PASSWORD_MIN_LENGTH}个字符",
                    f"A password needs at least {PASSWORD_MIN_LENGTH} characters",
                )
            ]
        )


async def add_user(
    pool: asyncpg.Pool, username: str, roles: list[str], password: str, display_name: str | None = None
) -> int:
    """Create an account; raise ValidationFailed for a bad name, role or password, or an existing name."""
    errors = []
    if not USERNAME.match(username):
        errors.append(
            FieldError("username", "invalid", "用户名为3–32位小写字母、数字或 _.-", "3–32 of a-z 0-9 _ . -")
        )
    try:
        parsed = parse_roles(roles)
    except ValueError as exc:
        errors.append(FieldError("roles", "invalid", "角色无效", str(exc)))
        parsed = frozenset()
    try:
        check_password_rules(password)
    except ValidationFailed as exc:
        errors += exc.errors
    if errors:
        raise ValidationFailed(errors)
    async with pool.acquire() as conn:
        user_id = await staff.insert(
            conn, username, display_name or username, _hasher.hash(password), sorted(r.value for r in parsed)
        )
    if user_id is None:
        raise ValidationFailed([FieldError("username", "taken", "用户名已存在", "That username exists")])
    return user_id


async def disable_user(pool: asyncpg.Pool, username: str) -> bool:
    """Disable an account and end its sessions; False when there is no such user."""
    async with pool.acquire() as conn, conn.transaction():
        return await staff.disable(conn, username) is not None


async def list_users(pool: asyncpg.Pool) -> list[asyncpg.Record]:
    async with pool.acquire() as conn:
        return await staff.list_all(conn)


async def sign_in(
    pool: asyncpg.Pool, username: str, password: str, *, kind: str, now: datetime, policy: AuthPolicy
) -> Session:
    """Check the password and open a session ("cookie") or an API token ("bearer")."""
    async with pool.acquire() as conn:
        row = await staff.by_username(conn, username.strip().lower())
        if row is None:
            _verify(_DUMMY_HASH, password)
            raise SignInFailed()
        if row["locked_until"] is not None and row["locked_until"] > now:
            raise SignInFailed(locked_until=row["locked_until"])
        if row["disabled"] or not _verify(row["password_hash"], password):
            # no transaction around this: the refusal below must not roll the count back
            failed = await staff.login_failed(conn, row["id"], policy.max_failures, now + policy.lockout)
            lock = failed["locked_until"]
            raise SignInFailed(locked_until=lock if lock and lock > now else None)
    async with pool.acquire() as conn, conn.transaction():
        await staff.login_ok(conn, row["id"])
        if _hasher.check_needs_rehash(row["password_hash"]):
            await staff.set_password(conn, row["id"], _hasher.hash(password))
        token = secrets.token_urlsafe(32)
        expires_at = now + (policy.session_max if kind == "cookie" else policy.token_ttl)
        await staff.add_session(conn, token_hash(token), row["id"], kind, now, expires_at)
        user = StaffUser(
            row["id"], row["username"], row["display_name"], frozenset(Role(r) for r in row["roles"])
        )
    return Session(token, user, expires_at)


def _verify(hashed: str, password: str) -> bool:
    try:
        return _hasher.verify(hashed, password)
    except (VerificationError, InvalidHashError):
        return False


async def authenticate(
    pool: asyncpg.Pool, token: str, *, kind: str, now: datetime, policy: AuthPolicy
) -> StaffUser | None:
    """The user behind a live session or token. Browser sessions also end after idle time."""
    if not token or len(token) > 200:
        return None
    digest = token_hash(token)
    async with pool.acquire() as conn:
        found = await staff.session_user(conn, digest, kind, now)
        if found is None:
            return None
        user, last_seen = found
        if kind == "cookie":
            if now - last_seen > policy.session_idle:
                await staff.revoke_session(conn, digest)
                return None
            if now - last_seen > timedelta(minutes=1):  # one write a minute is enough for idle expiry
                await staff.touch_session(conn, digest, now)
    return user


async def sign_out(pool: asyncpg.Pool, token: str) -> None:
    async with pool.acquire() as conn:
        await staff.revoke_session(conn, token_hash(token))
