"""Reopen and appeal requests after a low satisfaction score: the supervisor's list and answer."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import msgspec
from litestar import Controller, get, post
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath, JSONBody

from domain.roles import Permission
from domain.satisfaction import level_of
from service.app_types import Services
from service.store.staff import StaffUser
from service.store.surveys import AppealRow
from service.usecases import satisfaction
from service.usecases.clock import utcnow
from service.web.auth import provide_staff, requires


class AppealOut(msgspec.Struct):
    id: int
    case_id: int
    tracking_no: str
    merchant_name: str
    case_status: str
    kind: str  # reopen | appeal
    reason: str
    requested_at: datetime
    score: float | None
    answers: dict[str, str]  # question → level code (dont_know when not rated)
    comment: str | None
    decided_at: datetime | None
    decision: str | None  # accepted | declined
    decision_reason: str | None
    decided_by: int | None


class AppealsOut(msgspec.Struct):
    open: list[AppealOut]
    recent: list[AppealOut]  # decided in the last 90 days


class DecideIn(msgspec.Struct):
    decision: Any = None  # accepted | declined; validated by the domain (a 422 with a field, not a 400)
    reason: Any = None  # required when declined: the consumer sees it


class DecidedOut(msgspec.Struct):
    id: int
    case_id: int
    decision: str
    case_status: str


def appeal_out(r: AppealRow) -> AppealOut:
    a = r.appeal
    return AppealOut(
        id=a.id,
        case_id=a.case_id,
        tracking_no=r.tracking_no,
        merchant_name=r.merchant_name,
        case_status=r.case_status,
        kind=a.kind,
        reason=a.reason,
        requested_at=a.requested_at,
        score=r.score,
        answers={q: level_of(p) for q, p in r.points.items()},
        comment=r.comment,
        decided_at=a.decided_at,
        decision=a.decision,
        decision_reason=a.decision_reason,
        decided_by=a.decided_by,
    )


class AppealController(Controller):
    path = "/api/v1/appeals"
    tags = ("staff: satisfaction",)
    dependencies = {"staff": Provide(provide_staff)}  # noqa: RUF012 - Litestar reads this class attribute

    @get("/", operation_id="ListAppeals", guards=[requires(Permission.CASE_DECIDE)])
    async def list_appeals(self, services: NamedDependency[Services]) -> AppealsOut:
        found = await satisfaction.appeals(services.pool, now=utcnow())
        return AppealsOut(
            open=[appeal_out(r) for r in found.open], recent=[appeal_out(r) for r in found.recent]
        )

    @post(
        "/{appeal_id:int}/decide",
        operation_id="DecideAppeal",
        status_code=200,
        guards=[requires(Permission.CASE_DECIDE)],
    )
    async def decide(
        self,
        services: NamedDependency[Services],
        staff: NamedDependency[StaffUser],
        appeal_id: FromPath[int],
        data: JSONBody[DecideIn],
    ) -> DecidedOut:
        d = await satisfaction.decide(
            services.pool, appeal_id, staff, data.decision, data.reason, now=utcnow()
        )
        return DecidedOut(d.appeal_id, d.case_id, d.decision, d.case_status)
