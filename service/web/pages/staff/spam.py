"""The case page's 'mark as spam' form (the API twin is service/web/api/spam.py)."""

from __future__ import annotations

from litestar import post
from litestar.response import Redirect, Template

from domain.errors import ValidationFailed
from domain.events import EventKind
from domain.roles import Permission
from service.usecases import spam
from service.usecases.casework_commands import MarkSpam
from service.usecases.clock import utcnow
from service.web import forms
from service.web.auth import requires
from service.web.errors import error_page
from service.web.middleware import current_request_id
from service.web.pages.staff.common import CaseId, Req, Staff, StaffController, Svc


class SpamPages(StaffController):
    @post(
        "/cases/{case_id:int}/spam", operation_id="StaffMarkSpam", guards=[requires(Permission.CASE_DECIDE)]
    )
    async def mark_spam(
        self, request: Req, services: Svc, staff: Staff, case_id: CaseId
    ) -> Template | Redirect:
        values = await forms.form_values(request)
        try:
            cmd = forms.command(MarkSpam, values)
            await spam.mark_spam(
                services.pool, case_id, staff, cmd, now=utcnow(), request_id=current_request_id()
            )
        except ValidationFailed as exc:  # the reason is required on the form too; this is the fallback
            return error_page(422, "未能标记", exc.errors[0].message)
        return Redirect(f"/staff/cases/{case_id}?done={EventKind.MARKED_SPAM}", status_code=303)
