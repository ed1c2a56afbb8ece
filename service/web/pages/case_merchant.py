"""The case page's merchant forms: confirm a candidate (or "not in the registry") when the search could not
be sure, or re-link a routed case to another registry merchant. Each redirects back to the case's
merchant section, with `merchant_error` and `merchant_fields` codes when it fails."""

from __future__ import annotations

from typing import Any

from domain.roles import Permission
from service.usecases import case_merchant
from service.usecases.clock import utcnow
from service.usecases.routing_commands import ConfirmMerchant, RelinkMerchant
from service.web import forms
from service.web.pages.staff import case_forms
from service.web.pages.staff.case_forms import MERCHANT, Ctx


async def _confirm(c: Ctx, v: dict[str, Any]) -> object:
    choice = v.get("merchant_id") or ""
    if choice == "other":
        choice = v.get("other_id") or ""
    cmd = ConfirmMerchant(merchant_id=None if choice == "none" else choice, not_in_registry=choice == "none")
    return await case_merchant.confirm_merchant(c.services.pool, c.case_id, c.staff, cmd, now=utcnow())


async def _relink(c: Ctx, v: dict[str, Any]) -> object:
    cmd = forms.command(RelinkMerchant, v)
    return await case_merchant.relink(c.services.pool, c.case_id, c.staff, cmd, now=utcnow())


LINK = Permission.MERCHANT_LINK
FORMS = (
    MERCHANT.form(
        "/merchant/confirm", "StaffConfirmCaseMerchant", "confirm", _confirm, "merchant_linked", LINK
    ),
    MERCHANT.form(
        "/merchant/relink", "StaffRelinkCaseMerchant", "relink", _relink, "merchant_relinked", LINK
    ),
)

CaseMerchantPages = case_forms.pages(FORMS)
