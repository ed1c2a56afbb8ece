"""Staff API for cluster alerts: the list, and the supervisor's decision on one."""

from __future__ import annotations

from litestar import get
from litestar.di import NamedDependency

from domain.roles import Permission
from service.app_types import Services
from service.queries import clusters as queries
from service.queries.clusters import ClusterAlerts
from service.usecases import clusters
from service.usecases.clock import utcnow
from service.web.api.actions import case_action
from service.web.auth import StaffApiController, requires


class ClusterController(StaffApiController):
    path = "/api/v1/clusters"
    tags = ("staff: clusters",)

    @get("/", operation_id="ListClusterAlerts", guards=[requires(Permission.CASE_VIEW)])
    async def list_clusters(self, services: NamedDependency[Services]) -> ClusterAlerts:
        return await queries.alerts(services.pool, now=utcnow())

    # joint_complaint | enforcement_referral | public_interest_litigation | no_action (with a note).
    decide = case_action(
        "/{alert_id:int}/decide", "DecideClusterAlert", Permission.CLUSTERS_DECIDE, clusters.decide
    )
