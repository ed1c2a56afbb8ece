"""The product risk signals page (supervisors): open signals with the action form, then those decided
lately; one signal's history on its own page."""

from __future__ import annotations

from typing import Annotated

from litestar import get, post
from litestar.params import FromPath, QueryParameter
from litestar.response import Redirect, Template

from domain.events import REGISTRY, EventKind
from domain.product_risk import SIGNAL_ACTIONS, SignalAction
from domain.roles import Permission
from service.app_types import Services
from service.queries import product_signals as queries
from service.store.staff import StaffUser
from service.usecases import product_signals
from service.usecases.clock import local_time, utcnow
from service.usecases.product_signal_commands import DecideProductSignal, ProductSignalDecided
from service.web.auth import requires
from service.web.forms import FRESH, RowForm
from service.web.pages import alerts
from service.web.pages.public import PRIVATE
from service.web.pages.staff.common import Req, Staff, StaffController, Svc, paging, staff_context
from service.web.pages.staff.notices import NoticeCode

DECISIONS = alerts.Decisions.of(SIGNAL_ACTIONS)
SUPERVISORS = [requires(Permission.PRODUCT_SIGNALS)]
MAX_OFFSET = 10_000
EVENT_LABELS = {k.value: REGISTRY[k].staff[0] for k in EventKind if k.value.startswith("product_signal_")}
_page_url = alerts.offset_url("/staff/product-signals")


async def signals_page(
    services: Services, staff: StaffUser, *, done: str | None = None, form: RowForm = FRESH, offset: int = 0
) -> Template:
    found = await queries.signals(services.pool, now=utcnow(), offset=offset)
    context = {
        **alerts.list_context(staff, DECISIONS, done=done, form=form),
        **paging(offset, found.total, queries.PAGE_SIZE, _page_url),
        "signals": found,
    }
    return Template(
        "staff_product_signals.html", context=context, status_code=form.status_code, headers=PRIVATE
    )


def _done_url(done: ProductSignalDecided) -> str:
    kind = product_signals.DECISION_EVENTS[SignalAction(done.decision)]
    return f"/staff/product-signals?done={kind}#signal-{done.id}"


FORM = alerts.DecisionForm(DecideProductSignal, product_signals.decide, signals_page, _done_url)


class ProductSignalPages(StaffController):
    @get("/product-signals", operation_id="StaffProductSignalsPage", guards=SUPERVISORS)
    async def signals_page(
        self,
        services: Svc,
        staff: Staff,
        done: NoticeCode = None,
        offset: Annotated[int, QueryParameter(ge=0, le=MAX_OFFSET)] = 0,
    ) -> Template:
        return await signals_page(services, staff, done=done, offset=offset)

    @get("/product-signals/{signal_id:int}", operation_id="StaffProductSignalPage", guards=SUPERVISORS)
    async def signal_page(self, services: Svc, staff: Staff, signal_id: FromPath[int]) -> Template:
        found = await queries.signal(services.pool, signal_id, now=utcnow())
        context = {
            **staff_context(staff),
            "s": found,
            "decision_names": DECISIONS.names,
            "event_labels": EVENT_LABELS,
            "local_time": local_time,
        }
        return Template("staff_product_signal.html", context=context, headers=PRIVATE)

    @post(
        "/product-signals/{signal_id:int}/decide", operation_id="StaffDecideProductSignal", guards=SUPERVISORS
    )
    async def decide(
        self, request: Req, services: Svc, staff: Staff, signal_id: FromPath[int]
    ) -> Template | Redirect:
        return await FORM.post(request, services, staff, signal_id)
