"""Staff API for cluster alerts: the list, and the supervisor's decision on one."""

from __future__ import annotations

from typing import Annotated

from litestar import get
from litestar.di import NamedDependency
from litestar.params import FromQuery, QueryParameter

from domain.roles import Permission
from service.app_types import Services
from service.queries import clusters as queries
from service.queries.cursors import BadCursor
from service.usecases import clusters
from service.usecases.clock import utcnow
from service.web.api.actions import case_action
from service.web.api.cases import bad_query
from service.web.auth import StaffApiController, requires


class ClusterController(StaffApiController):
    path = "/api/v1/clusters"
    tags = ("staff: clusters",)

    @get("/", operation_id="ListClusterAlerts", guards=[requires(Permission.CASE_VIEW)])
    async def list_clusters(
        self,
        services: NamedDependency[Services],
        limit: Annotated[int, QueryParameter(ge=1, le=queries.LIST_LIMIT)] = queries.PAGE_SIZE,
        cursor: FromQuery[str | None] = None,
    ) -> queries.ClusterAlerts:
        """Open alerts (newest first), then those decided lately; page on with `cursor=` `next_cursor`."""
        try:
            return await queries.alerts(services.pool, now=utcnow(), limit=limit, cursor=cursor)
        except BadCursor:
            raise bad_query("cursor", "not a cursor this list gave; start again without it") from None

    # joint_complaint | enforcement_referral | public_interest_litigation | no_action (with a note).
    decide = case_action(
        "/{alert_id:int}/decide", "DecideClusterAlert", Permission.CLUSTERS_DECIDE, clusters.decide
    )
