"""Staff API for cluster alerts: the list, and the supervisor's decision on one."""

from __future__ import annotations

from domain.roles import Permission
from service.queries import clusters as queries
from service.usecases import clusters
from service.web.api.actions import case_action, case_reading
from service.web.auth import StaffApiController


class ClusterController(StaffApiController):
    path = "/api/v1/clusters"
    tags = ("staff: clusters",)

    list_clusters = case_reading("/", "ListClusterAlerts", Permission.CASE_VIEW, queries.alerts)

    # joint_complaint | enforcement_referral | public_interest_litigation | no_action (with a note).
    decide = case_action(
        "/{alert_id:int}/decide", "DecideClusterAlert", Permission.CLUSTERS_DECIDE, clusters.decide
    )
