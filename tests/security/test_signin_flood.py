"""Issue 13, attack 1: a flood of sign-ins must not starve everyone else.

Before the fix, argon2 ran in the event loop and each attempt held a database connection while it hashed:
60–80 concurrent `POST /api/v1/auth/token` made a `GET /api/v1/taxonomy` sent meanwhile wait ~12 s. Now
passwords are checked in a small thread pool, no connection is held while hashing, a cap on checks in
flight answers the excess at once (429 with Retry-After), and attempts are limited per client in Redis.
"""

from __future__ import annotations

import asyncio
import threading
import time
import uuid
from collections.abc import Callable

import httpx
import pytest

from service.settings import Settings
from service.store.db import create_pool
from service.usecases import auth
from service.usecases.clock import utcnow
from tests.support.live import served, unique
from tests.support.staff import PASSWORD

FLOOD = 80
# generous: a fixed service answers in milliseconds even on 2 busy cores; before the fix it took ~12 s
LATENCY_BOUND_S = 1.5


async def test_a_sign_in_flood_does_not_starve_other_requests(settings: Settings) -> None:
    async with served(settings) as app:
        attacker, bystander = app.client(), app.client()
        start = asyncio.Barrier(FLOOD + 1)

        async def attempt(i: int) -> httpx.Response:
            await start.wait()
            name = f"{unique('flood')}_{i}"
            return await attacker.post(
                "/api/v1/auth/token", json={"username": name, "password": "guess-" + name}
            )

        async def other_request() -> tuple[float, int]:
            await start.wait()
            planned = time.perf_counter() + 0.1  # well inside the flood
            await asyncio.sleep(0.1)
            r = await bystander.get("/api/v1/taxonomy")
            # measured from when it was due: time the event loop could not even start it counts too
            return time.perf_counter() - planned, r.status_code

        measured, *flood = await asyncio.gather(other_request(), *(attempt(i) for i in range(FLOOD)))
    latency, status = measured
    assert status == 200
    assert latency < LATENCY_BOUND_S, f"GET /api/v1/taxonomy took {latency:.2f}s during the flood"
    assert {r.status_code for r in flood} <= {401, 429}
    refused = [r for r in flood if r.status_code == 429]
    assert refused, "the flood past the limits is answered at once with 429"
    assert all(int(r.headers["retry-after"]) >= 1 for r in refused)


async def test_no_database_connection_is_held_while_a_password_is_hashed(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With a pool of one connection, another query runs while a sign-in is hashing."""
    pool = await create_pool(database_url, min_size=1, max_size=1)
    hashing, release = threading.Event(), threading.Event()
    real: Callable[[str, str], bool] = auth._verify

    def slow_verify(hashed: str, password: str) -> bool:
        hashing.set()
        release.wait(timeout=10)
        return real(hashed, password)

    username = f"held_{uuid.uuid4().hex[:10]}"
    try:
        await auth.add_user(pool, username, ["clerk"], PASSWORD)
        monkeypatch.setattr(auth, "_verify", slow_verify)
        passwords = auth.PasswordCheck(threads=1, max_in_flight=2)
        task = asyncio.create_task(
            auth.sign_in(
                pool,
                username,
                PASSWORD,
                kind="bearer",
                now=utcnow(),
                policy=auth.AuthPolicy(),
                passwords=passwords,
            )
        )
        assert await asyncio.to_thread(hashing.wait, 10)
        async with asyncio.timeout(2):  # the sign-in's connection went back to the pool before hashing
            assert await pool.fetchval("SELECT 1") == 1
        release.set()
        session = await task
        assert session.user.username == username
        passwords.close()
    finally:
        release.set()
        await pool.close()


async def test_past_the_cap_on_checks_in_flight_sign_ins_answer_429_at_once(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two checks may run or wait; the rest are refused with Retry-After instead of queueing."""
    inside, release = threading.Semaphore(0), threading.Event()
    real: Callable[[str, str], bool] = auth._verify

    def held_verify(hashed: str, password: str) -> bool:
        inside.release()
        release.wait(timeout=10)
        return real(hashed, password)

    monkeypatch.setattr(auth, "_verify", held_verify)
    changes = {"signin_max_in_flight": 2, "signin_threads": 1, "signin_max_per_client": 1000}
    async with served(settings, **changes) as app:
        c = app.client()

        async def attempt(i: int) -> httpx.Response:
            name = f"{unique('cap')}_{i}"
            return await c.post("/api/v1/auth/token", json={"username": name, "password": "x" * 12})

        first = [asyncio.create_task(attempt(i)) for i in range(2)]
        assert await asyncio.to_thread(inside.acquire, True, 10)  # one is being checked, one waits its turn
        rest = await asyncio.gather(*(attempt(i) for i in range(2, 8)))
        assert [r.status_code for r in rest] == [429] * 6
        assert all(r.headers["retry-after"] == "1" for r in rest)
        release.set()
        assert [r.status_code for r in await asyncio.gather(*first)] == [401, 401]
        assert app.services.passwords.in_flight == 0
