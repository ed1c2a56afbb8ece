"""The forms of a merchant's file (post, then redirect; errors show the file again): money paid into its
deposit, a first-payment commitment, a published arbitration clause, verifying it, and correcting or
merging a merchant made from a complaint.

Each registry form is one entry of FORMS: the path segment it posts to, the form's name (the file page
marks the failed form by it, and `done=<name>` confirms it) and what it runs with the form's values."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import msgspec
from litestar import Router, post
from litestar.di import Provide
from litestar.handlers import HTTPRouteHandler
from litestar.params import FromPath
from litestar.response import Redirect, Template

from domain.errors import ValidationFailed
from domain.merchant_match import LinkRefused
from domain.merchants import DuplicateUscc
from domain.roles import Permission
from service.app_types import Services
from service.store.staff import StaffUser
from service.usecases import case_merchant, first_payment, merchants, public_merchants
from service.usecases.clock import utcnow
from service.usecases.first_payment_commands import RecordDeposit
from service.usecases.merchant_commands import (
    AddArbitrationClause,
    AddCommitment,
    EditMerchant,
    MergeMerchant,
)
from service.usecases.public_merchant_commands import RestoreEntry, WithholdEntry
from service.web import forms
from service.web.auth import provide_staff, requires
from service.web.pages.merchants import file_page, stripped
from service.web.pages.staff.common import Req, Staff, Svc


@dataclass(frozen=True, slots=True)
class Ctx:
    services: Services
    staff: StaffUser
    merchant_id: int

    def back(self, done: str, merchant_id: int | None = None, anchor: str = "") -> str:
        return f"/staff/merchants/{merchant_id or self.merchant_id}?done={done}{anchor}"


# a form: run it with its values; what it returns is where to go next
Run = Callable[[Ctx, dict[str, Any]], Awaitable[str]]


async def _commitment(c: Ctx, v: dict[str, Any]) -> str:
    await merchants.add_commitment(c.services.pool, c.merchant_id, forms.command(AddCommitment, v))
    return c.back("commitment")


async def _agreement(c: Ctx, v: dict[str, Any]) -> str:
    clause = msgspec.structs.replace(forms.command(AddArbitrationClause, v), kind=None)  # published only
    await merchants.add_agreement(c.services.pool, c.merchant_id, clause)
    return c.back("agreement")


async def _verify(c: Ctx, _: dict[str, Any]) -> str:
    await merchants.verify(c.services.pool, c.merchant_id, now=utcnow())
    return c.back("verified")


async def _edit(c: Ctx, v: dict[str, Any]) -> str:
    # a field emptied on the form is cleared (""); the name and address stay required
    cmd = EditMerchant(**{k: v.get(k) or "" for k in EditMerchant.__struct_fields__})
    await merchants.edit_unverified(c.services.pool, c.merchant_id, cmd, now=utcnow())
    return c.back("edited")


async def _merge(c: Ctx, v: dict[str, Any]) -> str:
    into = forms.command(MergeMerchant, v).into_id
    merged = await case_merchant.merge_merchant(c.services.pool, c.merchant_id, into, c.staff, now=utcnow())
    return c.back("merged", merged.into_id)


async def _deposit(c: Ctx, v: dict[str, Any]) -> str:
    """A top-up, or a recovery while payouts await it (the use case decides, as the API's)."""
    cmd = forms.command(RecordDeposit, v)
    kind, _ = await first_payment.record_deposit(c.services.pool, c.merchant_id, c.staff, cmd, now=utcnow())
    return c.back(f"deposit_{kind}", anchor="#ledger-title")


async def _withhold(c: Ctx, v: dict[str, Any]) -> str:
    """消费评议: keep the entry off the public list, with the reason (an office event)."""
    cmd = forms.command(WithholdEntry, {"reason": v.get("reason")})
    await public_merchants.withhold(c.services.pool, c.merchant_id, c.staff, cmd, now=utcnow())
    return c.back("public_withheld", anchor="#public-entry-title")


async def _restore(c: Ctx, v: dict[str, Any]) -> str:
    cmd = forms.command(RestoreEntry, {"reason": v.get("reason")})
    await public_merchants.restore(c.services.pool, c.merchant_id, c.staff, cmd, now=utcnow())
    return c.back("public_restored", anchor="#public-entry-title")


# path segment -> (the form's name, what it runs, its operation id, who may post it)
FORMS: dict[str, tuple[str, Run, str, Permission]] = {
    "deposit": ("deposit", _deposit, "StaffRecordDeposit", Permission.DEPOSIT_MANAGE),
    "commitments": ("commitment", _commitment, "StaffAddCommitment", Permission.MERCHANTS_MANAGE),
    "agreements": ("agreement", _agreement, "StaffAddArbitrationClause", Permission.MERCHANTS_MANAGE),
    "verify": ("verified", _verify, "StaffVerifyMerchant", Permission.MERCHANTS_MANAGE),
    "edit": ("edited", _edit, "StaffEditUnverifiedMerchant", Permission.MERCHANTS_MANAGE),
    "merge": ("merged", _merge, "StaffMergeMerchant", Permission.MERCHANTS_MANAGE),
    "public-withhold": (
        "public_withheld",
        _withhold,
        "StaffWithholdPublicEntry",
        Permission.MERCHANTS_MANAGE,
    ),
    "public-restore": ("public_restored", _restore, "StaffRestorePublicEntry", Permission.MERCHANTS_MANAGE),
}


def _refusal(exc: Exception) -> str:
    """The Chinese half of a "中文 / English" refusal."""
    return str(exc).split(" / ", 1)[0]


async def _act(request: Req, c: Ctx, form: str, run: Run) -> Template | Redirect:
    """Run one form of the merchant's file, then redirect where it says; errors show the file again."""
    values = await forms.form_values(request, lists=("scope_requests", "scope_categories"))
    values["form"] = form
    try:
        target = await run(c, stripped(values))
    except ValidationFailed as exc:
        errors = forms.field_messages(exc.errors)
        return await file_page(
            c.services, c.staff, c.merchant_id, values=values, errors=errors, status_code=422
        )
    except (LinkRefused, DuplicateUscc) as exc:
        errors = {"": _refusal(exc)}
        return await file_page(
            c.services, c.staff, c.merchant_id, values=values, errors=errors, status_code=409
        )
    return Redirect(target, status_code=303)


def _route(segment: str) -> HTTPRouteHandler:
    """The POST handler of one form of FORMS, at /staff/merchants/{merchant_id}/<segment>."""
    name, run, operation_id, permission = FORMS[segment]

    async def handler(
        request: Req,
        services: Svc,
        staff: Staff,
        merchant_id: FromPath[int],
    ) -> Template | Redirect:
        return await _act(request, Ctx(services, staff, merchant_id), name, run)

    handler.__name__ = f"merchant_{segment}"
    return post(f"/{segment}", operation_id=operation_id, guards=[requires(permission)])(handler)


MerchantFormPages = Router(
    path="/staff/merchants/{merchant_id:int}",
    route_handlers=[_route(segment) for segment in FORMS],
    dependencies={"staff": Provide(provide_staff)},
    include_in_schema=False,
)
