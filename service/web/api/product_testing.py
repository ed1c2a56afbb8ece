"""Staff API for product testing: the clock stops while the product is tested, restarts with the finding."""

from __future__ import annotations

from litestar import Controller, post
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath, JSONBody

from domain.roles import Permission
from service.app_types import Services
from service.store.staff import StaffUser
from service.usecases import product_testing
from service.usecases.clock import utcnow
from service.usecases.product_testing_commands import (
    FinishTesting,
    StartTesting,
    TestingFinished,
    TestingStarted,
)
from service.web.auth import provide_staff, requires


class ProductTestingController(Controller):
    path = "/api/v1"
    tags = ("staff: product testing",)
    dependencies = {"staff": Provide(provide_staff)}  # noqa: RUF012 - Litestar reads this class attribute

    @post(
        "/cases/{case_id:int}/tests",
        operation_id="StartProductTest",
        status_code=201,
        guards=[requires(Permission.CASE_WORK)],
    )
    async def start_test(
        self,
        services: NamedDependency[Services],
        staff: NamedDependency[StaffUser],
        case_id: FromPath[int],
        data: JSONBody[StartTesting],
    ) -> TestingStarted:
        """Send the product for testing; the clock stops until the finding is recorded."""
        return await product_testing.start_test(services.pool, case_id, staff, data, now=utcnow())

    @post(
        "/tests/{test_id:int}/finish",
        operation_id="FinishProductTest",
        status_code=200,
        guards=[requires(Permission.CASE_WORK)],
    )
    async def finish_test(
        self,
        services: NamedDependency[Services],
        staff: NamedDependency[StaffUser],
        test_id: FromPath[int],
        data: JSONBody[FinishTesting],
    ) -> TestingFinished:
        """Record the finding and who is at fault (who pays); the clock restarts, the deadline moves."""
        return await product_testing.finish_test(services.pool, test_id, staff, data, now=utcnow())
