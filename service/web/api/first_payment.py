"""Staff API for routing and first payment: override a route, issue a merchant link, record a merchant's
answer given by phone, pay from the deposit, record deposit money, and the damages calculator."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import msgspec
from litestar import Request, get, post
from litestar.di import NamedDependency
from litestar.exceptions import ClientException
from litestar.params import FromPath, JSONBody, QueryParameter

from domain.damages import Basis
from domain.money import parse_yuan
from domain.roles import Permission
from service.app_types import Services
from service.queries import first_payments as fp_queries
from service.queries.first_payments import MerchantLedger, PunitiveDamages
from service.store.staff import StaffUser
from service.usecases import first_payment, routing
from service.usecases.clock import utcnow
from service.usecases.first_payment_commands import MerchantAnswer
from service.web.api.actions import case_action
from service.web.auth import StaffApiController, requires
from service.web.deps import public_link


class RouteChanged(msgspec.Struct):
    id: int
    route: str


class MerchantLinkIssued(msgspec.Struct):
    url: str
    expires_at: datetime


class MerchantAnswered(msgspec.Struct):
    id: int
    answer: str


class PaidFromDeposit(msgspec.Struct):
    id: int
    paid: str  # yuan


class DepositRecorded(msgspec.Struct):
    merchant_id: int
    kind: str
    deposit_balance: str  # yuan

    @classmethod
    def of(cls, merchant_id: int, recorded: tuple[str, str]) -> DepositRecorded:
        """From record_deposit's (kind, new balance)."""
        return cls(merchant_id, *recorded)


WORK = [requires(Permission.CASE_WORK)]


def link_url(request: Request[Any, Any, Any], token: str) -> str:
    return public_link(request, f"/m/{token}")


class FirstPaymentController(StaffApiController):
    path = "/api/v1"
    tags = ("staff: routing and first payment",)

    override_route = case_action(
        "/cases/{case_id:int}/route",
        "OverrideRoute",
        Permission.ROUTE_OVERRIDE,
        routing.override,
        view=RouteChanged,
    )

    @post(
        "/cases/{case_id:int}/merchant-link", operation_id="IssueMerchantLink", status_code=201, guards=WORK
    )
    async def merchant_link(
        self,
        request: Request[Any, Any, Any],
        services: NamedDependency[Services],
        staff: NamedDependency[StaffUser],
        case_id: FromPath[int],
    ) -> MerchantLinkIssued:
        token, expires_at = await first_payment.issue_merchant_link(
            services.pool, case_id, staff, now=utcnow()
        )
        return MerchantLinkIssued(link_url(request, token), expires_at)

    @post(
        "/cases/{case_id:int}/first-payment/answer",
        operation_id="RecordMerchantAnswer",
        status_code=200,
        guards=WORK,
    )
    async def record_answer(
        self,
        services: NamedDependency[Services],
        staff: NamedDependency[StaffUser],
        case_id: FromPath[int],
        data: JSONBody[MerchantAnswer],
    ) -> MerchantAnswered:
        """A merchant's answer given by phone (the event marks it so)."""
        kind = await first_payment.answer(
            services.pool, case_id, data, ctx=services.intake, now=utcnow(), staff=staff
        )
        return MerchantAnswered(case_id, kind)

    payout = case_action(
        "/cases/{case_id:int}/first-payment/payout",
        "PayFromDeposit",
        Permission.PAYOUT_APPROVE,
        first_payment.approve_payout,
        view=PaidFromDeposit,
    )
    deposit = case_action(
        "/merchants/{merchant_id:int}/deposit",
        "RecordDeposit",
        Permission.DEPOSIT_MANAGE,
        first_payment.record_deposit,
        status_code=201,
        view=DepositRecorded.of,
    )

    @get(
        "/merchants/{merchant_id:int}/ledger",
        operation_id="GetMerchantLedger",
        guards=[requires(Permission.MERCHANTS_VIEW)],
    )
    async def merchant_ledger(
        self, services: NamedDependency[Services], merchant_id: FromPath[int]
    ) -> MerchantLedger:
        return await fp_queries.merchant_ledger(services.pool, merchant_id)

    @get(
        "/cases/{case_id:int}/damages",
        operation_id="PunitiveDamages",
        guards=[requires(Permission.CASE_VIEW)],
    )
    async def damages(
        self,
        services: NamedDependency[Services],
        case_id: FromPath[int],
        basis: Annotated[str, QueryParameter()],
        loss: Annotated[str | None, QueryParameter()] = None,
    ) -> PunitiveDamages:
        """What the law allows on top (DESIGN §2.7), from the price the consumer paid and an optional loss."""
        try:
            chosen = Basis(basis)
        except ValueError as exc:
            raise ClientException(
                detail=f"basis must be one of {', '.join(b.value for b in Basis)}", status_code=422
            ) from exc
        loss_fen = parse_yuan(loss) if loss else 0
        if loss_fen is None:
            raise ClientException(detail="loss: yuan with at most two decimals", status_code=422)
        return await fp_queries.punitive_damages(services.pool, case_id, chosen, loss_fen)
