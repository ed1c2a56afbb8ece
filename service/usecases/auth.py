"""Staff accounts: argon2 passwords, lockout after repeated failures, sessions and API tokens.

Secrets handed to browsers and API clients are random; only their SHA-256 is stored, so a copy of the
database opens no session.

Signing in is built to hold against a flood: argon2 runs in a small thread pool, never in the event loop;
no database connection is held while a password is hashed; a cap on checks in flight answers the excess
at once (SignInBusy, 429); and each attempt is counted on the account before its password is checked, so
concurrent guesses cannot outrun the lockout. Unknown, disabled and locked accounts cost one check of a
dummy hash and get the same answer as a wrong password.
"""

from __future__ import annotations

import asyncio
import hashlib
import re
import secrets
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Required, TypedDict, Unpack

import asyncpg
import msgspec
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from domain.errors import DomainError, FieldError, Forbidden, TooManyAttempts, ValidationFailed
from domain.roles import parse_roles
from service.store import staff
from service.store.staff import StaffUser
from service.usecases.signin_limits import SignInLimits

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

    def __init__(self) -> None:
        super().__init__("sign-in failed")


class PasswordChangeRequired(Forbidden):
    """The password was right but is a temporary one from the administrator: it must be replaced first."""

    def __init__(self) -> None:
        super().__init__(
            "password_change_required",
            "该账户正在使用管理员设置的临时密码，请先在登录页设置新密码。",
            "This account has a temporary password: set a new one on the sign-in page first",
        )


class SignInBusy(TooManyAttempts):
    """Every password-check slot of this process is taken: come back in a moment (429, Retry-After)."""


class PasswordCheck:
    """argon2 off the event loop: `threads` workers, at most `max_in_flight` checks running or waiting.

    A slot is reserved before anything else happens (refused at once when none is free) and freed when
    its thread has finished, even when the request that asked for it has gone away.
    """

    def __init__(self, *, threads: int = 2, max_in_flight: int = 8) -> None:
        self._pool = ThreadPoolExecutor(max_workers=max(threads, 1), thread_name_prefix="argon2")
        self._max = max(max_in_flight, 1)
        self._in_flight = 0
        self._lock = threading.Lock()

    @property
    def in_flight(self) -> int:
        return self._in_flight

    def reserve(self) -> PasswordSlot:
        with self._lock:
            if self._in_flight >= self._max:
                raise SignInBusy(1)
            self._in_flight += 1
        return PasswordSlot(self)

    def _release(self) -> None:
        with self._lock:
            self._in_flight -= 1

    def _submit(self, hashed: str, password: str) -> Future[bool]:
        return self._pool.submit(_verify, hashed, password)

    async def hash(self, password: str) -> str:
        return await asyncio.wrap_future(self._pool.submit(_hasher.hash, password))

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)


class PasswordSlot:
    """One reserved check: `verify` once, then `release` (a no-op when the thread frees it)."""

    def __init__(self, owner: PasswordCheck) -> None:
        self._owner: PasswordCheck | None = owner

    async def verify(self, hashed: str, password: str) -> bool:
        owner, self._owner = self._owner, None
        assert owner is not None, "a slot checks one password"
        future = owner._submit(hashed, password)
        future.add_done_callback(lambda _: owner._release())  # freed when the thread is done
        return await asyncio.wrap_future(future)

    def release(self) -> None:
        owner, self._owner = self._owner, None
        if owner is not None:
            owner._release()


@dataclass(frozen=True, slots=True)
class Session:
    token: str  # give to the client once; never stored
    user: StaffUser
    expires_at: datetime


def token_hash(token: str) -> bytes:
    return hashlib.sha256(token.encode()).digest()


def check_password_rules(password: str) -> None:
    if len(password) < PASSWORD_MIN_LENGTH:
        raise ValidationFailed.one(
            "password",
            "too_short",
            f"密码至少需要{PASSWORD_MIN_LENGTH}个字符",
            f"A password needs at least {PASSWORD_MIN_LENGTH} characters",
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
    hashed = await asyncio.to_thread(_hasher.hash, password)
    async with pool.acquire() as conn:
        user_id = await staff.insert(
            conn, username, display_name or username, hashed, sorted(r.value for r in parsed)
        )
    if user_id is None:
        raise ValidationFailed.one("username", "taken", "用户名已存在", "That username exists")
    return user_id


async def disable_user(pool: asyncpg.Pool, username: str) -> bool:
    """Disable an account and end its sessions; False when there is no such user."""
    async with pool.acquire() as conn, conn.transaction():
        return await staff.disable(conn, username) is not None


async def list_users(pool: asyncpg.Pool) -> list[asyncpg.Record]:
    async with pool.acquire() as conn:
        return await staff.list_all(conn)


class SignInCheck(TypedDict, total=False):
    """What the counted, limited password check of every sign-in reads (`_checked`)."""

    now: Required[datetime]
    policy: Required[AuthPolicy]
    passwords: PasswordCheck | None  # the cap on checks in flight, with their threads; None: a thread each
    limits: SignInLimits | None  # the per-client and per-username limits; None: none
    client: str  # the client's address, as resolved from trusted proxies; "unknown" when not given


async def sign_in(
    pool: asyncpg.Pool,
    username: str,
    password: str,
    *,
    kind: str,
    **check: Unpack[SignInCheck],
) -> Session:
    """Check the password and open a session ("cookie") or an API token ("bearer").

    Raises SignInFailed (401, one answer for every reason), TooManyAttempts past the per-client or
    per-username limit, SignInBusy when every password-check slot is taken (both 429).
    """
    attempt = await _checked(pool, username, password, **check)
    if attempt.must_change_password:
        async with pool.acquire() as conn:
            await staff.login_ok(conn, attempt.user.id, attempt.count)  # the password was right
        raise PasswordChangeRequired()
    new_hash = None
    if _hasher.check_needs_rehash(attempt.password_hash):
        new_hash = await _hash(password, check.get("passwords"))
    return await _open_session(
        pool, attempt, kind=kind, now=check["now"], policy=check["policy"], new_hash=new_hash
    )


async def _checked(
    pool: asyncpg.Pool,
    username: str,
    password: str,
    **check: Unpack[SignInCheck],
) -> staff.SignInAttempt:
    """The counted, limited password check of every sign-in; raises SignInFailed, TooManyAttempts."""
    now, policy = check["now"], check["policy"]
    passwords, limits = check.get("passwords"), check.get("limits")
    client = check.get("client", "unknown")
    name = username.strip().lower()
    admission = await limits.admit(client, name) if limits else None
    try:
        slot = passwords.reserve() if passwords else None
    except SignInBusy:
        if limits and admission:
            await limits.give_back(admission)  # never checked: it does not count
        raise
    try:
        async with pool.acquire() as conn:
            attempt = await staff.begin_sign_in(conn, name, policy.max_failures, now, now + policy.lockout)
        # the connection is back in the pool: hashing holds none
        hashed = attempt.password_hash if attempt else _DUMMY_HASH
        ok = await (slot.verify(hashed, password) if slot else asyncio.to_thread(_verify, hashed, password))
    finally:
        if slot:
            slot.release()
    if attempt is None or not ok:
        raise SignInFailed()  # counted on the account by begin_sign_in, and in Redis by admit
    if limits and admission:
        await limits.give_back(admission)
    return attempt


async def _open_session(
    pool: asyncpg.Pool,
    attempt: staff.SignInAttempt,
    *,
    kind: str,
    now: datetime,
    policy: AuthPolicy,
    new_hash: str | None = None,
    replaces_temporary: bool = False,
) -> Session:
    async with pool.acquire() as conn, conn.transaction():
        await staff.login_ok(conn, attempt.user.id, attempt.count)
        if new_hash and replaces_temporary:
            await staff.replace_password(conn, attempt.user.id, new_hash, now)
        elif new_hash:
            await staff.set_password(conn, attempt.user.id, new_hash)
        await staff.record_sign_in(conn, attempt.user.id, now, kind)
        token = secrets.token_urlsafe(32)
        expires_at = now + (policy.session_max if kind == "cookie" else policy.token_ttl)
        await staff.add_session(conn, token_hash(token), attempt.user.id, kind, now, expires_at)
    return Session(token, attempt.user, expires_at)


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
        if kind == "cookie" and now - last_seen > policy.session_idle:
            await staff.revoke_session(conn, digest)
            return None
        if now - last_seen > timedelta(minutes=1):  # one write a minute: idle expiry, "last used" for tokens
            await staff.touch_session(conn, digest, now)
    return user


async def sign_out(pool: asyncpg.Pool, token: str) -> bool:
    """End a session or revoke an API token; False when it was not live."""
    async with pool.acquire() as conn:
        return await staff.revoke_session(conn, token_hash(token))


class TokenInfo(msgspec.Struct):
    """A live API token as an administrator lists it."""

    fingerprint: str  # the first bytes of the token's hash, to tell tokens apart; never the token
    user_id: int
    username: str
    display_name: str
    created_at: datetime
    last_seen_at: datetime
    expires_at: datetime


async def live_tokens(pool: asyncpg.Pool, *, now: datetime, limit: int = 500) -> list[TokenInfo]:
    """The API tokens that still open the API, newest first (for an administrator)."""
    async with pool.acquire() as conn:
        return [TokenInfo(**dict(r)) for r in await staff.live_tokens(conn, now, limit)]


# --- the administrator's pages and the forced change of a temporary password (issue 15) -----------------


async def change_temporary_password(
    pool: asyncpg.Pool,
    username: str,
    temporary: str,
    new_password: str,
    **check: Unpack[SignInCheck],
) -> Session:
    """Replace the administrator's temporary password and open a browser session.

    The temporary password is checked exactly as a sign-in (counted, limited, locked); the new one needs
    PASSWORD_MIN_LENGTH characters and must differ. Raises ValidationFailed, SignInFailed, TooManyAttempts.
    """
    check_password_rules(new_password)
    if new_password == temporary:
        raise ValidationFailed.one(
            "password", "same", "新密码不能与临时密码相同", "The new password must differ"
        )
    attempt = await _checked(pool, username, temporary, **check)
    if not attempt.must_change_password:
        raise SignInFailed()  # this page only replaces temporary passwords
    new_hash = await _hash(new_password, check.get("passwords"))
    return await _open_session(
        pool,
        attempt,
        kind="cookie",
        now=check["now"],
        policy=check["policy"],
        new_hash=new_hash,
        replaces_temporary=True,
    )


async def _hash(password: str, passwords: PasswordCheck | None) -> str:
    """The password's Argon2 hash, in the check's own pool when there is one, else in a thread."""
    return await (passwords.hash(password) if passwords else asyncio.to_thread(_hasher.hash, password))


def temporary_password() -> str:
    """A one-time password for a reset: 16 characters, no look-alikes, shown once to the administrator."""
    alphabet = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKMNPQRSTUVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _ in range(16))


async def reset_password(pool: asyncpg.Pool, user_id: int, *, now: datetime) -> str | None:
    """Give an account a temporary password (returned, never stored in clear) and end its sessions;
    None when there is no such account."""
    password = temporary_password()
    hashed = await asyncio.to_thread(_hasher.hash, password)
    async with pool.acquire() as conn, conn.transaction():
        return password if await staff.reset_password(conn, user_id, hashed, now) else None
