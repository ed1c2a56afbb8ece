"""Staff mark a fake or flooding complaint as spam: POST /api/v1/cases/{id}/spam with a reason."""

from __future__ import annotations

import msgspec
from litestar import Controller, post
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath, JSONBody

from domain.roles import Permission
from service.app_types import Services
from service.store.staff import StaffUser
from service.usecases import spam
from service.usecases.casework_commands import MarkSpam
from service.usecases.clock import utcnow
from service.web.auth import provide_staff, requires
from service.web.middleware import current_request_id


class MarkedSpam(msgspec.Struct):
    case_id: int
    status: str
    outcome: str


class SpamController(Controller):
    path = "/api/v1/cases"
    tags = ("staff: cases",)
    dependencies = {"staff": Provide(provide_staff)}  # noqa: RUF012 - Litestar reads this class attribute

    @post(
        "/{case_id:int}/spam",
        operation_id="MarkCaseSpam",
        status_code=200,
        guards=[requires(Permission.CASE_DECIDE)],
        summary="Mark a complaint as spam (excluded from statistics); only before it is routed",
    )
    async def mark_spam(
        self,
        services: NamedDependency[Services],
        staff: NamedDependency[StaffUser],
        case_id: FromPath[int],
        data: JSONBody[MarkSpam],
    ) -> MarkedSpam:
        await spam.mark_spam(
            services.pool, case_id, staff, data, now=utcnow(), request_id=current_request_id()
        )
        return MarkedSpam(case_id, "closed", "spam")
