"""The case page's routing forms: overriding the route, and a supervisor giving the case to a mediator."""

from __future__ import annotations

from typing import Any

from litestar import post
from litestar.response import Redirect, Template

from domain.errors import ValidationFailed
from domain.events import EventKind
from domain.queues import QueueConflict
from domain.roles import Permission
from service.app_types import Services
from service.queries import cases as case_queries
from service.store.staff import StaffUser
from service.usecases import queues, routing
from service.usecases.clock import utcnow
from service.usecases.routing_commands import OverrideRoute
from service.web import forms
from service.web.auth import requires
from service.web.pages.public import PRIVATE
from service.web.pages.staff import case_forms
from service.web.pages.staff.case_forms import CaseForm, Ctx
from service.web.pages.staff.case_page import render_case_page
from service.web.pages.staff.common import CaseId, Req, Staff, Svc, staff_context


async def _over_limit_page(
    services: Services, staff: StaffUser, case_id: int, user_id: object, exc: queues.OverLimit, reason: str
) -> Template:
    """The mediator is at their binding limit: confirm before giving them one more."""
    c = await case_queries.case_row(services.pool, case_id)
    name = await case_queries.staff_member_name(services.pool, user_id) if isinstance(user_id, int) else None
    context = {
        **staff_context(staff),
        "c": c,
        "target": {"user_id": user_id, "display_name": name or ""},
        "held": exc.held,
        "limit": exc.limit,
        "reason": reason,
    }
    return Template("staff_reassign_confirm.html", context=context, headers=PRIVATE)


async def _override(c: Ctx, v: dict[str, Any]) -> None:
    await routing.override(c.services.pool, c.case_id, c.staff, forms.command(OverrideRoute, v), now=utcnow())


FORMS = (
    CaseForm(
        "/route", "StaffOverrideRoute", Permission.ROUTE_OVERRIDE, _override, EventKind.ROUTE_OVERRIDDEN
    ),
)


@post("/reassign", operation_id="StaffReassignCase", guards=[requires(Permission.QUEUE_MANAGE)])
async def reassign(request: Req, services: Svc, staff: Staff, case_id: CaseId) -> Template | Redirect:
    """A supervisor gives the case to a mediator, with a reason; one at their limit is confirmed first."""
    values = await forms.form_values(request)
    values["form"] = "reassign"
    raw_id = values.get("user_id", "").strip()
    user_id: object = int(raw_id) if raw_id.isascii() and raw_id.isdigit() else raw_id
    try:
        await queues.reassign(
            services.pool,
            case_id,
            staff,
            user_id,
            now=utcnow(),
            reason=values.get("reason"),
            reason_required=True,
            over_limit_confirmed=values.get("confirm_over_limit") == "yes",
        )
    except queues.OverLimit as exc:
        reason = (values.get("reason") or "").strip()
        return await _over_limit_page(services, staff, case_id, user_id, exc, reason)
    except ValidationFailed as exc:
        errors = forms.field_messages(exc.errors)
        return await render_case_page(services, staff, case_id, errors=errors, values=values, status_code=422)
    except QueueConflict as exc:
        errors = {"": exc.message}
        return await render_case_page(services, staff, case_id, errors=errors, values=values, status_code=409)
    return Redirect(f"/staff/cases/{case_id}?done={EventKind.REASSIGNED}", status_code=303)


RoutingPages = case_forms.pages(FORMS, reassign)
