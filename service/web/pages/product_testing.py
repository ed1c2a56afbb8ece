"""The case page's product-testing forms: send the product for testing (the clock stops), record the
finding (it restarts); each answered with a redirect back to the case's work section (PRG), a failed one
with `work_error=<form>&work_fields=<field>.<code>,…` as templates/_case_work.html reads them."""

from __future__ import annotations

from typing import Any

from litestar import Request, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect

from domain.events import EventKind
from domain.roles import Permission
from service.app_types import Services
from service.store.staff import StaffUser
from service.usecases import product_testing
from service.usecases.clock import utcnow
from service.usecases.product_testing_commands import FinishTesting, StartTesting
from service.web import forms
from service.web.auth import requires
from service.web.pages.arbitration import work_form
from service.web.pages.staff.common import StaffController


class ProductTestingPages(StaffController):
    @post(
        "/cases/{case_id:int}/tests", operation_id="StaffStartTest", guards=[requires(Permission.CASE_WORK)]
    )
    async def start_test(
        self,
        request: Request[Any, Any, Any],
        services: NamedDependency[Services],
        staff: NamedDependency[StaffUser],
        case_id: FromPath[int],
    ) -> Redirect:
        async def run(values: dict[str, Any]) -> None:
            cmd = forms.command(StartTesting, values)
            await product_testing.start_test(services.pool, case_id, staff, cmd, now=utcnow())

        return await work_form(request, case_id, "test", EventKind.TESTING_STARTED, run)

    @post(
        "/cases/{case_id:int}/tests/{test_id:int}/finish",
        operation_id="StaffFinishTest",
        guards=[requires(Permission.CASE_WORK)],
    )
    async def finish_test(
        self,
        request: Request[Any, Any, Any],
        services: NamedDependency[Services],
        staff: NamedDependency[StaffUser],
        case_id: FromPath[int],
        test_id: FromPath[int],
    ) -> Redirect:
        async def run(values: dict[str, Any]) -> None:
            cmd = forms.command(FinishTesting, values)
            await product_testing.finish_test(
                services.pool, test_id, staff, cmd, case_id=case_id, now=utcnow()
            )

        return await work_form(request, case_id, "finish", EventKind.TESTING_FINISHED, run)
