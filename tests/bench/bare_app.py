"""The floor for intake: a bare Litestar + asyncpg endpoint that inserts the request body as one row.

Served by `python -m tests.bench.bare_app PORT` with the same uvicorn settings as `disputes serve`.
"""

from __future__ import annotations

import os
import sys
from typing import Any

import asyncpg
import msgspec
import uvicorn
from litestar import Litestar, post
from litestar.params import JSONBody


def bare_app(database_url: str) -> Litestar:
    state: dict[str, Any] = {}

    async def startup(app: Litestar) -> None:
        state["pool"] = await asyncpg.create_pool(database_url, min_size=2, max_size=10)
        await state["pool"].execute(
            "CREATE TABLE IF NOT EXISTS bench_bare (id bigserial PRIMARY KEY, body jsonb)"
        )

    async def shutdown(app: Litestar) -> None:
        await state["pool"].close()

    @post("/bare", status_code=201)
    async def bare(data: JSONBody[dict[str, Any]]) -> dict[str, int]:
        body = msgspec.json.encode(data).decode()
        row_id = await state["pool"].fetchval(
            "INSERT INTO bench_bare (body) VALUES ($1::jsonb) RETURNING id", body
        )
        return {"id": row_id}

    return Litestar([bare], on_startup=[startup], on_shutdown=[shutdown])


if __name__ == "__main__":
    uvicorn.run(
        bare_app(os.environ["DATABASE_URL"]),
        host="127.0.0.1",
        port=int(sys.argv[1]),
        log_config=None,
        access_log=False,
        server_header=False,
    )
