"""Intake throughput: the real POST /api/v1/complaints against a bare Litestar + asyncpg one-insert
endpoint, both in-process over the same ASGI transport, same concurrency, same database (DESIGN §5).

A first figure, not the final method: issue 7 moves this to real servers and an external load generator.
"""

from __future__ import annotations

import asyncio
import json
import statistics
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import asyncpg
import pytest
from litestar import Litestar, post
from litestar.params import JSONBody
from litestar.testing import AsyncTestClient

from service.app import create_app
from service.settings import Settings
from tests.factories import complaint_body

REQUESTS = 600
CONCURRENCY = 16


def bare_app(database_url: str) -> Litestar:
    state: dict[str, Any] = {}

    async def startup(app: Litestar) -> None:
        state["pool"] = await asyncpg.create_pool(database_url, min_size=2, max_size=10)
        await state["pool"].execute(
            "CREATE TABLE IF NOT EXISTS bench_bare (id bigserial PRIMARY KEY, body jsonb)"
        )

    async def shutdown(app: Litestar) -> None:
        await state["pool"].close()

    @post("/bare", status_code=201, operation_id="Bare")
    async def bare(data: JSONBody[dict[str, Any]]) -> dict[str, int]:
        row_id = await state["pool"].fetchval(
            "INSERT INTO bench_bare (body) VALUES ($1::jsonb) RETURNING id", json.dumps(data)
        )
        return {"id": row_id}

    return Litestar([bare], on_startup=[startup], on_shutdown=[shutdown])


async def measure(send: Callable[[int], Awaitable[int]]) -> tuple[float, list[float], list[int]]:
    latencies: list[float] = []
    statuses: list[int] = []
    queue: asyncio.Queue[int] = asyncio.Queue()
    for i in range(REQUESTS):
        queue.put_nowait(i)

    async def worker() -> None:
        while not queue.empty():
            i = queue.get_nowait()
            start = time.perf_counter()
            statuses.append(await send(i))
            latencies.append(time.perf_counter() - start)

    began = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(CONCURRENCY)))
    return time.perf_counter() - began, latencies, statuses


def pct(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100)[int(q) - 1] * 1000


def line(name: str, seconds: float, latencies: list[float]) -> str:
    p50, p99 = pct(latencies, 50), pct(latencies, 99)
    return f"  {name:<12}: {REQUESTS / seconds:8.1f} req/s  p50 {p50:6.1f} ms  p99 {p99:6.1f} ms"


@pytest.fixture
async def clients(settings: Settings) -> AsyncIterator[tuple[AsyncTestClient, AsyncTestClient]]:  # type: ignore[type-arg]
    assert settings.database_url
    async with (
        AsyncTestClient(app=create_app(settings)) as real,
        AsyncTestClient(app=bare_app(settings.database_url)) as bare,
    ):
        yield real, bare


async def test_intake_throughput(clients: tuple[AsyncTestClient, AsyncTestClient]) -> None:  # type: ignore[type-arg]
    real, bare = clients
    body = complaint_body()

    async def send_real(i: int) -> int:
        r = await real.post(
            "/api/v1/complaints", json=body, headers={"Idempotency-Key": f"bench-{time.time_ns()}-{i}"}
        )
        return r.status_code

    async def send_bare(i: int) -> int:
        return (await bare.post("/bare", json=body)).status_code

    await measure(send_bare)  # warm both paths and the database
    await measure(send_real)
    bare_s, bare_lat, bare_status = await measure(send_bare)
    real_s, real_lat, real_status = await measure(send_real)
    assert set(bare_status) == {201} and set(real_status) == {201}
    print(
        f"\nintake, {REQUESTS} requests, concurrency {CONCURRENCY}, in-process ASGI:\n"
        f"{line('bare insert', bare_s, bare_lat)}\n{line('real intake', real_s, real_lat)}\n"
        f"  ratio       : {bare_s / real_s:8.2f}  (target ≥ 0.70)"
    )
