"""Staff pages for the merchant registry: the list with search and filters, a merchant's file with its
commitments, arbitration clauses and deposit ledger, and the forms to add them (post, then redirect;
errors re-render); money paid into a deposit; the CSV import (all or nothing, or updating by USCC);
correcting and merging a merchant made from a complaint; and, on the case page, confirming or
correcting which registry merchant a case is against (CaseMerchantPages)."""

from __future__ import annotations

import tempfile
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlencode

from litestar import Controller, Request, get, post
from litestar.datastructures import UploadFile
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath, FromQuery, QueryParameter
from litestar.response import Redirect, Template

from domain.errors import Conflict, FieldError, ValidationFailed
from domain.ledger import Account
from domain.merchant_match import LinkRefused
from domain.merchants import (
    AGREEMENT_KINDS,
    COMMITMENT_STATES,
    DATED_KINDS,
    IMPORT_COLUMNS,
    KINDS,
    DuplicateUscc,
    ImportRejected,
    commitment_state,
)
from domain.money import format_yuan
from domain.roles import ROLE_LABELS, Permission, can
from domain.taxonomy import REQUEST_KINDS
from service.app_types import Services
from service.store import reference
from service.store.staff import StaffUser
from service.usecases import first_payment, merchants, routing
from service.usecases.clock import local_date, local_time, utcnow
from service.web.auth import provide_staff, requires
from service.web.pages.case_forms import run_case_form
from service.web.pages.public import PRIVATE

IMPORT_MAX_BYTES = 5 * 1024 * 1024  # a registry spreadsheet of tens of thousands of rows

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
    "edited": "商家信息已更正。",
    "merged": "重复的商家档案已并入本商家，其案件已转入。",
    "deposit_top_up": "保证金缴存已登记。",
    "deposit_recovery": "追偿款已登记，相关案件的保证金已补足。",
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

    async def _import_page(
        self,
        staff: StaffUser,
        *,
        result: dict[str, int] | None = None,
        problems: list[dict[str, Any]] | None = None,
        file_error: str | None = None,
        update: bool = False,
        status_code: int = 200,
    ) -> Template:
        context = {
            **_base(staff),
            "kinds": [(code, zh) for code, (zh, _) in KINDS.items()],
            "columns": IMPORT_COLUMNS,
            "result": result,
            "problems": problems or [],
            "file_error": file_error,
            "update": update,
        }
        return Template(
            "staff_merchants_import.html", context=context, status_code=status_code, headers=PRIVATE
        )

    @get("/import", operation_id="StaffMerchantImportPage", guards=[requires(Permission.MERCHANTS_MANAGE)])
    async def import_page(
        self,
        staff: NamedDependency[StaffUser],
        created: Annotated[int | None, QueryParameter(ge=0)] = None,
        updated: Annotated[int | None, QueryParameter(ge=0)] = None,
    ) -> Template:
        result = {"created": created or 0, "updated": updated or 0} if created is not None else None
        return await self._import_page(staff, result=result)

    @post(
        "/import",
        operation_id="StaffMerchantImport",
        guards=[requires(Permission.MERCHANTS_MANAGE)],
        request_max_body_size=IMPORT_MAX_BYTES + 64 * 1024,
    )
    async def import_file(
        self,
        request: Request[Any, Any, Any],
        services: NamedDependency[Services],
        staff: NamedDependency[StaffUser],
    ) -> Template | Redirect:
        """The CLI's import (`disputes merchants import`) from an uploaded file: every problem shown with
        its line and field, nothing written unless every row is good."""
        from service.cli_merchants import UnreadableFile, read_rows

        form = await request.form()
        update = str(form.get("mode") or "") == "update"
        upload = form.get("file")
        if not isinstance(upload, UploadFile) or not upload.filename:
            return await self._import_page(
                staff, file_error="请选择要导入的 CSV 文件。", update=update, status_code=422
            )
        data = await upload.read()
        if len(data) > IMPORT_MAX_BYTES:
            return await self._import_page(
                staff, file_error="文件过大（最大 5 MB）。", update=update, status_code=413
            )
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "merchants.csv"
            path.write_bytes(data)
            try:
                rows = read_rows(path)
            except UnreadableFile as exc:
                message = f"无法读取该文件：应为 UTF-8 编码的 CSV，第一行为表头。（{exc}）"
                return await self._import_page(staff, file_error=message, update=update, status_code=422)
        if not rows:
            return await self._import_page(
                staff, file_error="文件中没有数据行。", update=update, status_code=422
            )
        try:
            result = await merchants.import_rows(
                services.pool, rows, update=update, actor=staff.actor, now=utcnow()
            )
        except ImportRejected as exc:
            problems = [{"line": e.line, "field": e.field, "message": e.message} for e in exc.errors]
            return await self._import_page(staff, problems=problems, update=update, status_code=422)
        except Conflict as exc:  # a USCC registered by someone else during the import
            message = f"未导入任何数据：{str(exc).split(' / ', 1)[0]}"
            return await self._import_page(staff, file_error=message, update=update, status_code=409)
        query = urlencode({"created": result.created, "updated": result.updated})
        return Redirect(f"/staff/merchants/import?{query}", status_code=303)

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
        ledger = await first_payment.deposit_ledger(services.pool, merchant_id)
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
            "ledger": ledger,
            "ledger_view": _ledger_view(ledger, today),
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
        except (LinkRefused, DuplicateUscc) as exc:
            message = str(exc).split(" / ", 1)[0]
            return await self._merchant_page(
                services, staff, merchant_id, values=values, errors={"": message}, status_code=409
            )
        return Redirect(f"/staff/merchants/{merchant_id}?done={done}", status_code=303)

    @post(
        "/{merchant_id:int}/deposit",
        operation_id="StaffRecordDeposit",
        guards=[requires(Permission.DEPOSIT_MANAGE)],
    )
    async def deposit(
        self,
        request: Request[Any, Any, Any],
        services: NamedDependency[Services],
        staff: NamedDependency[StaffUser],
        merchant_id: FromPath[int],
    ) -> Template | Redirect:
        """A top-up, or a recovery while payouts await it (the use case decides, as the API's)."""
        values, body = await _form(request)
        values["form"] = "deposit"
        try:
            kind, _ = await first_payment.record_deposit(
                services.pool, merchant_id, body.get("amount"), body.get("memo"), staff, now=utcnow()
            )
        except ValidationFailed as exc:
            return await self._merchant_page(
                services, staff, merchant_id, values=values, errors=_errors(exc.errors), status_code=422
            )
        return Redirect(f"/staff/merchants/{merchant_id}?done=deposit_{kind}#ledger-title", status_code=303)

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

    @post(
        "/{merchant_id:int}/edit",
        operation_id="StaffEditUnverifiedMerchant",
        guards=[requires(Permission.MERCHANTS_MANAGE)],
    )
    async def edit(
        self,
        request: Request[Any, Any, Any],
        services: NamedDependency[Services],
        staff: NamedDependency[StaffUser],
        merchant_id: FromPath[int],
    ) -> Template | Redirect:
        async def run(body: dict[str, Any]) -> object:
            fields = ("name", "address", "uscc", "subdistrict", "contact_phone")
            # a field emptied on the form is cleared; the name and address stay required
            data = {k: body.get(k) or ("" if k in ("name", "address") else None) for k in fields}
            return await merchants.edit_unverified(services.pool, merchant_id, _cleared(data), now=utcnow())

        return await self._act(request, services, staff, merchant_id, "edited", run)

    @post(
        "/{merchant_id:int}/merge",
        operation_id="StaffMergeMerchant",
        guards=[requires(Permission.MERCHANTS_MANAGE)],
    )
    async def merge(
        self,
        request: Request[Any, Any, Any],
        services: NamedDependency[Services],
        staff: NamedDependency[StaffUser],
        merchant_id: FromPath[int],
    ) -> Template | Redirect:
        values, body = await _form(request)
        values["form"] = "merged"
        try:
            merged = await routing.merge_merchant(
                services.pool, merchant_id, body.get("into_id"), staff, now=utcnow()
            )
        except ValidationFailed as exc:
            return await self._merchant_page(
                services, staff, merchant_id, values=values, errors=_errors(exc.errors), status_code=422
            )
        except LinkRefused as exc:
            errors = {"": str(exc).split(" / ", 1)[0]}
            return await self._merchant_page(
                services, staff, merchant_id, values=values, errors=errors, status_code=409
            )
        return Redirect(f"/staff/merchants/{merged.into_id}?done=merged", status_code=303)


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


def _cleared(data: dict[str, Any]) -> dict[str, Any]:
    """edit_unverified keeps a field given as None; an emptied optional field is cleared with ""."""
    return {k: ("" if v is None else v) for k, v in data.items()}


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
            return await routing.confirm_merchant(
                services.pool,
                case_id,
                staff,
                merchant_id=None if choice == "none" else choice,
                not_in_registry=choice == "none",
                now=utcnow(),
            )

        return await run_case_form(
            request, case_id, form="confirm", done="merchant_confirmed", run=run, prefix="merchant",
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
            return await routing.relink(
                services.pool, case_id, staff, v.get("merchant_id"), v.get("reason"), now=utcnow()
            )

        return await run_case_form(
            request, case_id, form="relink", done="merchant_relinked", run=run, prefix="merchant",
            anchor="merchant-match",
        )  # fmt: skip
