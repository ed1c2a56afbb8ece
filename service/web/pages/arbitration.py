"""Staff pages for arbitration: the printable referral bundle, and the case page's forms to refer a case and
record the award, each answered with a redirect back to the case's work section (PRG).

A failed form redirects with `work_error=<form>` and `work_fields=<field>.<code>,…` (codes, never free
text, in the URL); templates/_case_work.html turns them into Chinese messages.
"""

from __future__ import annotations

from typing import Any

from litestar import Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Template

from domain.events import EventKind
from domain.roles import Permission
from service.app_types import Services
from service.queries import arbitration as queries
from service.store.staff import StaffUser
from service.usecases import arbitration
from service.usecases.arbitration_commands import RecordAward, Refer
from service.usecases.clock import local_date, utcnow
from service.web import forms
from service.web.auth import requires
from service.web.pages.public import PRIVATE
from service.web.pages.staff.common import StaffController

NEW_AGREEMENT = ("kind", "institution", "signed_on", "note")


def referral(values: dict[str, Any]) -> Refer:
    """The form's `agreement` is an agreement's id, or "new" with the new agreement's fields."""
    chosen = str(values.get("agreement") or "")
    fields = {"agreement_id": chosen if chosen.isdigit() else None}
    if chosen == "new":
        fields |= {name: values.get(name) for name in NEW_AGREEMENT}
    return forms.command(Refer, fields)


async def work_form(
    request: Request[Any, Any, Any], case_id: int, form: str, done: EventKind, run: forms.Run
) -> Redirect:
    """Run one form of the case page's work section, then back to it with `done=<event kind>` or its
    `work_error`/`work_fields` (templates/_case_work.html)."""
    return await forms.run_case_form(
        request, case_id, form=form, done=done, run=run, prefix="work", anchor="work"
    )


class ArbitrationPages(StaffController):
    @get(
        "/cases/{case_id:int}/arbitration-bundle",
        operation_id="StaffArbitrationBundle",
        guards=[requires(Permission.CASE_VIEW)],
    )
    async def bundle_page(self, services: NamedDependency[Services], case_id: FromPath[int]) -> Template:
        b = await queries.bundle(services.pool, case_id)
        context = {"b": b, "prepared_on": local_date(utcnow())}
        return Template("staff_arbitration_bundle.html", context=context, headers=PRIVATE)

    @post(
        "/cases/{case_id:int}/arbitration/referral",
        operation_id="StaffReferToArbitration",
        guards=[requires(Permission.CASE_WORK)],
    )
    async def refer(
        self,
        request: Request[Any, Any, Any],
        services: NamedDependency[Services],
        staff: NamedDependency[StaffUser],
        case_id: FromPath[int],
    ) -> Redirect:
        async def run(values: dict[str, Any]) -> None:
            await arbitration.refer(services.pool, case_id, staff, referral(values), now=utcnow())

        return await work_form(request, case_id, "refer", EventKind.ARBITRATION_REFERRED, run)

    @post(
        "/cases/{case_id:int}/arbitration/award",
        operation_id="StaffRecordArbitrationAward",
        guards=[requires(Permission.CASE_WORK)],
    )
    async def award(
        self,
        request: Request[Any, Any, Any],
        services: NamedDependency[Services],
        staff: NamedDependency[StaffUser],
        case_id: FromPath[int],
    ) -> Redirect:
        async def run(values: dict[str, Any]) -> None:
            cmd = forms.command(RecordAward, values)
            await arbitration.record_award(services.pool, case_id, staff, cmd, now=utcnow())

        return await work_form(request, case_id, "award", EventKind.ARBITRATION_AWARD, run)
