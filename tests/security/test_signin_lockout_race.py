"""Issue 13, attack 2 (first half): the account lockout raced. 10 concurrent attempts (9 wrong, 1 right)
let the right one in after 7–9 failures, and its success unlocked the account: the lock was checked
when the row was read, the failures counted afterwards, and a success cleared the count whatever had
happened meanwhile. Now each attempt is counted on the row (one UPDATE … RETURNING) before its password
is checked, so no more than `max_failures` are ever checked before the lock, and a success takes back
the count only when no other attempt was counted after it.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable
from typing import Any

import asyncpg
import httpx
import pytest

from service.settings import Settings
from service.usecases import auth
from service.usecases.clock import utcnow
from tests.support.live import served, unique
from tests.support.staff import PASSWORD

MAX_FAILURES = auth.AuthPolicy().max_failures


def count_checks_of(monkeypatch: pytest.MonkeyPatch, password_hash: str) -> list[str]:
    """Every password checked against this hash (a dummy-hash check is not one)."""
    checked: list[str] = []
    real: Callable[[str, str], bool] = auth._verify

    def counting(hashed: str, password: str) -> bool:
        if hashed == password_hash:
            checked.append(password)
        return real(hashed, password)

    monkeypatch.setattr(auth, "_verify", counting)
    return checked


async def test_concurrent_guesses_never_outrun_the_lockout(
    settings: Settings, pool: asyncpg.Pool, monkeypatch: pytest.MonkeyPatch
) -> None:
    username = unique("race")
    await auth.add_user(pool, username, ["clerk"], PASSWORD)
    checked = count_checks_of(
        monkeypatch,
        await pool.fetchval("SELECT password_hash FROM staff_users WHERE username = $1", username),
    )
    passwords = [f"wrong password {i}" for i in range(9)] + [PASSWORD]
    random.shuffle(passwords)
    async with served(settings) as app:
        client = app.client()
        barrier = asyncio.Barrier(len(passwords))

        async def attempt(password: str) -> httpx.Response:
            await barrier.wait()  # all ten are in flight together
            return await client.post("/api/v1/auth/token", json={"username": username, "password": password})

        answers = dict(zip(passwords, await asyncio.gather(*map(attempt, passwords)), strict=True))
        row = await pool.fetchrow(
            "SELECT failed_logins, locked_until FROM staff_users WHERE username = $1", username
        )
        right = answers[PASSWORD]
        # before the fix all ten were checked; now the lock stops the checks at max_failures
        assert len(checked) <= MAX_FAILURES, checked
        # (429: past the cap on checks in flight, answered before anything was counted or checked)
        assert all(answers[p].status_code in {401, 429} for p in passwords if p != PASSWORD)
        failures_checked = len([p for p in checked if p != PASSWORD])
        locked = row["locked_until"] is not None and row["locked_until"] > utcnow()
        # locked after the burst, unless the right password was itself the attempt that reached the
        # limit (after max_failures - 1 mistakes, as one person typing would): then it signed in and
        # took its count back, with nothing counted after it
        assert locked or (
            right.status_code == 200 and failures_checked == MAX_FAILURES - 1 and row["failed_logins"] == 0
        ), (right.status_code, failures_checked, dict(row))
        if locked:
            again = await client.post("/api/v1/auth/token", json={"username": username, "password": PASSWORD})
            assert again.status_code in {401, 429}  # refused (429 once past the per-username limit)


async def test_a_success_does_not_clear_a_lock_set_by_concurrent_failures(
    pool: asyncpg.Pool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The right password is checked first; while it finishes, five wrong ones lock the account. The
    success opens its session (it was counted before the lock) but must leave the lock in place."""
    username = unique("lockrace")
    await auth.add_user(pool, username, ["clerk"], PASSWORD)
    policy = auth.AuthPolicy()
    entered, release = asyncio.Event(), asyncio.Event()
    real_ok: Callable[..., Awaitable[Any]] = auth.staff.login_ok

    async def held_ok(*args: Any) -> Any:
        entered.set()
        await release.wait()
        return await real_ok(*args)

    monkeypatch.setattr(auth.staff, "login_ok", held_ok)

    async def sign_in(password: str) -> auth.Session:
        return await auth.sign_in(pool, username, password, kind="bearer", now=utcnow(), policy=policy)

    right = asyncio.create_task(sign_in(PASSWORD))
    async with asyncio.timeout(10):
        await entered.wait()  # the right password was checked; its success is not written yet
    for i in range(MAX_FAILURES):
        with pytest.raises(auth.SignInFailed):
            await sign_in(f"wrong password {i}")
    release.set()
    session = await right
    assert session.user.username == username
    locked_until = await pool.fetchval("SELECT locked_until FROM staff_users WHERE username = $1", username)
    assert locked_until is not None and locked_until > utcnow(), "the success cleared the lock"
    with pytest.raises(auth.SignInFailed):
        await sign_in(PASSWORD)


async def test_failures_then_the_right_password_still_sign_in(pool: asyncpg.Pool) -> None:
    """Counting before checking must not lock out the owner: max_failures - 1 mistakes, then the right
    password, signs in and clears the count."""
    username = unique("owner")
    await auth.add_user(pool, username, ["clerk"], PASSWORD)
    policy = auth.AuthPolicy()
    for i in range(MAX_FAILURES - 1):
        with pytest.raises(auth.SignInFailed):
            await auth.sign_in(pool, username, f"typo {i}", kind="bearer", now=utcnow(), policy=policy)
    await auth.sign_in(pool, username, PASSWORD, kind="bearer", now=utcnow(), policy=policy)
    row = await pool.fetchrow(
        "SELECT failed_logins, locked_until FROM staff_users WHERE username = $1", username
    )
    assert (row["failed_logins"], row["locked_until"]) == (0, None)
