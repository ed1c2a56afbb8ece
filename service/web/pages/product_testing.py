"""The case page's product-testing forms: send the product for testing (the clock stops), record the
finding (it restarts); each answered with a redirect back to the case's work section (PRG), a failed one
with `work_error=<form>&work_fields=<field>.<code>,…` as templates/_case_work.html reads them."""

from __future__ import annotations

from typing import Any

from domain.events import EventKind
from service.usecases import product_testing
from service.usecases.clock import utcnow
from service.usecases.product_testing_commands import FinishTesting, StartTesting
from service.web import forms
from service.web.pages.staff import case_forms
from service.web.pages.staff.case_forms import WORK, Ctx


async def _start(c: Ctx, values: dict[str, Any]) -> None:
    cmd = forms.command(StartTesting, values)
    await product_testing.start_test(c.services.pool, c.case_id, c.staff, cmd, now=utcnow())


async def _finish(c: Ctx, values: dict[str, Any]) -> None:
    cmd = forms.command(FinishTesting, values)
    test_id = int(c.path["test_id"])
    await product_testing.finish_test(c.services.pool, test_id, c.staff, cmd, case_id=c.case_id, now=utcnow())


# path, operation id, the form's name, what it runs, the event it confirms
FORMS = (
    WORK.form("/tests", "StaffStartTest", "test", _start, EventKind.TESTING_STARTED),
    WORK.form(
        "/tests/{test_id:int}/finish", "StaffFinishTest", "finish", _finish, EventKind.TESTING_FINISHED
    ),
)

ProductTestingPages = case_forms.pages(FORMS)
