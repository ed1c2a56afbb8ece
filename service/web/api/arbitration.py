"""Staff API for arbitration: refer a case under an agreement, record the award, read the referral bundle."""

from __future__ import annotations

from litestar import Controller, get, post
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath, JSONBody

from domain.roles import Permission
from service.app_types import Services
from service.queries import arbitration as queries
from service.queries.arbitration import ArbitrationBundle
from service.store.staff import StaffUser
from service.usecases import arbitration
from service.usecases.arbitration_commands import (
    ArbitrationAwardRecorded,
    ArbitrationReferral,
    RecordAward,
    Refer,
)
from service.usecases.clock import utcnow
from service.web.auth import provide_staff, requires


class ArbitrationController(Controller):
    path = "/api/v1/cases/{case_id:int}/arbitration"
    tags = ("staff: arbitration",)
    dependencies = {"staff": Provide(provide_staff)}  # noqa: RUF012 - Litestar reads this class attribute

    @post(
        "/referral",
        operation_id="ReferToArbitration",
        status_code=201,
        guards=[requires(Permission.CASE_WORK)],
    )
    async def refer(
        self,
        services: NamedDependency[Services],
        staff: NamedDependency[StaffUser],
        case_id: FromPath[int],
        data: JSONBody[Refer],
    ) -> ArbitrationReferral:
        """Only under an arbitration agreement: the regulator cannot refer a case on its own."""
        return await arbitration.refer(services.pool, case_id, staff, data, now=utcnow())

    @post(
        "/award",
        operation_id="RecordArbitrationAward",
        status_code=200,
        guards=[requires(Permission.CASE_WORK)],
    )
    async def award(
        self,
        services: NamedDependency[Services],
        staff: NamedDependency[StaffUser],
        case_id: FromPath[int],
        data: JSONBody[RecordAward],
    ) -> ArbitrationAwardRecorded:
        return await arbitration.record_award(services.pool, case_id, staff, data, now=utcnow())

    @get("/bundle", operation_id="GetArbitrationBundle", guards=[requires(Permission.CASE_VIEW)])
    async def bundle(self, services: NamedDependency[Services], case_id: FromPath[int]) -> ArbitrationBundle:
        """What the arbitration institution receives: facts, timeline, evidence index, positions, tests."""
        return await queries.bundle(services.pool, case_id)
