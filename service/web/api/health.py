"""GET /health: PostgreSQL and Redis, each reported on its own."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any

from litestar import get
from litestar.di import NamedDependency
from litestar.response import Response

from service.app_types import Services

TIMEOUT_S = 2.0


async def _check(probe: Awaitable[Any]) -> str:
    try:
        await asyncio.wait_for(probe, TIMEOUT_S)
        return "ok"
    except Exception as exc:  # any failure means "down"; the kind helps the operator at 3 a.m.
        return f"down: {type(exc).__name__}"


@get("/health", operation_id="Health", tags=["ops"], exclude_from_csrf=True)
async def health(services: NamedDependency[Services]) -> Response[dict[str, str]]:
    postgres, redis = await asyncio.gather(
        _check(services.pool.fetchval("SELECT 1")), _check(services.redis.ping())
    )
    status = 200 if postgres == redis == "ok" else 503
    return Response({"postgres": postgres, "redis": redis}, status_code=status)
