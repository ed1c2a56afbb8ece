"""Reopen and appeal requests after a low satisfaction score: the supervisor's list and answer."""

from __future__ import annotations

from litestar import get
from litestar.di import NamedDependency

from domain.roles import Permission
from service.app_types import Services
from service.queries import appeals
from service.queries.appeals import AppealList
from service.usecases import satisfaction
from service.usecases.clock import utcnow
from service.web.api.actions import case_action
from service.web.auth import StaffApiController, requires


class AppealController(StaffApiController):
    path = "/api/v1/appeals"
    tags = ("staff: satisfaction",)

    @get("/", operation_id="ListAppeals", guards=[requires(Permission.CASE_DECIDE)])
    async def list_appeals(self, services: NamedDependency[Services]) -> AppealList:
        return await appeals.appeal_list(services.pool, now=utcnow())

    decide = case_action(
        "/{appeal_id:int}/decide", "DecideAppeal", Permission.CASE_DECIDE, satisfaction.decide
    )
