"""Staff API for cluster alerts: the list, and the supervisor's decision on one."""

from __future__ import annotations

from litestar import Controller, get, post
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath, JSONBody

from domain.roles import Permission
from service.app_types import Services
from service.queries import clusters as queries
from service.queries.clusters import ClusterAlerts
from service.store.staff import StaffUser
from service.usecases import clusters
from service.usecases.clock import utcnow
from service.usecases.cluster_commands import ClusterDecided, DecideCluster
from service.web.auth import provide_staff, requires


class ClusterController(Controller):
    path = "/api/v1/clusters"
    tags = ("staff: clusters",)
    dependencies = {"staff": Provide(provide_staff)}  # noqa: RUF012 - Litestar reads this class attribute

    @get("/", operation_id="ListClusterAlerts", guards=[requires(Permission.CASE_VIEW)])
    async def list_clusters(self, services: NamedDependency[Services]) -> ClusterAlerts:
        return await queries.alerts(services.pool, now=utcnow())

    @post(
        "/{alert_id:int}/decide",
        operation_id="DecideClusterAlert",
        status_code=200,
        guards=[requires(Permission.CLUSTERS_DECIDE)],
    )
    async def decide(
        self,
        services: NamedDependency[Services],
        staff: NamedDependency[StaffUser],
        alert_id: FromPath[int],
        data: JSONBody[DecideCluster],
    ) -> ClusterDecided:
        """joint_complaint | enforcement_referral | public_interest_litigation | no_action (with a note)."""
        return await clusters.decide(services.pool, alert_id, staff, data, now=utcnow())
