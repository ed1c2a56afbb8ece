"""Merchants' records in public (issue 18 §1): the public list (no sign-in), and staff withholding a
merchant's entry or lifting the withholding, each with its reason."""

from __future__ import annotations

from typing import Annotated

from litestar import get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody, QueryParameter

from domain.roles import Permission
from service.app_types import Services
from service.queries import public_merchants as read
from service.store.staff import StaffUser
from service.usecases import public_merchants
from service.usecases.clock import local_date, utcnow
from service.usecases.public_merchant_commands import EntryState, RestoreEntry, WithholdEntry
from service.web.auth import StaffApiController, requires

MANAGE = [requires(Permission.MERCHANTS_MANAGE)]


@get("/api/v1/public/merchants", operation_id="ListPublicMerchants", tags=["public: records"])
async def public_merchants_list(
    services: NamedDependency[Services],
    month: Annotated[str | None, QueryParameter(description="YYYY-MM: the period ending that month")] = None,
    limit: Annotated[int, QueryParameter(ge=1, le=read.LIST_LIMIT)] = read.PAGE_SIZE,
    offset: Annotated[int, QueryParameter(ge=0, le=1_000_000)] = 0,
) -> read.PublicMerchants:
    """Merchants at or above the publication threshold of accepted complaints in the 12 months ending with
    the last ended month (or `month`), with their figures, commitment and public reply; the merchants
    with a commitment and a clean record; the definitions. Businesses only, never a consumer."""
    now = utcnow()
    first = public_merchants.parse_month(month, local_date(now))
    return await public_merchants.published(services.pool, now=now, month=first, limit=limit, offset=offset)


class PublicEntryController(StaffApiController):
    path = "/api/v1/merchants/{merchant_id:int}/public-entry"
    tags = ("staff: merchants",)

    @post("/withhold", operation_id="WithholdPublicEntry", status_code=200, guards=MANAGE)
    async def withhold(
        self,
        services: NamedDependency[Services],
        staff: NamedDependency[StaffUser],
        merchant_id: FromPath[int],
        data: JSONBody[WithholdEntry],
    ) -> EntryState:
        """Keep the merchant's entry off the public page and API, with the reason (an office event)."""
        return await public_merchants.withhold(services.pool, merchant_id, staff, data, now=utcnow())

    @post("/restore", operation_id="RestorePublicEntry", status_code=200, guards=MANAGE)
    async def restore(
        self,
        services: NamedDependency[Services],
        staff: NamedDependency[StaffUser],
        merchant_id: FromPath[int],
        data: JSONBody[RestoreEntry],
    ) -> EntryState:
        """Publish the withheld entry again, with the reason (an office event)."""
        return await public_merchants.restore(services.pool, merchant_id, staff, data, now=utcnow())
