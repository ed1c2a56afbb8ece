"""The cluster alerts page: open alerts with the supervisor's decision form, then those decided lately."""

from __future__ import annotations

from typing import Annotated

from litestar import get, post
from litestar.params import FromPath, QueryParameter
from litestar.response import Redirect, Template

from domain.clusters import CLUSTER_DECISIONS
from domain.events import EventKind
from domain.roles import Permission
from service.app_types import Services
from service.queries import clusters as queries
from service.store.staff import StaffUser
from service.usecases import clusters
from service.usecases.clock import utcnow
from service.usecases.cluster_commands import ClusterDecided, DecideCluster
from service.web.auth import requires
from service.web.forms import FRESH, RowForm
from service.web.pages import alerts
from service.web.pages.public import PRIVATE
from service.web.pages.staff.common import Req, Staff, StaffController, Svc, paging
from service.web.pages.staff.notices import NoticeCode

DECISIONS = alerts.Decisions.of(CLUSTER_DECISIONS)
DECIDERS = [requires(Permission.CLUSTERS_DECIDE)]  # reading the alerts asks less (CASE_VIEW)
MAX_OFFSET = 10_000  # open alerts and the last 90 days' decided ones: a few hundred, not millions
_page_url = alerts.offset_url("/staff/clusters")


async def clusters_page(
    services: Services, staff: StaffUser, *, done: str | None = None, form: RowForm = FRESH, offset: int = 0
) -> Template:
    """PAGE_SIZE alerts from row `offset` (open ones first): an alert lists all its cases."""
    found = await queries.alerts_page(services.pool, now=utcnow(), offset=offset)
    context = {
        **alerts.list_context(staff, DECISIONS, done=done, form=form),
        **paging(offset, found.total, queries.PAGE_SIZE, _page_url),
        "alerts": found.alerts,
        "open_total": found.open_total,
        "total": found.total,
    }
    return Template("staff_clusters.html", context=context, status_code=form.status_code, headers=PRIVATE)


def _done_url(done: ClusterDecided) -> str:
    return f"/staff/clusters?done={EventKind.CLUSTER_DECIDED}#alert-{done.id}"


FORM = alerts.DecisionForm(DecideCluster, clusters.decide, clusters_page, _done_url)


class ClusterPages(StaffController):
    @get("/clusters", operation_id="StaffClustersPage", guards=[requires(Permission.CASE_VIEW)])
    async def clusters_page(
        self,
        services: Svc,
        staff: Staff,
        done: NoticeCode = None,
        offset: Annotated[int, QueryParameter(ge=0, le=MAX_OFFSET)] = 0,
    ) -> Template:
        return await clusters_page(services, staff, done=done, offset=offset)

    @post("/clusters/{alert_id:int}/decide", operation_id="StaffDecideCluster", guards=DECIDERS)
    async def decide(
        self,
        request: Req,
        services: Svc,
        staff: Staff,
        alert_id: FromPath[int],
    ) -> Template | Redirect:
        return await FORM.post(request, services, staff, alert_id)
