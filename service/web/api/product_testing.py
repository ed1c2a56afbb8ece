"""Staff API for product testing: the clock stops while the product is tested, restarts with the finding."""

from __future__ import annotations

from domain.roles import Permission
from service.usecases import product_testing
from service.web.api.actions import case_action
from service.web.auth import StaffApiController


class ProductTestingController(StaffApiController):
    path = "/api/v1"
    tags = ("staff: product testing",)

    # Send the product for testing; the clock stops until the finding is recorded.
    start_test = case_action(
        "/cases/{case_id:int}/tests",
        "StartProductTest",
        Permission.CASE_WORK,
        product_testing.start_test,
        status_code=201,
    )
    # Record the finding and who is at fault (who pays); the clock restarts, the deadline moves.
    finish_test = case_action(
        "/tests/{test_id:int}/finish", "FinishProductTest", Permission.CASE_WORK, product_testing.finish_test
    )
