"""Staff API for arbitration: refer a case under an agreement, record the award, read the referral bundle."""

from __future__ import annotations

from litestar import get
from litestar.di import NamedDependency
from litestar.params import FromPath

from domain.roles import Permission
from service.app_types import Services
from service.queries import arbitration as queries
from service.queries.arbitration import ArbitrationBundle
from service.usecases import arbitration
from service.web.api.actions import case_action
from service.web.auth import StaffApiController, requires


class ArbitrationController(StaffApiController):
    path = "/api/v1/cases/{case_id:int}/arbitration"
    tags = ("staff: arbitration",)

    # Only under an arbitration agreement: the regulator cannot refer a case on its own.
    refer = case_action(
        "/referral", "ReferToArbitration", Permission.CASE_WORK, arbitration.refer, status_code=201
    )
    award = case_action("/award", "RecordArbitrationAward", Permission.CASE_WORK, arbitration.record_award)

    @get("/bundle", operation_id="GetArbitrationBundle", guards=[requires(Permission.CASE_VIEW)])
    async def bundle(self, services: NamedDependency[Services], case_id: FromPath[int]) -> ArbitrationBundle:
        """What the arbitration institution receives: facts, timeline, evidence index, positions, tests."""
        return await queries.bundle(services.pool, case_id)
