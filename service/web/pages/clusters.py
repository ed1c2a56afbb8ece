"""The cluster alerts page: open alerts with the supervisor's decision form, then those decided lately."""

from __future__ import annotations

from typing import Annotated

from litestar import get, post
from litestar.params import FromPath, QueryParameter
from litestar.response import Redirect, Template

from domain.casework_fields import CaseworkConflict
from domain.clusters import CLUSTER_DECISIONS
from domain.errors import ValidationFailed
from domain.events import EventKind
from domain.roles import Permission
from service.app_types import Services
from service.queries import clusters as queries
from service.store.staff import StaffUser
from service.usecases import clusters
from service.usecases.clock import local_time, utcnow
from service.usecases.cluster_commands import DecideCluster
from service.web import forms
from service.web.auth import requires
from service.web.forms import FRESH, RowForm
from service.web.pages.public import PRIVATE
from service.web.pages.staff.common import Req, Staff, StaffController, Svc, paging, staff_context
from service.web.pages.staff.notices import NoticeCode

DECISIONS = [(d.value, name, meaning) for d, (name, meaning, _) in CLUSTER_DECISIONS.items()]
DECISION_NAMES = {d.value: name for d, (name, _, _) in CLUSTER_DECISIONS.items()}
DECIDERS = [requires(Permission.CLUSTERS_DECIDE)]  # reading the alerts asks less (CASE_VIEW)
MAX_OFFSET = 10_000  # open alerts and the last 90 days' decided ones: a few hundred, not millions


def _page_url(offset: int) -> str:
    return "/staff/clusters" + (f"?offset={offset}" if offset else "")


async def clusters_page(
    services: Services, staff: StaffUser, *, done: str | None = None, form: RowForm = FRESH, offset: int = 0
) -> Template:
    """PAGE_SIZE alerts from row `offset` (open ones first): an alert lists all its cases."""
    found = await queries.alerts_page(services.pool, now=utcnow(), offset=offset)
    context = {
        **staff_context(staff),
        "alerts": found.alerts,
        "open_total": found.open_total,
        "total": found.total,
        **paging(offset, found.total, queries.PAGE_SIZE, _page_url),
        "decisions": DECISIONS,
        "decision_names": DECISION_NAMES,
        "local_time": local_time,
        "done": done,
        **form.context(),
    }
    return Template("staff_clusters.html", context=context, status_code=form.status_code, headers=PRIVATE)


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
        values = await forms.form_values(request)
        try:
            cmd = forms.command(DecideCluster, values)
            await clusters.decide(services.pool, alert_id, staff, cmd, now=utcnow())
        except ValidationFailed as exc:
            return await clusters_page(services, staff, form=RowForm.invalid(alert_id, exc, values))
        except CaseworkConflict as exc:
            return await clusters_page(services, staff, form=RowForm.conflict(exc.message))
        done = EventKind.CLUSTER_DECIDED
        return Redirect(f"/staff/clusters?done={done}#alert-{alert_id}", status_code=303)
