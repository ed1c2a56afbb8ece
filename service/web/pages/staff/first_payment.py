"""The case page's first-payment forms: the merchant's reply link, recording the merchant's answer, and
paying from the deposit after a confirmation page."""

from __future__ import annotations

from typing import Any

from litestar import get, post
from litestar.response import Redirect, Template

from domain.errors import Conflict
from domain.events import EventKind, confirmation
from domain.money import format_yuan
from domain.roles import Permission
from service.app_types import Services
from service.queries import first_payments as fp_queries
from service.store.staff import StaffUser
from service.usecases import first_payment
from service.usecases.clock import utcnow
from service.usecases.first_payment_commands import MerchantAnswer
from service.web import forms
from service.web.auth import requires
from service.web.deps import public_link
from service.web.pages.public import PRIVATE
from service.web.pages.staff import case_forms
from service.web.pages.staff.case_forms import CaseForm, Ctx
from service.web.pages.staff.case_page import render_case_page
from service.web.pages.staff.common import CaseId, Req, Staff, Svc, staff_context


async def render_payout_page(
    services: Services, staff: StaffUser, case_id: int, *, error: str | None = None, status: int = 200
) -> Template:
    """What the payout will do (amount, balance before and after, the case); nothing moves here."""
    p = await fp_queries.payout_preview(services.pool, case_id)
    context = {
        **staff_context(staff),
        "p": p,
        "amount": format_yuan(p.amount_fen),
        "before": format_yuan(p.balance_before_fen),
        "after": format_yuan(p.balance_after_fen),
        "error": error,
    }
    return Template("staff_payout_confirm.html", context=context, status_code=status, headers=PRIVATE)


async def _answer(c: Ctx, v: dict[str, Any]) -> str:
    cmd = forms.command(MerchantAnswer, v)
    return await first_payment.answer(
        c.services.pool, c.case_id, cmd, ctx=c.services.intake, now=utcnow(), staff=c.staff
    )


def _answered(answer: str) -> str:  # the event the answer wrote
    return EventKind.MERCHANT_PAID if answer == "pay" else EventKind.MERCHANT_REFUSED


FORMS = (CaseForm("/first-payment/answer", "StaffMerchantAnswer", Permission.CASE_WORK, _answer, _answered),)
PAYERS = [requires(Permission.PAYOUT_APPROVE)]


@post("/merchant-link", operation_id="StaffMerchantLink", guards=[requires(Permission.CASE_WORK)])
async def merchant_link(request: Req, services: Svc, staff: Staff, case_id: CaseId) -> Template:
    token, _ = await first_payment.issue_merchant_link(services.pool, case_id, staff, now=utcnow())
    url = public_link(request, f"/m/{token}")
    return await render_case_page(
        services, staff, case_id, new_link=url, notice=confirmation(EventKind.MERCHANT_LINK_ISSUED)
    )


@get("/first-payment/payout", operation_id="StaffPayoutConfirmPage", guards=PAYERS)
async def payout_page(services: Svc, staff: Staff, case_id: CaseId) -> Template:
    """What the payout will do (amount, balance before and after, the case); nothing moves here."""
    return await render_payout_page(services, staff, case_id)


@post("/first-payment/payout", operation_id="StaffPayout", guards=PAYERS)
async def payout(request: Req, services: Svc, staff: Staff, case_id: CaseId) -> Template | Redirect:
    """Money moves only from the confirmation page's form (confirm=yes and the amount it showed);
    any other post shows that page first."""
    form = await request.form()
    shown = str(form.get("amount_fen") or "")
    if str(form.get("confirm") or "") != "yes" or not (shown.isascii() and shown.isdigit()):
        return await render_payout_page(services, staff, case_id)
    try:
        await first_payment.approve_payout(
            services.pool, case_id, staff, now=utcnow(), expected_fen=int(shown)
        )
    except Conflict as exc:
        return await render_payout_page(services, staff, case_id, error=str(exc), status=409)
    return Redirect(f"/staff/cases/{case_id}?done={EventKind.DEPOSIT_PAYOUT}", status_code=303)


FirstPaymentPages = case_forms.pages(FORMS, merchant_link, payout_page, payout)
