"""Merchant registry API: merchants, their first-payment commitments and published arbitration clauses;
which registry merchant a case is against."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated

import msgspec
from litestar import Controller, get, patch, post
from litestar.di import NamedDependency, Provide
from litestar.exceptions import ClientException
from litestar.handlers import HTTPRouteHandler
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter

from domain.merchants import KINDS
from domain.roles import Permission
from service.app_types import Services
from service.queries import merchants as read
from service.queries.merchants import (
    ArbitrationClauseView,
    CaseMerchantView,
    CommitmentView,
    MerchantList,
    MerchantSuggestions,
    MerchantView,
)
from service.store.staff import StaffUser
from service.usecases import case_merchant, merchants
from service.usecases.clock import local_date, utcnow
from service.usecases.merchant_commands import (
    AddArbitrationClause,
    AddCommitment,
    EditMerchant,
    MergeMerchant,
    RegisterMerchant,
)
from service.web.api.actions import case_action
from service.web.auth import StaffApiController, provide_staff, requires

MANAGE = [requires(Permission.MERCHANTS_MANAGE)]


class MerchantMerged(msgspec.Struct):
    merchant_id: int  # the duplicate, never listed again
    into_id: int
    moved_case_ids: list[int]


class CaseMerchantLinked(msgspec.Struct):
    case_id: int
    outcome: str  # the route decided, or merchant_to_confirm


class MerchantController(Controller):
    path = "/api/v1/merchants"
    tags = ("staff: merchants",)

    @get("/", operation_id="ListMerchants", guards=[requires(Permission.MERCHANTS_VIEW)])
    async def list_merchants(
        self,
        services: NamedDependency[Services],
        q: FromQuery[str | None] = None,
        kind: FromQuery[str | None] = None,
        unverified: FromQuery[bool] = False,
        limit: Annotated[int, QueryParameter(ge=1, le=200)] = 50,
        offset: Annotated[int, QueryParameter(ge=0)] = 0,
    ) -> MerchantList:
        if kind and kind not in KINDS:
            raise ClientException(detail=f"unknown kind: {kind}", status_code=422)
        page = await read.list_merchants(
            services.pool, q=q, kind=kind or None, unverified=unverified, limit=limit, offset=offset
        )
        return MerchantList.of(page)

    @get("/suggest", operation_id="SuggestMerchants", tags=["public: complaints"])
    async def suggest(
        self,
        services: NamedDependency[Services],
        q: Annotated[str, QueryParameter(min_length=1, max_length=100)],
    ) -> MerchantSuggestions:
        """Registered merchants whose name is like `q`, for the complaint form: name, address and
        sub-district only."""
        return MerchantSuggestions.of(await merchants.suggest(services.pool, q))

    @post("/", operation_id="CreateMerchant", status_code=201, guards=MANAGE)
    async def create(
        self, services: NamedDependency[Services], data: JSONBody[RegisterMerchant]
    ) -> MerchantView:
        f = await merchants.create_merchant(services.pool, data)
        return MerchantView.of_file(f, local_date(utcnow()))

    @get("/{merchant_id:int}", operation_id="GetMerchant", guards=[requires(Permission.MERCHANTS_VIEW)])
    async def get_merchant(
        self, services: NamedDependency[Services], merchant_id: FromPath[int]
    ) -> MerchantView:
        return MerchantView.of_file(
            await read.merchant_file(services.pool, merchant_id), local_date(utcnow())
        )

    @post("/{merchant_id:int}/commitments", operation_id="AddCommitment", status_code=201, guards=MANAGE)
    async def add_commitment(
        self, services: NamedDependency[Services], merchant_id: FromPath[int], data: JSONBody[AddCommitment]
    ) -> CommitmentView:
        c = await merchants.add_commitment(services.pool, merchant_id, data)
        return CommitmentView.of(c, local_date(utcnow()))

    @post(
        "/{merchant_id:int}/agreements", operation_id="AddArbitrationClause", status_code=201, guards=MANAGE
    )
    async def add_agreement(
        self,
        services: NamedDependency[Services],
        merchant_id: FromPath[int],
        data: JSONBody[AddArbitrationClause],
    ) -> ArbitrationClauseView:
        return ArbitrationClauseView.of(await merchants.add_agreement(services.pool, merchant_id, data))

    @post("/{merchant_id:int}/verify", operation_id="VerifyMerchant", status_code=200, guards=MANAGE)
    async def verify(self, services: NamedDependency[Services], merchant_id: FromPath[int]) -> MerchantView:
        f = await merchants.verify(services.pool, merchant_id, now=utcnow())
        return MerchantView.of_file(f, local_date(utcnow()))

    @patch("/{merchant_id:int}", operation_id="EditUnverifiedMerchant", guards=MANAGE)
    async def edit(
        self, services: NamedDependency[Services], merchant_id: FromPath[int], data: JSONBody[EditMerchant]
    ) -> MerchantView:
        f = await merchants.edit_unverified(services.pool, merchant_id, data, now=utcnow())
        return MerchantView.of_file(f, local_date(utcnow()))

    @post(
        "/{merchant_id:int}/merge",
        operation_id="MergeMerchant",
        status_code=200,
        dependencies={"staff": Provide(provide_staff)},
        guards=MANAGE,
    )
    async def merge(
        self,
        services: NamedDependency[Services],
        staff: NamedDependency[StaffUser],
        merchant_id: FromPath[int],
        data: JSONBody[MergeMerchant],
    ) -> MerchantMerged:
        m = await case_merchant.merge_merchant(services.pool, merchant_id, data.into_id, staff, now=utcnow())
        return MerchantMerged(m.source.id, m.into_id, m.case_ids)


def linking(path: str, operation_id: str, run: Callable[..., Awaitable[str]]) -> HTTPRouteHandler:
    """A staff action that links the case to a registry merchant, answering with the outcome."""
    return case_action(path, operation_id, Permission.MERCHANT_LINK, run, view=CaseMerchantLinked)


class CaseMerchantController(StaffApiController):
    path = "/api/v1/cases/{case_id:int}/merchant"
    tags = ("staff: merchants",)

    @get("/", operation_id="GetCaseMerchant", guards=[requires(Permission.CASE_VIEW)])
    async def get_case_merchant(
        self, services: NamedDependency[Services], case_id: FromPath[int]
    ) -> CaseMerchantView:
        return await read.case_merchant_view(services.pool, case_id)

    confirm = linking("/confirm", "ConfirmCaseMerchant", case_merchant.confirm_merchant)
    relink = linking("/relink", "RelinkCaseMerchant", case_merchant.relink)
