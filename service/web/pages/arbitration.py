"""Staff pages for arbitration: the printable referral bundle, and the case page's forms to refer a case and
record the award, each answered with a redirect back to the case's work section (PRG).

A failed form redirects with `work_error=<form>` and `work_fields=<field>.<code>,…` (codes, never free
text, in the URL); templates/_case_work.html turns them into Chinese messages.
"""

from __future__ import annotations

from typing import Any

from litestar import get
from litestar.params import FromPath
from litestar.response import Template

from domain.events import EventKind
from domain.roles import Permission
from service.queries import arbitration as queries
from service.usecases import arbitration
from service.usecases.arbitration_commands import RecordAward, Refer
from service.usecases.clock import local_date, utcnow
from service.web import forms
from service.web.auth import requires
from service.web.pages.public import PRIVATE
from service.web.pages.staff import case_forms
from service.web.pages.staff.case_forms import WORK, Ctx
from service.web.pages.staff.common import Svc

NEW_AGREEMENT = ("kind", "institution", "signed_on", "note")


def referral(values: dict[str, Any]) -> Refer:
    """The form's `agreement` is an agreement's id, or "new" with the new agreement's fields."""
    chosen = str(values.get("agreement") or "")
    fields = {"agreement_id": chosen if chosen.isdigit() else None}
    if chosen == "new":
        fields |= {name: values.get(name) for name in NEW_AGREEMENT}
    return forms.command(Refer, fields)


async def _refer(c: Ctx, values: dict[str, Any]) -> None:
    await arbitration.refer(c.services.pool, c.case_id, c.staff, referral(values), now=utcnow())


async def _award(c: Ctx, values: dict[str, Any]) -> None:
    cmd = forms.command(RecordAward, values)
    await arbitration.record_award(c.services.pool, c.case_id, c.staff, cmd, now=utcnow())


@get(
    "/arbitration-bundle",
    operation_id="StaffArbitrationBundle",
    guards=[requires(Permission.CASE_VIEW)],
)
async def bundle_page(services: Svc, case_id: FromPath[int]) -> Template:
    b = await queries.bundle(services.pool, case_id)
    context = {"b": b, "prepared_on": local_date(utcnow())}
    return Template("staff_arbitration_bundle.html", context=context, headers=PRIVATE)


# path, operation id, the form's name, what it runs, the event it confirms
FORMS = (
    WORK.form(
        "/arbitration/referral", "StaffReferToArbitration", "refer", _refer, EventKind.ARBITRATION_REFERRED
    ),
    WORK.form(
        "/arbitration/award", "StaffRecordArbitrationAward", "award", _award, EventKind.ARBITRATION_AWARD
    ),
)

ArbitrationPages = case_forms.pages(FORMS, bundle_page)
