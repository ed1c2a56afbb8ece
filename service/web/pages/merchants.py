"""Staff pages for the merchant registry: the list with search and filters and the form to register a
merchant; a merchant's file with its commitments, arbitration clauses and deposit ledger (its forms are
merchant_forms.py, the CSV import merchant_import.py, the case page's merchant forms case_merchant.py)."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from litestar import get, post
from litestar.params import FromPath, FromQuery, QueryParameter
from litestar.response import Redirect, Template

from domain.errors import ValidationFailed
from domain.ledger import Account
from domain.merchants import (
    AGREEMENT_KINDS,
    COMMITMENT_STATES,
    DATED_KINDS,
    KINDS,
    DuplicateUscc,
    commitment_state,
)
from domain.money import format_yuan
from domain.roles import Permission
from domain.taxonomy import REQUEST_KINDS
from service.app_types import Services
from service.queries import merchants as read
from service.queries import reference
from service.store.staff import StaffUser
from service.usecases import first_payment, merchants, public_merchants
from service.usecases.clock import local_date, local_time, utcnow
from service.usecases.merchant_commands import RegisterMerchant
from service.web import forms
from service.web.auth import requires
from service.web.pages.public import PRIVATE
from service.web.pages.staff.common import Req, Staff, StaffController, Svc, paging, staff_context
from service.web.pages.staff.notices import NoticeCode

PAGE_SIZE = 50
NOTICES = {
    "created": "商家已登记。",
    "commitment": "先行赔付承诺已登记。",
    "agreement": "仲裁条款已登记。",
    "verified": "已标记为已核实。",
    "edited": "商家信息已更正。",
    "merged": "重复的商家档案已并入本商家，其案件已转入。",
    "deposit_top_up": "保证金缴存已登记。",
    "deposit_recovery": "追偿款已登记，相关案件的保证金已补足。",
    "public_withheld": "已暂停该商家在消费评议中的公示，理由已记录。",
    "public_restored": "已恢复该商家在消费评议中的公示，理由已记录。",
}
ACCOUNT_LABELS = {
    Account.DEPOSIT: "保证金余额",
    Account.HELD: "已冻结待付",
    Account.PAID_OUT: "累计先行赔付",
}
TX_LABELS = {
    "top_up": "缴存",
    "hold": "冻结",
    "release": "解冻",
    "payout": "先行赔付",
    "recovery": "追偿补足",
}


def _list_url(q: str | None, kind: str | None, unverified: bool, offset: int) -> str:
    query = [
        (k, str(v))
        for k, v in (
            ("q", q),
            ("kind", kind),
            ("unverified", "true" if unverified else None),
            ("offset", offset or None),
        )
        if v not in (None, "")
    ]
    return "/staff/merchants" + (f"?{urlencode(query)}" if query else "")


class MerchantPages(StaffController):
    path = "/staff/merchants"

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
        page = await read.list_merchants(
            services.pool, q=q, kind=kind, unverified=unverified, limit=PAGE_SIZE, offset=offset
        )
        context = {
            **staff_context(staff),
            "page": page,
            "filters": {"q": q or "", "kind": kind or "", "unverified": unverified},
            "kinds": [(code, zh) for code, (zh, _) in KINDS.items()],
            "dated_kinds": sorted(DATED_KINDS),
            "taxonomy": await reference.taxonomy(services.pool),
            "balance": {m.id: format_yuan(m.deposit_balance_fen) for m in page.items},
            **paging(offset, page.total, PAGE_SIZE, lambda at: _list_url(q, kind, unverified, at)),
            "values": values or {},
            "errors": errors or {},
        }
        return Template("staff_merchants.html", context=context, status_code=status_code, headers=PRIVATE)

    @get("/", operation_id="StaffMerchantsPage", guards=[requires(Permission.MERCHANTS_VIEW)])
    async def list_page(
        self,
        services: Svc,
        staff: Staff,
        q: FromQuery[str | None] = None,
        kind: FromQuery[str | None] = None,
        unverified: FromQuery[bool] = False,
        offset: Annotated[int, QueryParameter(ge=0)] = 0,
    ) -> Template:
        q = (q or "").strip()[:100] or None
        return await self._list_page(services, staff, q=q, kind=kind, unverified=unverified, offset=offset)

    @post("/", operation_id="StaffCreateMerchant", guards=[requires(Permission.MERCHANTS_MANAGE)])
    async def create(self, request: Req, services: Svc, staff: Staff) -> Template | Redirect:
        values = await forms.form_values(request)
        try:
            cmd = forms.command(RegisterMerchant, stripped(values))
            f = await merchants.create_merchant(services.pool, cmd)
        except ValidationFailed as exc:
            errors = forms.field_messages(exc.errors)
            return await self._list_page(services, staff, values=values, errors=errors, status_code=422)
        except DuplicateUscc as exc:
            errors = {"uscc": "该统一社会信用代码已登记，请勿重复登记。"}
            values["existing_id"] = exc.existing_id
            return await self._list_page(services, staff, values=values, errors=errors, status_code=409)
        return Redirect(f"/staff/merchants/{f.merchant.id}?done=created", status_code=303)

    @get("/{merchant_id:int}", operation_id="StaffMerchantPage", guards=[requires(Permission.MERCHANTS_VIEW)])
    async def merchant_page(
        self,
        services: Svc,
        staff: Staff,
        merchant_id: FromPath[int],
        done: NoticeCode = None,
    ) -> Template:
        return await file_page(services, staff, merchant_id, notice=NOTICES.get(done or ""))


async def file_page(
    services: Services,
    staff: StaffUser,
    merchant_id: int,
    *,
    notice: str | None = None,
    values: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Template:
    f = await read.merchant_file(services.pool, merchant_id)
    ledger = await first_payment.deposit_ledger(services.pool, merchant_id)
    taxonomy = await reference.taxonomy(services.pool)
    today = local_date(utcnow())
    m = f.merchant
    context = {
        **staff_context(staff),
        "f": f,
        "taxonomy": taxonomy,
        "kind_label": KINDS[m.kind][0],
        "parent_kind_label": KINDS[m.parent_kind][0] if m.parent_kind else None,
        "deposit_balance": format_yuan(m.deposit_balance_fen),
        "topup_overdue_since": local_time(m.topup_overdue_since) if m.topup_overdue_since else None,
        "created_at_local": local_time(m.created_at),
        "commitments": [_commitment(c, taxonomy, today) for c in f.commitments],
        "state_labels": {k: v[0] for k, v in COMMITMENT_STATES.items()},
        "agreement_kinds": {k: v[0] for k, v in AGREEMENT_KINDS.items()},
        "request_kinds": [(code, zh) for code, (zh, _) in REQUEST_KINDS.items()],
        "today": today,
        "ledger": ledger,
        "ledger_view": _ledger_view(ledger, today),
        "public_entries": await public_merchants.own_entries(services.pool, merchant_id, now=utcnow()),
        "notice": notice,
        "values": values or {},
        "errors": errors or {},
    }
    return Template("staff_merchants_detail.html", context=context, status_code=status_code, headers=PRIVATE)


def stripped(values: dict[str, Any]) -> dict[str, Any]:
    """The form's text without the spaces around it (lists as they are)."""
    return {k: v.strip() if isinstance(v, str) else v for k, v in values.items()}


def _commitment(c: Any, taxonomy: Any, today: Any) -> dict[str, Any]:
    """A commitment as the merchant's file shows it: labels, yuan, its state today."""
    return {
        "c": c,
        "requests": [REQUEST_KINDS[r][0] for r in c.scope_requests if r in REQUEST_KINDS],
        "categories": [taxonomy.label("categories", code) for code in c.scope_categories]
        if c.scope_categories
        else None,
        "cap": format_yuan(c.per_claim_cap_fen),
        "state": commitment_state(c.active_from, c.active_until, today),
    }


def _ledger_view(ledger: first_payment.DepositLedger, today: Any) -> dict[str, Any]:
    """The ledger formatted for the page: yuan strings, local times, recourse in words."""

    def recourse(p: Any) -> str:
        if p["topup_done_at"] is not None:
            return f"已补足（{local_date(p['topup_done_at']).isoformat()}）"
        if p["topup_due"] is None:
            return "—"
        late = "，已逾期" if p["topup_overdue_at"] is not None or p["topup_due"] < today else ""
        return f"待补足，期限 {p['topup_due'].isoformat()}{late}"

    return {
        "balances": [(label, format_yuan(ledger.balances.get(a, 0))) for a, label in ACCOUNT_LABELS.items()],
        "payouts": [
            {
                "case_id": p["case_id"],
                "tracking_no": p["tracking_no"],
                "amount": format_yuan(p["paid_fen"] or 0),
                "paid_on": p["paid_on"],
                "recourse": recourse(p),
            }
            for p in ledger.payouts
        ],
        "transactions": [
            {
                "at": local_time(t["created_at"]),
                "kind": TX_LABELS.get(t["kind"], t["kind"]),
                "change": format_yuan(t["deposit_change"] or 0),
                "case_id": t["case_id"],
                "memo": t["memo"],
                "actor": ledger.actor_names.get(t["actor"], t["actor"]),
            }
            for t in ledger.transactions
        ],
    }
