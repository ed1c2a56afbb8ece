"""The case page's merchant forms: confirm a candidate (or "not in the registry") when the search could not
be sure, or re-link a routed case to another registry merchant."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, post
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath
from litestar.response import Redirect

from domain.roles import Permission
from service.app_types import Services
from service.store.staff import StaffUser
from service.usecases import case_merchant
from service.usecases.clock import utcnow
from service.usecases.routing_commands import ConfirmMerchant, RelinkMerchant
from service.web import forms
from service.web.auth import provide_staff, requires


class CaseMerchantPages(Controller):
    """The case page's merchant forms: confirm a candidate (or "not in the registry"), re-link. Each
    redirects back to the case's merchant section, with `merchant_error` and `merchant_fields` codes
    when it fails."""

    path = "/staff/cases"
    include_in_schema = False
    dependencies = {"staff": Provide(provide_staff)}  # noqa: RUF012 - Litestar reads this class attribute

    @post(
        "/{case_id:int}/merchant/confirm",
        operation_id="StaffConfirmCaseMerchant",
        guards=[requires(Permission.MERCHANT_LINK)],
    )
    async def confirm(
        self,
        request: Request[Any, Any, Any],
        services: NamedDependency[Services],
        staff: NamedDependency[StaffUser],
        case_id: FromPath[int],
    ) -> Redirect:
        async def run(v: dict[str, str]) -> object:
            choice = v.get("merchant_id") or ""
            if choice == "other":
                choice = v.get("other_id") or ""
            cmd = ConfirmMerchant(
                merchant_id=None if choice == "none" else choice, not_in_registry=choice == "none"
            )
            return await case_merchant.confirm_merchant(services.pool, case_id, staff, cmd, now=utcnow())

        return await forms.run_case_form(
            request, case_id, form="confirm", done="merchant_linked", run=run, prefix="merchant",
            anchor="merchant-match",
        )  # fmt: skip

    @post(
        "/{case_id:int}/merchant/relink",
        operation_id="StaffRelinkCaseMerchant",
        guards=[requires(Permission.MERCHANT_LINK)],
    )
    async def relink(
        self,
        request: Request[Any, Any, Any],
        services: NamedDependency[Services],
        staff: NamedDependency[StaffUser],
        case_id: FromPath[int],
    ) -> Redirect:
        async def run(v: dict[str, str]) -> object:
            cmd = forms.command(RelinkMerchant, v)
            return await case_merchant.relink(services.pool, case_id, staff, cmd, now=utcnow())

        return await forms.run_case_form(
            request, case_id, form="relink", done="merchant_relinked", run=run, prefix="merchant",
            anchor="merchant-match",
        )  # fmt: skip
