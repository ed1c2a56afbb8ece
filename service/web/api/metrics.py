"""GET /metrics: Prometheus text for the on-call person, only to `Authorization: Bearer $METRICS_TOKEN`.

Without METRICS_TOKEN the route does not exist (404), so nothing is exposed by default; a missing or
wrong token is 401. The figures are described in service.metrics and the README.
"""

from __future__ import annotations

import hmac
from typing import Any

from litestar import Request, get
from litestar.di import NamedDependency
from litestar.response import Response

from service.app_types import Services
from service.metrics import CONTENT_TYPE, DatabaseFigures, RequestMetrics, render
from service.usecases.clock import utcnow


class OpsMetrics:
    """One per app: its request figures and its cached reading of the database."""

    def __init__(self) -> None:
        self.requests = RequestMetrics()
        self.database = DatabaseFigures()


def _authorised(header: str | None, token: str) -> bool:
    scheme, _, given = (header or "").partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(), token.encode())


@get(
    "/metrics",
    operation_id="Metrics",
    tags=["ops"],
    include_in_schema=False,
    exclude_from_csrf=True,
    media_type=CONTENT_TYPE,
)
async def metrics(request: Request[Any, Any, Any], services: NamedDependency[Services]) -> Response[bytes]:
    token = services.settings.metrics_token
    if not token:
        return Response(b"not found\n", status_code=404, media_type="text/plain")
    if not _authorised(request.headers.get("authorization"), token):
        return Response(
            b"unauthorized\n",
            status_code=401,
            media_type="text/plain",
            headers={"WWW-Authenticate": "Bearer"},
        )
    ops: OpsMetrics = request.app.state.metrics
    figures, ok = await ops.database.read(services.pool, utcnow())
    return Response(render(ops.requests, figures, ok), media_type=CONTENT_TYPE)
