"""Staff API for routing and first payment: override a route, issue a merchant link, record a merchant's
answer given by phone, pay from the deposit, record deposit money, and the damages calculator."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, get, post
from litestar.di import NamedDependency, Provide
from litestar.exceptions import ClientException
from litestar.params import FromPath, JSONBody, QueryParameter

from domain.damages import Basis, punitive
from domain.errors import NotFound
from domain.money import format_yuan, parse_yuan
from domain.roles import Permission
from service.app_types import Services
from service.store import cases, ledger
from service.store.staff import StaffUser
from service.usecases import first_payment, routing
from service.usecases.clock import utcnow
from service.web.auth import provide_staff, requires
from service.web.deps import public_link


class RouteIn(msgspec.Struct):
    route: Any = None
    reason: Any = None


class RouteOut(msgspec.Struct):
    id: int
    route: str


class LinkOut(msgspec.Struct):
    url: str
    expires_at: datetime


class AnswerIn(msgspec.Struct):
    answer: Any = None  # "pay" | "refuse"
    note: Any = None
    amount: Any = None


class AnswerOut(msgspec.Struct):
    id: int
    answer: str


class PayoutOut(msgspec.Struct):
    id: int
    paid: str


class DepositIn(msgspec.Struct):
    amount: Any = None
    memo: Any = None


class DepositOut(msgspec.Struct):
    merchant_id: int
    kind: str
    deposit_balance: str


class LedgerEntryOut(msgspec.Struct):
    id: int
    kind: str
    case_id: int | None
    memo: str | None
    actor: str
    created_at: datetime
    deposit_change: str


class LedgerOut(msgspec.Struct):
    merchant_id: int
    balances: dict[str, str]
    transactions: list[LedgerEntryOut]


class OptionOut(msgspec.Struct):
    label: str
    amount: str
    formula: str


class DamagesOut(msgspec.Struct):
    basis: str
    statute: str
    on_top_of: str
    note: str
    options: list[OptionOut]


def link_url(request: Request[Any, Any, Any], token: str) -> str:
    return public_link(request, f"/m/{token}")


class FirstPaymentController(Controller):
    path = "/api/v1"
    tags = ("staff: routing and first payment",)
    dependencies = {"staff": Provide(provide_staff)}  # noqa: RUF012 - Litestar reads this class attribute

    @post(
        "/cases/{case_id:int}/route",
        operation_id="OverrideRoute",
        status_code=200,
        guards=[requires(Permission.ROUTE_OVERRIDE)],
    )
    async def override_route(
        self,
        services: NamedDependency[Services],
        staff: NamedDependency[StaffUser],
        case_id: FromPath[int],
        data: JSONBody[RouteIn],
    ) -> RouteOut:
        route = await routing.override(services.pool, case_id, staff, data.route, data.reason, now=utcnow())
        return RouteOut(case_id, route)

    @post(
        "/cases/{case_id:int}/merchant-link",
        operation_id="IssueMerchantLink",
        status_code=201,
        guards=[requires(Permission.CASE_WORK)],
    )
    async def merchant_link(
        self,
        request: Request[Any, Any, Any],
        services: NamedDependency[Services],
        staff: NamedDependency[StaffUser],
        case_id: FromPath[int],
    ) -> LinkOut:
        token, expires_at = await first_payment.issue_merchant_link(
            services.pool, case_id, staff, now=utcnow()
        )
        return LinkOut(link_url(request, token), expires_at)

    @post(
        "/cases/{case_id:int}/first-payment/answer",
        operation_id="RecordMerchantAnswer",
        status_code=200,
        guards=[requires(Permission.CASE_WORK)],
    )
    async def record_answer(
        self,
        services: NamedDependency[Services],
        staff: NamedDependency[StaffUser],
        case_id: FromPath[int],
        data: JSONBody[AnswerIn],
    ) -> AnswerOut:
        """A merchant's answer given by phone (the event marks it so)."""
        kind = await first_payment.answer(
            services.pool,
            case_id,
            answer=data.answer,
            note=data.note,
            amount=data.amount,
            ctx=services.intake,
            now=utcnow(),
            staff=staff,
        )
        return AnswerOut(case_id, kind)

    @post(
        "/cases/{case_id:int}/first-payment/payout",
        operation_id="PayFromDeposit",
        status_code=200,
        guards=[requires(Permission.PAYOUT_APPROVE)],
    )
    async def payout(
        self, services: NamedDependency[Services], staff: NamedDependency[StaffUser], case_id: FromPath[int]
    ) -> PayoutOut:
        return PayoutOut(
            case_id, await first_payment.approve_payout(services.pool, case_id, staff, now=utcnow())
        )

    @post(
        "/merchants/{merchant_id:int}/deposit",
        operation_id="RecordDeposit",
        status_code=201,
        guards=[requires(Permission.DEPOSIT_MANAGE)],
    )
    async def deposit(
        self,
        services: NamedDependency[Services],
        staff: NamedDependency[StaffUser],
        merchant_id: FromPath[int],
        data: JSONBody[DepositIn],
    ) -> DepositOut:
        kind, balance = await first_payment.record_deposit(
            services.pool, merchant_id, data.amount, data.memo, staff, now=utcnow()
        )
        return DepositOut(merchant_id, kind, balance)

    @get(
        "/merchants/{merchant_id:int}/ledger",
        operation_id="GetMerchantLedger",
        guards=[requires(Permission.MERCHANTS_VIEW)],
    )
    async def merchant_ledger(
        self, services: NamedDependency[Services], merchant_id: FromPath[int]
    ) -> LedgerOut:
        async with services.pool.acquire() as conn:
            balances = await ledger.balances(conn, merchant_id)
            rows = await ledger.transactions(conn, merchant_id)
        return LedgerOut(
            merchant_id=merchant_id,
            balances={account.value: format_yuan(fen) for account, fen in balances.items()},
            transactions=[
                LedgerEntryOut(
                    r["id"],
                    r["kind"],
                    r["case_id"],
                    r["memo"],
                    r["actor"],
                    r["created_at"],
                    format_yuan(r["deposit_change"] or 0),
                )
                for r in rows
            ],
        )

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
    ) -> DamagesOut:
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
        async with services.pool.acquire() as conn:
            row = await cases.by_id(conn, case_id)
        if row is None:
            raise NotFound(f"case {case_id}")
        calc = punitive(chosen, row["amount_paid_fen"], loss_fen)
        return DamagesOut(
            basis=calc.basis.value,
            statute=calc.statute,
            on_top_of=calc.on_top_of,
            note=calc.note,
            options=[OptionOut(o.label, format_yuan(o.amount_fen), o.formula) for o in calc.options],
        )
