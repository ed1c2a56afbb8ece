"""Staff pages for the merchant registry: the list with search and filters, a merchant's file with its
commitments and arbitration clauses, and the forms to add them (post, then redirect; errors re-render)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated, Any
from urllib.parse import urlencode

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath, FromQuery, QueryParameter
from litestar.response import Redirect, Template

from domain.errors import FieldError, ValidationFailed
from domain.merchants import (
    AGREEMENT_KINDS,
    COMMITMENT_STATES,
    DATED_KINDS,
    KINDS,
    DuplicateUscc,
    commitment_state,
)
from domain.money import format_yuan
from domain.roles import ROLE_LABELS, Permission, can
from domain.taxonomy import REQUEST_KINDS
from service.app_types import Services
from service.store import reference
from service.store.staff import StaffUser
from service.usecases import merchants
from service.usecases.clock import local_date, local_time, utcnow
from service.web.auth import provide_staff, requires
from service.web.pages.public import PRIVATE

PAGE_SIZE = 50
MERCHANT_FIELDS = (
    "name", "uscc", "address", "subdistrict", "kind", "parent_id",
    "contact_name", "contact_phone", "contact_email", "ends_on",
)  # fmt: skip
NOTICES = {
    "created": "商家已登记。",
    "commitment": "先行赔付承诺已登记。",
    "agreement": "仲裁条款已登记。",
    "verified": "已标记为已核实。",
}


def _base(user: StaffUser) -> dict[str, Any]:
    """What staff_base.html needs (as StaffPages._base)."""
    return {
        "staff": user,
        "role_labels": [ROLE_LABELS[r][0] for r in sorted(user.roles)],
        "can": {p.value.replace(".", "_"): can(user.roles, p) for p in Permission},
    }


def _errors(errors: list[FieldError]) -> dict[str, str]:
    """The first message for each field, in Chinese."""
    out: dict[str, str] = {}
    for e in errors:
        out.setdefault(e.field, e.message)
    return out


async def _form(request: Request[Any, Any, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The form as typed (to show back) and shaped like the JSON body (for the parser)."""
    form = await request.form()
    values: dict[str, Any] = {k: str(v) for k, v in form.items() if k != "_csrf_token"}
    for name in ("scope_requests", "scope_categories"):
        values[name] = [str(v) for v in form.getall(name, [])]
    body = {k: (v.strip() or None) if isinstance(v, str) else v for k, v in values.items()}
    return values, body


class MerchantPages(Controller):
    path = "/staff/merchants"
    include_in_schema = False
    dependencies = {"staff": Provide(provide_staff)}  # noqa: RUF012 - Litestar reads this class attribute

    async def _list_page(
        self,
        services: Services,
        staff: StaffUser,
        *,
        q: str | None = None,
        kind: str | None = None,
        unverified: bool = False,
        offset: int = 0,
        values: dict[str, Any] | None = None,
        errors: dict[str, str] | None = None,
        status_code: int = 200,
    ) -> Template:
        kind = kind if kind in KINDS else None
        page = await merchants.list_merchants(
            services.pool, q=q, kind=kind, unverified=unverified, limit=PAGE_SIZE, offset=offset
        )
        async with services.pool.acquire() as conn:
            taxonomy = await reference.taxonomy(conn)

        def page_url(new_offset: int) -> str:
            query = [
                (k, str(v))
                for k, v in (
                    ("q", q),
                    ("kind", kind),
                    ("unverified", "true" if unverified else None),
                    ("offset", new_offset or None),
                )
                if v not in (None, "")
            ]
            return "/staff/merchants" + (f"?{urlencode(query)}" if query else "")

        context = {
            **_base(staff),
            "page": page,
            "filters": {"q": q or "", "kind": kind or "", "unverified": unverified},
            "kinds": [(code, zh) for code, (zh, _) in KINDS.items()],
            "dated_kinds": sorted(DATED_KINDS),
            "taxonomy": taxonomy,
            "balance": {m.id: format_yuan(m.deposit_balance_fen) for m in page.items},
            "prev_url": page_url(max(offset - PAGE_SIZE, 0)) if offset > 0 else None,
            "next_url": page_url(offset + PAGE_SIZE) if offset + PAGE_SIZE < page.total else None,
            "offset": offset,
            "values": values or {},
            "errors": errors or {},
        }
        return Template("staff_merchants.html", context=context, status_code=status_code, headers=PRIVATE)

    @get("/", operation_id="StaffMerchantsPage", guards=[requires(Permission.MERCHANTS_VIEW)])
    async def list_page(
        self,
        services: NamedDependency[Services],
        staff: NamedDependency[StaffUser],
        q: FromQuery[str | None] = None,
        kind: FromQuery[str | None] = None,
        unverified: FromQuery[bool] = False,
        offset: Annotated[int, QueryParameter(ge=0)] = 0,
    ) -> Template:
        return await self._list_page(
            services,
            staff,
            q=(q or "").strip()[:100] or None,
            kind=kind,
            unverified=unverified,
            offset=offset,
        )

    @post("/", operation_id="StaffCreateMerchant", guards=[requires(Permission.MERCHANTS_MANAGE)])
    async def create(
        self,
        request: Request[Any, Any, Any],
        services: NamedDependency[Services],
        staff: NamedDependency[StaffUser],
    ) -> Template | Redirect:
        values, body = await _form(request)
        try:
            f = await merchants.create_merchant(services.pool, {k: body.get(k) for k in MERCHANT_FIELDS})
        except ValidationFailed as exc:
            return await self._list_page(
                services, staff, values=values, errors=_errors(exc.errors), status_code=422
            )
        except DuplicateUscc as exc:
            errors = {"uscc": "该统一社会信用代码已登记，请勿重复登记。"}
            values["existing_id"] = exc.existing_id
            return await self._list_page(services, staff, values=values, errors=errors, status_code=409)
        return Redirect(f"/staff/merchants/{f.merchant.id}?done=created", status_code=303)

    async def _merchant_page(
        self,
        services: Services,
        staff: StaffUser,
        merchant_id: int,
        *,
        notice: str | None = None,
        values: dict[str, Any] | None = None,
        errors: dict[str, str] | None = None,
        status_code: int = 200,
    ) -> Template:
        f = await merchants.merchant_file(services.pool, merchant_id)
        async with services.pool.acquire() as conn:
            taxonomy = await reference.taxonomy(conn)
        today = local_date(utcnow())
        m = f.merchant
        context = {
            **_base(staff),
            "f": f,
            "taxonomy": taxonomy,
            "kind_label": KINDS[m.kind][0],
            "parent_kind_label": KINDS[m.parent_kind][0] if m.parent_kind else None,
            "deposit_balance": format_yuan(m.deposit_balance_fen),
            "topup_overdue_since": local_time(m.topup_overdue_since) if m.topup_overdue_since else None,
            "created_at_local": local_time(m.created_at),
            "commitments": [
                {
                    "c": c,
                    "requests": [REQUEST_KINDS[r][0] for r in c.scope_requests if r in REQUEST_KINDS],
                    "categories": [taxonomy.label("categories", code) for code in c.scope_categories]
                    if c.scope_categories
                    else None,
                    "cap": format_yuan(c.per_claim_cap_fen),
                    "state": commitment_state(c.active_from, c.active_until, today),
                }
                for c in f.commitments
            ],
            "state_labels": {k: v[0] for k, v in COMMITMENT_STATES.items()},
            "agreement_kinds": {k: v[0] for k, v in AGREEMENT_KINDS.items()},
            "request_kinds": [(code, zh) for code, (zh, _) in REQUEST_KINDS.items()],
            "today": today,
            "notice": notice,
            "values": values or {},
            "errors": errors or {},
        }
        return Template(
            "staff_merchants_detail.html", context=context, status_code=status_code, headers=PRIVATE
        )

    @get("/{merchant_id:int}", operation_id="StaffMerchantPage", guards=[requires(Permission.MERCHANTS_VIEW)])
    async def merchant_page(
        self,
        services: NamedDependency[Services],
        staff: NamedDependency[StaffUser],
        merchant_id: FromPath[int],
        done: FromQuery[str | None] = None,
    ) -> Template:
        return await self._merchant_page(services, staff, merchant_id, notice=NOTICES.get(done or ""))

    async def _act(
        self,
        request: Request[Any, Any, Any],
        services: Services,
        staff: StaffUser,
        merchant_id: int,
        done: str,
        action: Callable[[dict[str, Any]], Awaitable[object]],
    ) -> Template | Redirect:
        values, body = await _form(request)
        values["form"] = done
        try:
            await action(body)
        except ValidationFailed as exc:
            return await self._merchant_page(
                services, staff, merchant_id, values=values, errors=_errors(exc.errors), status_code=422
            )
        return Redirect(f"/staff/merchants/{merchant_id}?done={done}", status_code=303)

    @post(
        "/{merchant_id:int}/commitments",
        operation_id="StaffAddCommitment",
        guards=[requires(Permission.MERCHANTS_MANAGE)],
    )
    async def add_commitment(
        self,
        request: Request[Any, Any, Any],
        services: NamedDependency[Services],
        staff: NamedDependency[StaffUser],
        merchant_id: FromPath[int],
    ) -> Template | Redirect:
        async def run(body: dict[str, Any]) -> object:
            return await merchants.add_commitment(services.pool, merchant_id, body)

        return await self._act(request, services, staff, merchant_id, "commitment", run)

    @post(
        "/{merchant_id:int}/agreements",
        operation_id="StaffAddArbitrationClause",
        guards=[requires(Permission.MERCHANTS_MANAGE)],
    )
    async def add_agreement(
        self,
        request: Request[Any, Any, Any],
        services: NamedDependency[Services],
        staff: NamedDependency[StaffUser],
        merchant_id: FromPath[int],
    ) -> Template | Redirect:
        async def run(body: dict[str, Any]) -> object:
            clause = {k: body.get(k) for k in ("institution", "signed_on", "note")}
            return await merchants.add_agreement(services.pool, merchant_id, clause)

        return await self._act(request, services, staff, merchant_id, "agreement", run)

    @post(
        "/{merchant_id:int}/verify",
        operation_id="StaffVerifyMerchant",
        guards=[requires(Permission.MERCHANTS_MANAGE)],
    )
    async def verify(
        self,
        request: Request[Any, Any, Any],
        services: NamedDependency[Services],
        staff: NamedDependency[StaffUser],
        merchant_id: FromPath[int],
    ) -> Template | Redirect:
        async def run(_: dict[str, Any]) -> object:
            return await merchants.verify(services.pool, merchant_id, now=utcnow())

        return await self._act(request, services, staff, merchant_id, "verified", run)
