"""Recording a complaint taken by phone, letter or at the counter (the staff intake form)."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from typing import Any

import msgspec
from litestar import Request, get, post
from litestar.di import NamedDependency
from litestar.response import Redirect, Template

from domain.errors import ValidationFailed
from domain.intake import RECEIVED_ON_MAX_DAYS_BACK
from domain.roles import Permission
from domain.taxonomy import CHANNELS
from service.app_types import Services
from service.store.staff import StaffUser
from service.usecases.clock import local_date, local_time, utcnow
from service.web import forms
from service.web.auth import requires
from service.web.pages.public import (
    FORM_LIMIT,
    PRIVATE,
    complaint_form_context,
    complaint_from_values,
    file_form,
    form_values,
)
from service.web.pages.staff.common import StaffController, staff_context

STAFF_CHANNELS = [(code, zh) for code, (zh, _) in CHANNELS.items() if code != "web"]


async def record_form_page(
    services: Services,
    staff: StaffUser,
    values: dict[str, Any],
    errors: dict[str, str],
    status: int = 200,
) -> Template:
    today = local_date(utcnow())
    context = {
        **staff_context(staff),
        **await complaint_form_context(services, values, errors, today=today),
        "earliest_received_on": (today - timedelta(days=RECEIVED_ON_MAX_DAYS_BACK)).isoformat(),
        "form_action": "/staff/complaints/new",
        "channels": STAFF_CHANNELS,
        "form_key": values.get("form_key")
        or hashlib.sha256(msgspec.json.encode([staff.id, str(utcnow())])).hexdigest()[:32],
    }
    return Template("complaint_new.html", context=context, status_code=status)


class IntakePages(StaffController):
    @get("/complaints/new", operation_id="StaffRecordForm", guards=[requires(Permission.CASE_RECORD)])
    async def record_form(
        self, services: NamedDependency[Services], staff: NamedDependency[StaffUser]
    ) -> Template:
        return await record_form_page(services, staff, {"channel": "phone"}, {})

    @post(
        "/complaints/new",
        operation_id="StaffRecord",
        guards=[requires(Permission.CASE_RECORD)],
        request_max_body_size=FORM_LIMIT,
    )
    async def record(
        self,
        request: Request[Any, Any, Any],
        services: NamedDependency[Services],
        staff: NamedDependency[StaffUser],
    ) -> Template | Redirect:
        form = await request.form()
        values = form_values(form)
        values["channel"] = str(form.get("channel") or "")
        values["received_on"] = str(form.get("received_on") or "").strip()[:20]
        # received_on blank: today (phone, counter); letters and transfers must give it
        cmd = complaint_from_values(values, channel=values["channel"], received_on=values["received_on"])
        try:
            key_prefix = f"staff-form:{staff.id}"
            receipt = await file_form(services, form, cmd, key_prefix=key_prefix, recorded_by=staff)
        except ValidationFailed as exc:
            errors = forms.field_messages(exc.errors)
            return await record_form_page(services, staff, values, errors, status=422)
        return Template(
            "complaint_done.html",
            status_code=201,
            headers=PRIVATE,
            context={
                "receipt": receipt,
                "received_at_local": local_time(receipt.received_at),
                **staff_context(staff),
                "case_url": f"/staff/cases/{receipt.case_id}",
                "report_referred": bool(str(values.get("reports_violation") or "").strip()),
            },
        )
