"""The staff case page's 'mark as spam' form (the API twin is service/web/api/spam.py)."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, post
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath
from litestar.response import Redirect, Template

from domain.errors import ValidationFailed
from domain.roles import Permission
from service.app_types import Services
from service.store.staff import StaffUser
from service.usecases import spam
from service.usecases.clock import utcnow
from service.web.auth import provide_staff, requires
from service.web.middleware import current_request_id


class SpamPages(Controller):
    path = "/staff"
    include_in_schema = False
    dependencies = {"staff": Provide(provide_staff)}  # noqa: RUF012 - Litestar reads this class attribute

    @post(
        "/cases/{case_id:int}/spam", operation_id="StaffMarkSpam", guards=[requires(Permission.CASE_DECIDE)]
    )
    async def mark_spam(
        self,
        request: Request[Any, Any, Any],
        services: NamedDependency[Services],
        staff: NamedDependency[StaffUser],
        case_id: FromPath[int],
    ) -> Template | Redirect:
        form = await request.form()
        try:
            await spam.mark_spam(
                services.pool,
                case_id,
                staff,
                form.get("reason"),
                now=utcnow(),
                request_id=current_request_id(),
            )
        except ValidationFailed as exc:  # the reason is required on the form too; this is the fallback
            return Template(
                "error.html",
                status_code=422,
                context={"title": "未能标记", "message": exc.errors[0].message, "status": 422},
            )
        return Redirect(f"/staff/cases/{case_id}?done=spam", status_code=303)
