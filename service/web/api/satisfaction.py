"""Reopen and appeal requests after a low satisfaction score: the supervisor's list and answer."""

from __future__ import annotations

from litestar import Controller, get, post
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath, JSONBody

from domain.roles import Permission
from service.app_types import Services
from service.queries import appeals
from service.queries.appeals import AppealList
from service.store.staff import StaffUser
from service.usecases import satisfaction
from service.usecases.clock import utcnow
from service.usecases.satisfaction import AppealDecided
from service.usecases.satisfaction_commands import DecideAppeal
from service.web.auth import provide_staff, requires


class AppealController(Controller):
    path = "/api/v1/appeals"
    tags = ("staff: satisfaction",)
    dependencies = {"staff": Provide(provide_staff)}  # noqa: RUF012 - Litestar reads this class attribute

    @get("/", operation_id="ListAppeals", guards=[requires(Permission.CASE_DECIDE)])
    async def list_appeals(self, services: NamedDependency[Services]) -> AppealList:
        return await appeals.appeal_list(services.pool, now=utcnow())

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
        data: JSONBody[DecideAppeal],
    ) -> AppealDecided:
        return await satisfaction.decide(services.pool, appeal_id, staff, data, now=utcnow())
