"""Issue 13, attack 1 (limits) and the extra "sign-in does not reveal which usernames exist".

Sign-in attempts are counted per client address and per username in Redis before they are checked
(so concurrent attempts cannot slip past the limit), and refused with 429 and Retry-After past it; a
success gives its count back. Unknown, locked and disabled accounts get the same answer as a wrong
password, after the same work: one argon2 check (of a dummy hash).
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Callable

import asyncpg
import httpx
import pytest

from service.settings import Settings
from service.usecases import auth
from tests.support.html import csrf_token
from tests.support.live import served, unique
from tests.support.staff import PASSWORD

TOKEN = "/api/v1/auth/token"


async def test_one_client_is_refused_past_its_limit_even_in_parallel(settings: Settings) -> None:
    async with served(settings, signin_max_per_client=5, signin_max_per_username=0) as app:
        guesser, neighbour = app.client(), app.client()
        names = [unique("guess") for _ in range(20)]
        answers = await asyncio.gather(
            *(guesser.post(TOKEN, json={"username": n, "password": n}) for n in names)
        )
        assert Counter(a.status_code for a in answers) == {401: 5, 429: 15}
        assert all(int(a.headers["retry-after"]) > 0 for a in answers if a.status_code == 429)
        # another address is not held up by it
        assert (await neighbour.post(TOKEN, json={"username": names[0], "password": "x"})).status_code == 401


async def test_one_username_is_refused_past_its_limit_known_or_not(
    settings: Settings, pool: asyncpg.Pool
) -> None:
    known = unique("known")
    await auth.add_user(pool, known, ["clerk"], PASSWORD)
    unknown = unique("nobody")
    async with served(settings, signin_max_per_client=1000, signin_max_per_username=3) as app:
        statuses = {}
        for name in (known, unknown):
            # a new address each time: the limit follows the name, not the client
            statuses[name] = [
                (
                    await app.client().post(TOKEN, json={"username": name, "password": "wrong password"})
                ).status_code
                for _ in range(5)
            ]
        assert statuses[known] == statuses[unknown] == [401, 401, 401, 429, 429]


async def test_signing_in_gives_the_count_back(settings: Settings, pool: asyncpg.Pool) -> None:
    """People who sign in every day never use up their address's budget: only failures count."""
    username = unique("daily")
    await auth.add_user(pool, username, ["clerk"], PASSWORD)
    async with served(settings, signin_max_per_client=2, signin_max_per_username=2) as app:
        office = app.client()
        for _ in range(6):
            r = await office.post(TOKEN, json={"username": username, "password": PASSWORD})
            assert r.status_code == 200, r.text


async def test_unknown_locked_and_disabled_accounts_answer_like_a_wrong_password(
    settings: Settings, pool: asyncpg.Pool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Same status, same body, same work (one argon2 check each): nothing tells which usernames exist."""
    wrong, locked, disabled = unique("wrongpw"), unique("locked"), unique("disabled")
    for name in (wrong, locked, disabled):
        await auth.add_user(pool, name, ["clerk"], PASSWORD)
    await pool.execute(
        "UPDATE staff_users SET failed_logins = 5, locked_until = now() + interval '10 minutes'"
        " WHERE username = $1",
        locked,
    )
    await auth.disable_user(pool, disabled)
    checks: list[str] = []
    real: Callable[[str, str], bool] = auth._verify

    def counting(hashed: str, password: str) -> bool:
        checks.append(hashed)
        return real(hashed, password)

    monkeypatch.setattr(auth, "_verify", counting)
    async with served(settings, signin_max_per_client=1000) as app:
        client = app.client()
        answers: dict[str, httpx.Response] = {}
        work: dict[str, int] = {}
        cases = {
            "wrong password": (wrong, "not the password"),
            "unknown user": (unique("ghost"), PASSWORD),
            "locked, right password": (locked, PASSWORD),
            "disabled, right password": (disabled, PASSWORD),
        }
        for label, (name, password) in cases.items():
            before = len(checks)
            answers[label] = await client.post(TOKEN, json={"username": name, "password": password})
            work[label] = len(checks) - before
        bodies = {label: (r.status_code, r.json()) for label, r in answers.items()}
        assert len(set(map(repr, bodies.values()))) == 1, bodies
        assert answers["wrong password"].status_code == 401
        assert "extra" not in answers["locked, right password"].json()  # no locked_until to give it away
        assert set(work.values()) == {1}, work  # one argon2 check each: the same time whatever the reason
        # the sign-in page says the same for a locked account as for a wrong password
        said = {}
        for label, (name, password) in (
            ("wrong", (wrong, "not the password")),
            ("locked", (locked, PASSWORD)),
        ):
            form = await client.get("/staff/login")
            token = csrf_token(form.text)
            page = await client.post(
                "/staff/login",
                data={"username": name, "password": password, "next": "/staff", "_csrf_token": token},
            )
            said[label] = (page.status_code, "用户名或密码不正确" in page.text, "账户已暂时锁定" in page.text)
        assert said["wrong"] == said["locked"] == (401, True, False), said
