"""A case's page for staff: its file, history, notices and the forms of every action on it; the
rejection notice; evidence downloads. `render_case_page` renders it (also with a form's errors), `act`
runs one of its forms and redirects back."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from litestar import get
from litestar.params import FromPath, FromQuery
from litestar.response import File, Redirect, Template

from domain.acceptance import GROUND_LABELS, OTHER_ROUTES, Ground
from domain.errors import ValidationFailed
from domain.events import EventKind, confirmation, staff_label
from domain.identity_documents import ID_TYPE_LABELS, IdType
from domain.lifecycle import STATUS_LABELS, Status
from domain.money import format_yuan
from domain.outcomes import CLOSABLE_BY_HAND, OUTCOMES
from domain.roles import Permission
from domain.taxonomy import CHANNELS, REQUEST_KINDS
from service.app_types import Services
from service.queries import arbitration as arbitration_views
from service.queries import cases as case_queries
from service.queries import mediation as mediation_views
from service.queries import mediation_documents, reference
from service.store.staff import StaffUser
from service.usecases import casework, notifications
from service.usecases.clock import local_date, local_time, utcnow
from service.web import forms
from service.web.auth import requires
from service.web.deps import evidence_download
from service.web.errors import error_page
from service.web.pages.public import PRIVATE
from service.web.pages.staff.case_context import reassign_context, routing_context
from service.web.pages.staff.common import Req, Staff, StaffController, Svc, staff_context
from service.web.pages.staff.notices import NoticeCode

# a survey link in a stored notice is the consumer's to use: staff see that it was sent, not the link
SURVEY_LINK = re.compile(r"(/survey/)[A-Za-z0-9_-]+")


# the main forms' confirmations show at the top; a section's own form (mediation, the merchant, ...) shows
# its confirmation in its section, where the redirect lands
TOP_NOTICE = frozenset(
    {
        EventKind.ACCEPTED,
        EventKind.REJECTED,
        EventKind.PAUSED,
        EventKind.RESUMED,
        EventKind.ROUTE_OVERRIDDEN,
        EventKind.MERCHANT_PAID,
        EventKind.MERCHANT_REFUSED,
        EventKind.DEPOSIT_PAYOUT,
        EventKind.CLOSED,
        EventKind.MARKED_SPAM,
        EventKind.REASSIGNED,
    }
)


@dataclass(frozen=True, slots=True)
class TimelineRow:
    at_local: datetime
    kind: str
    label: str
    actor: str
    payload: dict[str, Any]


async def render_case_page(
    services: Services,
    staff: StaffUser,
    case_id: int,
    *,
    errors: dict[str, str] | None = None,
    values: dict[str, Any] | None = None,
    notice: str | None = None,
    status_code: int = 200,
    new_link: str | None = None,
    damages_query: dict[str, str] | None = None,
) -> Template:
    """The case page, with a form's errors and values when one failed."""
    f = await case_queries.case_file(services.pool, case_id, today=local_date(utcnow()))
    taxonomy = await reference.taxonomy(services.pool)
    c = f.case
    timeline = [
        TimelineRow(
            local_time(e.at),
            e.kind,
            staff_label(e.kind),
            f.actor_names.get(e.actor, e.actor),
            dict(e.payload),
        )
        for e in f.events
    ]
    context = {
        **staff_context(staff),
        **_case_facts(c),
        "f": f,
        "c": c,
        "timeline": timeline,
        "taxonomy": taxonomy,
        "actions": {a.value for a in f.actions},
        "errors": errors or {},
        "values": values or {},
        "notice": notice,
        "work": await arbitration_views.case_work(services.pool, case_id),
        "notices": [
            dataclasses.replace(n, body=SURVEY_LINK.sub(r"\1（链接仅发给消费者，已隐去）", n.body))
            for n in await notifications.notifications_for_case(services.pool, case_id)
        ],
        "mediation": await mediation_views.mediation_context(services.pool, case_id),
        "routing": await routing_context(
            services, staff, c, new_link=new_link, damages_query=damages_query or {}
        ),
        "reassign": await reassign_context(services, staff, c, f.actor_names),
    }
    return Template("staff_case.html", context=context, status_code=status_code, headers=PRIVATE)


def _case_facts(c: Any) -> dict[str, Any]:
    """The case's own fields as the page words them, and the choices of its forms."""
    return {
        "status_label": STATUS_LABELS[Status(c["status"])][0],
        "request_labels": [REQUEST_KINDS[r][0] for r in c["requests"] if r in REQUEST_KINDS],
        "channel_label": CHANNELS.get(c["channel"], (c["channel"],))[0],
        "amount_paid": format_yuan(c["amount_paid_fen"]),
        "claim_amount": format_yuan(c["claim_amount_fen"]),
        "received_at_local": local_time(c["received_at"]),
        "decided_at_local": local_time(c["decided_at"]) if c["decided_at"] else None,
        "grounds": [(int(g), GROUND_LABELS[g][0]) for g in Ground],
        "ground_label": GROUND_LABELS[Ground(c["rejection_ground"])][0] if c["rejection_ground"] else None,
        "id_type_label": ID_TYPE_LABELS[IdType(c["consumer_id_type"])][0] if c["consumer_id_type"] else None,
        "pause_reasons": [(k, v[0]) for k, v in casework.PAUSE_REASONS.items()],
        "close_outcomes": [(code, OUTCOMES[code][0]) for code in OUTCOMES if code in CLOSABLE_BY_HAND],
    }


async def act(
    request: Req,
    services: Services,
    staff: StaffUser,
    case_id: int,
    done: str | Callable[[Any], str],
    action: Callable[[dict[str, Any]], Awaitable[Any]],
) -> Template | Redirect:
    """Run one of the case page's main forms; its errors show on the page, success redirects (PRG) with
    `done=<the event kind it wrote>` (`done` of the action's result where it depends on it)."""
    values = await forms.form_values(request)
    try:
        result = await action(values)
    except ValidationFailed as exc:
        errors = forms.field_messages(exc.errors)
        return await render_case_page(services, staff, case_id, errors=errors, values=values, status_code=422)
    kind = done(result) if callable(done) else done
    return Redirect(f"/staff/cases/{case_id}?done={kind}", status_code=303)


class CasePages(StaffController):
    @get("/cases/{case_id:int}", operation_id="StaffCasePage", guards=[requires(Permission.CASE_VIEW)])
    async def case_page(
        self,
        services: Svc,
        staff: Staff,
        case_id: FromPath[int],
        done: NoticeCode = None,
        basis: FromQuery[str | None] = None,
        loss: FromQuery[str | None] = None,
    ) -> Template:
        return await render_case_page(
            services,
            staff,
            case_id,
            notice=confirmation(done) if done in TOP_NOTICE else None,
            damages_query={"basis": basis or "", "loss": loss or ""},
        )

    @get(
        "/cases/{case_id:int}/notice",
        operation_id="StaffRejectionNotice",
        guards=[requires(Permission.CASE_VIEW)],
    )
    async def notice(self, services: Svc, staff: Staff, case_id: FromPath[int]) -> Template:
        f = await case_queries.case_file(services.pool, case_id, today=local_date(utcnow()))
        c = f.case
        if c["status"] != Status.REJECTED:
            return error_page(409, "无告知书", "该投诉未作出不予受理决定。")
        context = {
            "c": c,
            "ground": int(c["rejection_ground"]),
            "ground_label": GROUND_LABELS[Ground(c["rejection_ground"])][0],
            "note": c["decision_note"],
            "decided_at_local": local_time(c["decided_at"]),
            "other_routes": [zh for zh, _ in OTHER_ROUTES],
            "received_at_local": local_time(c["received_at"]),
            "cite": await mediation_documents.citations(services.pool, c["rule_set_id"]),  # Order 20 or 121
        }
        return Template("staff_notice.html", context=context, headers=PRIVATE)

    @get(
        "/evidence/{case_id:int}/{evidence_id:int}",
        operation_id="StaffEvidence",
        guards=[requires(Permission.CASE_VIEW)],
    )
    async def evidence(self, services: Svc, case_id: FromPath[int], evidence_id: FromPath[int]) -> File:
        return await evidence_download(services, case_id, evidence_id)
