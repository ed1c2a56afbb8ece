"""Staff pages: sign-in, the case queue, a case's file with its decisions, notices, and recording
complaints taken by phone, letter or at the counter."""

from __future__ import annotations

import dataclasses
import hashlib
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Annotated, Any
from urllib.parse import urlencode

import msgspec
from litestar import Controller, Request, get, post
from litestar.di import NamedDependency, Provide
from litestar.exceptions import NotAuthorizedException
from litestar.params import FromPath, FromQuery, QueryParameter
from litestar.response import File, Redirect, Template

from domain.acceptance import GROUND_LABELS, OTHER_ROUTES, Ground
from domain.damages import BASIS_LABELS, Basis, punitive
from domain.errors import Conflict, FieldError, TooManyAttempts, ValidationFailed
from domain.events import staff_label
from domain.intake import RECEIVED_ON_MAX_DAYS_BACK
from domain.ledger import Account
from domain.lifecycle import STATUS_LABELS, Status
from domain.money import format_yuan, parse_yuan
from domain.outcomes import CLOSABLE_BY_HAND, OUTCOMES
from domain.queues import QueueConflict
from domain.roles import ROLE_LABELS, Permission, can
from domain.routing import ROUTE_LABELS, Route
from domain.taxonomy import CHANNELS, REQUEST_KINDS
from domain.wording import staff_explanation
from service.app_types import Services
from service.store import cases as store_cases
from service.store import first_payments, ledger, reference
from service.store import queues as queue_store
from service.store import routing as routing_store
from service.store.staff import StaffUser
from service.usecases import (
    arbitration,
    auth,
    casework,
    closing,
    first_payment,
    intake,
    mediation,
    notifications,
    queues,
    routing,
)
from service.usecases import merchants as merchant_usecases
from service.usecases.clock import local_date, local_time, utcnow
from service.web.auth import (
    SESSION_COOKIE,
    cookies_secure,
    current_staff,
    provide_staff,
    requires,
    session_cookie,
    session_cookie_removal,
)
from service.web.auth import sign_in as web_sign_in
from service.web.deps import evidence_download, public_link, stage_uploads
from service.web.middleware import current_request_id
from service.web.pages.public import FORM_LIMIT, PRIVATE, body_from_values, form_values

STAFF_CHANNELS = [(code, zh) for code, (zh, _) in CHANNELS.items() if code != "web"]
# a survey link in a stored notice is the consumer's to use: staff see that it was sent, not the link
SURVEY_LINK = re.compile(r"(/survey/)[A-Za-z0-9_-]+")
NOTICES = {
    "accepted": "已受理。",
    "rejected": "已作出不予受理决定。",
    "paused": "已暂停计时。",
    "resumed": "已恢复计时。",
    "routed": "处理方式已调整。",
    "answered": "已记录商家答复。",
    "paid": "已从质量保证金中先行赔付，并已向商家追偿。",
    "closed": "案件已办结。",
    "spam": "已标记为虚假或恶意投诉并办结，不计入统计。",
    "reassigned": "已改派调解员。",
}
FP_STATES = {
    "notified": "已通知商家，等待答复",
    "paid_by_merchant": "商家已直接赔付",
    "refused": "商家拒绝",
    "deadline_missed": "商家逾期未答复",
    "paid_from_deposit": "已从保证金中赔付，追偿中",
    "cancelled": "已取消",
}


async def routing_context(
    services: Services, staff: StaffUser, c: Any, *, new_link: str | None, damages_query: dict[str, str]
) -> dict[str, Any]:
    """What the case page shows of routing, first payment and the damages calculator."""
    async with services.pool.acquire() as conn:
        fp = await first_payments.get(conn, c["id"])
        merchant = await routing_store.merchant(conn, c["merchant_id"]) if c["merchant_id"] else None
        balance = None
        if fp is not None:
            balance = format_yuan((await ledger.balances(conn, fp["payer_id"]))[Account.DEPOSIT])
    damages, damages_error = None, None
    if damages_query.get("basis"):
        loss_fen = parse_yuan(damages_query.get("loss") or "0")
        if damages_query["basis"] not in {b.value for b in Basis} or loss_fen is None:
            damages_error = "请选择依据，损失金额以元为单位、最多两位小数。"
        else:
            calc = punitive(Basis(damages_query["basis"]), c["amount_paid_fen"], loss_fen)
            damages = {
                "statute": calc.statute,
                "on_top_of": calc.on_top_of,
                "note": calc.note,
                "options": [
                    {"label": o.label, "amount": format_yuan(o.amount_fen), "formula": o.formula}
                    for o in calc.options
                ],
            }
    return {
        "explanation": staff_explanation(c["route_explanation"]),  # the consumer in the third person
        "route_label": ROUTE_LABELS[Route(c["route"])][0] if c["route"] else None,
        "route_options": [(r.value, label[0]) for r, label in ROUTE_LABELS.items()],
        "can_override": can(staff.roles, Permission.ROUTE_OVERRIDE),
        "fp": fp,
        "fp_amount": format_yuan(fp["amount_fen"]) if fp else None,
        "fp_paid": format_yuan(fp["paid_fen"]) if fp and fp["paid_fen"] else None,
        "fp_state_label": FP_STATES.get(fp["state"], fp["state"]) if fp else None,
        "merchant": merchant,
        "deposit_balance": balance,
        "new_link": new_link,
        "damage_bases": [(b.value, BASIS_LABELS[b][0]) for b in Basis],
        "damages_query": damages_query,
        "damages": damages,
        "damages_error": damages_error,
        "amount_paid": format_yuan(c["amount_paid_fen"]),
        "relief_kinds": [(code, zh) for code, (zh, _) in REQUEST_KINDS.items()],
    }


REASSIGNABLE = ("mediation",)  # queues hold cases in mediation; a mediator works them there


async def _reassign_context(
    services: Services, staff: StaffUser, c: Any, actor_names: dict[str, str]
) -> dict[str, Any] | None:
    """The reassign form's mediators (open count, binding limit) and who holds the case; None when the
    user may not reassign or the case is past reassigning."""
    if not can(staff.roles, Permission.QUEUE_MANAGE) or c["status"] not in REASSIGNABLE:
        return None
    choices = await queues.mediator_choices(services.pool, c["queue"])
    holder = c["assigned_to"]
    names = {m.user_id: m.display_name for m in choices}
    holder_name = names.get(holder) or actor_names.get(f"staff:{holder}") if holder else None
    if holder and not holder_name:
        async with services.pool.acquire() as conn:
            member = await queue_store.staff_member(conn, holder)
        holder_name = member.display_name if member else f"编号 {holder}"
    return {"choices": choices, "holder_name": holder_name}


@dataclass(frozen=True, slots=True)
class TimelineRow:
    at_local: datetime
    kind: str
    label: str
    actor: str
    payload: dict[str, Any]


DUE_KINDS = {"acceptance": "受理", "reply": "答复", "mediation": "调解"}  # which deadline a row counts down


def _due_within(text: str | None) -> tuple[int | None, dict[str, str]]:
    """The "剩余工作日不超过" field: blank is no filter; anything else a whole number 0..365."""
    value = (text or "").strip()
    if not value:
        return None, {}
    if value.isascii() and value.isdigit() and int(value) <= 365:
        return int(value), {}
    return None, {"due_within": "请填写0到365之间的整数，或留空表示不限"}


def _safe_next(target: str | None) -> str:
    """Only a path inside the staff area: never an open redirect."""
    if target and target.startswith("/staff") and not target.startswith("//") and "\\" not in target:
        return target
    return "/staff"


def _errors(errors: list[FieldError]) -> dict[str, str]:
    out: dict[str, str] = {}
    for e in errors:
        out.setdefault(e.field, e.message)
    return out


class StaffPages(Controller):
    path = "/staff"
    include_in_schema = False
    dependencies = {"staff": Provide(provide_staff)}  # noqa: RUF012 - Litestar reads this class attribute

    @get("/login", operation_id="StaffLoginPage")
    async def login_page(
        self, next_path: Annotated[str | None, QueryParameter(name="next")] = None
    ) -> Template:
        return Template(
            "staff_login.html", context={"error": None, "next": _safe_next(next_path), "values": {}}
        )

    @post("/login", operation_id="StaffLogin")
    async def login(
        self, request: Request[Any, Any, Any], services: NamedDependency[Services]
    ) -> Template | Redirect:
        form = await request.form()
        username = str(form.get("username") or "")[:64]
        password = str(form.get("password") or "")[:256]
        target = _safe_next(str(form.get("next") or ""))
        context = {"next": target, "values": {"username": username}}
        try:
            session = await web_sign_in(request, services, username, password, kind="cookie")
        except auth.PasswordChangeRequired:
            # a temporary password from the administrator opens only the page that replaces it
            query = urlencode({"username": username.strip().lower(), "next": target})
            return Redirect(f"/staff/password/new?{query}", status_code=303)
        except auth.SignInFailed:
            # one answer for a wrong password, an unknown user and a locked account (nothing to probe)
            return Template(
                "staff_login.html", status_code=401, context={**context, "error": "用户名或密码不正确。"}
            )
        except TooManyAttempts as exc:
            return Template(
                "staff_login.html",
                status_code=429,
                headers={"Retry-After": str(exc.retry_after_s)},
                context={**context, "error": f"登录尝试过于频繁，请 {exc.retry_after_s} 秒后再试。"},
            )
        redirect = Redirect(target, status_code=303)
        redirect.set_cookie(
            session_cookie(
                session.token,
                max_age=int(services.auth_policy.session_max.total_seconds()),
                secure=cookies_secure(services.settings.public_base_url, request.url.scheme),
            )
        )
        return redirect

    @post("/logout", operation_id="StaffLogout")
    async def logout(self, request: Request[Any, Any, Any], services: NamedDependency[Services]) -> Redirect:
        token = request.cookies.get(SESSION_COOKIE)
        if token:
            await auth.sign_out(services.pool, token)
        redirect = Redirect("/staff/login", status_code=303)
        secure = cookies_secure(services.settings.public_base_url, request.url.scheme)
        redirect.set_cookie(session_cookie_removal(secure=secure))
        return redirect

    @get("/", operation_id="StaffHome")
    async def home(self, request: Request[Any, Any, Any]) -> Template:
        user = await current_staff(request)
        if user is None:
            raise NotAuthorizedException()
        return Template("staff_home.html", context=self._base(user))

    def _base(self, user: StaffUser) -> dict[str, Any]:
        return {
            "staff": user,
            "role_labels": [ROLE_LABELS[r][0] for r in sorted(user.roles)],
            "can": {p.value.replace(".", "_"): can(user.roles, p) for p in Permission},
        }

    @get("/cases", operation_id="StaffCasesPage", guards=[requires(Permission.CASE_VIEW)])
    async def cases_page(
        self,
        services: NamedDependency[Services],
        staff: NamedDependency[StaffUser],
        status: FromQuery[list[str] | None] = None,
        subdistrict: FromQuery[str | None] = None,
        category: FromQuery[str | None] = None,
        overdue: FromQuery[str | None] = None,
        due_within_text: Annotated[str | None, QueryParameter(name="due_within")] = None,
        offset: Annotated[int, QueryParameter(ge=0)] = 0,
    ) -> Template:
        """The queue's filter form as people use it: an empty field is "no filter", never a 400."""
        limit = 50
        statuses = [s for s in status or [] if s in Status.__members__.values()]
        due_within, filter_errors = _due_within(due_within_text)
        is_overdue = (overdue or "").strip().lower() in ("true", "1", "on", "yes")
        subdistrict = (subdistrict or "").strip() or None
        category = (category or "").strip() or None
        today = local_date(utcnow())
        queue = await casework.queue(
            services.pool,
            today=today,
            statuses=statuses or None,
            subdistrict=subdistrict,
            category=category,
            overdue=is_overdue,
            due_within=due_within,
            limit=limit,
            offset=offset,
        )
        overdue = "true" if is_overdue else None
        async with services.pool.acquire() as conn:
            taxonomy = await reference.taxonomy(conn)
        filters = {
            "status": statuses,
            "subdistrict": subdistrict or "",
            "category": category or "",
            "overdue": is_overdue,
            "due_within": due_within,
            "due_within_text": (due_within_text or "").strip()[:10],
        }

        def page_url(new_offset: int) -> str:
            query = [("status", s) for s in statuses] + [
                (k, str(v))
                for k, v in (
                    ("subdistrict", subdistrict),
                    ("category", category),
                    ("overdue", overdue),
                    ("due_within", due_within),
                    ("offset", new_offset or None),
                )
                if v not in (None, "")
            ]
            return "/staff/cases" + (f"?{urlencode(query)}" if query else "")

        context = {
            **self._base(staff),
            "queue": queue,
            "filters": filters,
            "taxonomy": taxonomy,
            "today": today,
            "status_labels": {s.value: STATUS_LABELS[s][0] for s in Status},
            "prev_url": page_url(max(offset - limit, 0)) if offset > 0 else None,
            "next_url": page_url(offset + limit) if offset + limit < queue.total else None,
            "offset": offset,
            "filter_errors": filter_errors,
            "due_kinds": DUE_KINDS,
        }
        return Template("staff_cases.html", context=context, status_code=400 if filter_errors else 200)

    async def _case_page(
        self,
        services: Services,
        staff: StaffUser,
        case_id: int,
        *,
        errors: dict[str, str] | None = None,
        values: dict[str, Any] | None = None,
        notice: str | None = None,
        status_code: int = 200,
        new_link: str | None = None,
        damages_query: dict[str, str] | None = None,
    ) -> Template:
        f = await casework.case_file(services.pool, case_id, today=local_date(utcnow()))
        async with services.pool.acquire() as conn:
            taxonomy = await reference.taxonomy(conn)
        c = f.case
        timeline = [
            TimelineRow(
                local_time(e.at),
                e.kind,
                staff_label(e.kind),
                f.actor_names.get(e.actor, e.actor),
                dict(e.payload),
            )
            for e in f.events
        ]
        context = {
            **self._base(staff),
            "f": f,
            "c": c,
            "timeline": timeline,
            "taxonomy": taxonomy,
            "status_label": STATUS_LABELS[Status(c["status"])][0],
            "request_labels": [REQUEST_KINDS[r][0] for r in c["requests"] if r in REQUEST_KINDS],
            "channel_label": CHANNELS.get(c["channel"], (c["channel"],))[0],
            "amount_paid": format_yuan(c["amount_paid_fen"]),
            "claim_amount": format_yuan(c["claim_amount_fen"]),
            "received_at_local": local_time(c["received_at"]),
            "decided_at_local": local_time(c["decided_at"]) if c["decided_at"] else None,
            "grounds": [(int(g), GROUND_LABELS[g][0]) for g in Ground],
            "ground_label": GROUND_LABELS[Ground(c["rejection_ground"])][0]
            if c["rejection_ground"]
            else None,
            "pause_reasons": [(k, v[0]) for k, v in casework.PAUSE_REASONS.items()],
            "actions": {a.value for a in f.actions},
            "errors": errors or {},
            "values": values or {},
            "notice": notice,
            "work": await arbitration.case_work_context(services.pool, case_id),
            "notices": [
                dataclasses.replace(n, body=SURVEY_LINK.sub(r"\1（链接仅发给消费者，已隐去）", n.body))
                for n in await notifications.notifications_for_case(services.pool, case_id)
            ],
            "mediation": await mediation.mediation_context(services.pool, case_id),
            "close_outcomes": [(code, OUTCOMES[code][0]) for code in OUTCOMES if code in CLOSABLE_BY_HAND],
            "routing": await routing_context(
                services, staff, c, new_link=new_link, damages_query=damages_query or {}
            ),
            "reassign": await _reassign_context(services, staff, c, f.actor_names),
        }
        return Template("staff_case.html", context=context, status_code=status_code, headers=PRIVATE)

    @get("/cases/{case_id:int}", operation_id="StaffCasePage", guards=[requires(Permission.CASE_VIEW)])
    async def case_page(
        self,
        services: NamedDependency[Services],
        staff: NamedDependency[StaffUser],
        case_id: FromPath[int],
        done: FromQuery[str | None] = None,
        basis: FromQuery[str | None] = None,
        loss: FromQuery[str | None] = None,
    ) -> Template:
        return await self._case_page(
            services,
            staff,
            case_id,
            notice=NOTICES.get(done or ""),
            damages_query={"basis": basis or "", "loss": loss or ""},
        )

    @post(
        "/cases/{case_id:int}/route",
        operation_id="StaffOverrideRoute",
        guards=[requires(Permission.ROUTE_OVERRIDE)],
    )
    async def override_route(
        self,
        request: Request[Any, Any, Any],
        services: NamedDependency[Services],
        staff: NamedDependency[StaffUser],
        case_id: FromPath[int],
    ) -> Template | Redirect:
        async def run(v: dict[str, str]) -> None:
            await routing.override(
                services.pool, case_id, staff, v.get("route"), v.get("reason"), now=utcnow()
            )

        return await self._act(request, services, staff, case_id, "routed", run)

    @post(
        "/cases/{case_id:int}/merchant-link",
        operation_id="StaffMerchantLink",
        guards=[requires(Permission.CASE_WORK)],
    )
    async def merchant_link(
        self,
        request: Request[Any, Any, Any],
        services: NamedDependency[Services],
        staff: NamedDependency[StaffUser],
        case_id: FromPath[int],
    ) -> Template:
        token, _ = await first_payment.issue_merchant_link(services.pool, case_id, staff, now=utcnow())
        url = public_link(request, f"/m/{token}")
        return await self._case_page(services, staff, case_id, new_link=url, notice="已生成商家答复链接。")

    @post("/cases/{case_id:int}/close", operation_id="StaffClose", guards=[requires(Permission.CASE_WORK)])
    async def close(
        self,
        request: Request[Any, Any, Any],
        services: NamedDependency[Services],
        staff: NamedDependency[StaffUser],
        case_id: FromPath[int],
    ) -> Template | Redirect:
        async def run(v: dict[str, str]) -> None:
            await closing.close(
                services.pool,
                case_id,
                staff,
                outcome=v.get("outcome"),
                relief_type=v.get("relief_type"),
                relief=v.get("relief"),
                note=v.get("note"),
                now=utcnow(),
            )

        return await self._act(request, services, staff, case_id, "closed", run)

    @post(
        "/cases/{case_id:int}/first-payment/answer",
        operation_id="StaffMerchantAnswer",
        guards=[requires(Permission.CASE_WORK)],
    )
    async def merchant_answer(
        self,
        request: Request[Any, Any, Any],
        services: NamedDependency[Services],
        staff: NamedDependency[StaffUser],
        case_id: FromPath[int],
    ) -> Template | Redirect:
        async def run(v: dict[str, str]) -> None:
            await first_payment.answer(
                services.pool,
                case_id,
                answer=v.get("answer"),
                note=v.get("note"),
                amount=v.get("amount"),
                ctx=services.intake,
                now=utcnow(),
                staff=staff,
            )

        return await self._act(request, services, staff, case_id, "answered", run)

    async def _payout_page(
        self,
        services: Services,
        staff: StaffUser,
        case_id: int,
        *,
        error: str | None = None,
        status: int = 200,
    ) -> Template:
        p = await first_payment.payout_preview(services.pool, case_id)
        context = {
            **self._base(staff),
            "p": p,
            "amount": format_yuan(p.amount_fen),
            "before": format_yuan(p.balance_before_fen),
            "after": format_yuan(p.balance_after_fen),
            "error": error,
        }
        return Template("staff_payout_confirm.html", context=context, status_code=status, headers=PRIVATE)

    @get(
        "/cases/{case_id:int}/first-payment/payout",
        operation_id="StaffPayoutConfirmPage",
        guards=[requires(Permission.PAYOUT_APPROVE)],
    )
    async def payout_page(
        self, services: NamedDependency[Services], staff: NamedDependency[StaffUser], case_id: FromPath[int]
    ) -> Template:
        """What the payout will do (amount, balance before and after, the case); nothing moves here."""
        return await self._payout_page(services, staff, case_id)

    @post(
        "/cases/{case_id:int}/first-payment/payout",
        operation_id="StaffPayout",
        guards=[requires(Permission.PAYOUT_APPROVE)],
    )
    async def payout(
        self,
        request: Request[Any, Any, Any],
        services: NamedDependency[Services],
        staff: NamedDependency[StaffUser],
        case_id: FromPath[int],
    ) -> Template | Redirect:
        """Money moves only from the confirmation page's form (confirm=yes and the amount it showed);
        any other post shows that page first."""
        form = await request.form()
        shown = str(form.get("amount_fen") or "")
        if str(form.get("confirm") or "") != "yes" or not (shown.isascii() and shown.isdigit()):
            return await self._payout_page(services, staff, case_id)
        try:
            await first_payment.approve_payout(
                services.pool, case_id, staff, now=utcnow(), expected_fen=int(shown)
            )
        except Conflict as exc:
            return await self._payout_page(services, staff, case_id, error=str(exc), status=409)
        return Redirect(f"/staff/cases/{case_id}?done=paid", status_code=303)

    @post(
        "/cases/{case_id:int}/reassign",
        operation_id="StaffReassignCase",
        guards=[requires(Permission.QUEUE_MANAGE)],
    )
    async def reassign(
        self,
        request: Request[Any, Any, Any],
        services: NamedDependency[Services],
        staff: NamedDependency[StaffUser],
        case_id: FromPath[int],
    ) -> Template | Redirect:
        """A supervisor gives the case to a mediator, with a reason; one at their limit is confirmed first."""
        form = await request.form()
        values = {k: str(v) for k, v in form.items() if k != "_csrf_token"}
        values["form"] = "reassign"
        raw_id = values.get("user_id", "").strip()
        user_id: object = int(raw_id) if raw_id.isascii() and raw_id.isdigit() else raw_id
        try:
            await queues.reassign(
                services.pool,
                case_id,
                staff,
                user_id,
                now=utcnow(),
                reason=values.get("reason"),
                reason_required=True,
                over_limit_confirmed=values.get("confirm_over_limit") == "yes",
            )
        except queues.OverLimit as exc:
            async with services.pool.acquire() as conn:
                c = await store_cases.by_id(conn, case_id)
                target = await queue_store.staff_member(conn, user_id if isinstance(user_id, int) else 0)
            context = {
                **self._base(staff),
                "c": c,
                "target": {"user_id": user_id, "display_name": target.display_name if target else ""},
                "held": exc.held,
                "limit": exc.limit,
                "reason": (values.get("reason") or "").strip(),
            }
            return Template("staff_reassign_confirm.html", context=context, headers=PRIVATE)
        except ValidationFailed as exc:
            return await self._case_page(
                services, staff, case_id, errors=_errors(exc.errors), values=values, status_code=422
            )
        except QueueConflict as exc:
            return await self._case_page(
                services, staff, case_id, errors={"": exc.message}, values=values, status_code=409
            )
        return Redirect(f"/staff/cases/{case_id}?done=reassigned", status_code=303)

    async def _act(
        self,
        request: Request[Any, Any, Any],
        services: Services,
        staff: StaffUser,
        case_id: int,
        done: str,
        action: Any,
    ) -> Template | Redirect:
        form = await request.form()
        values = {k: str(v) for k, v in form.items() if k != "_csrf_token"}
        try:
            await action(values)
        except ValidationFailed as exc:
            return await self._case_page(
                services, staff, case_id, errors=_errors(exc.errors), values=values, status_code=422
            )
        return Redirect(f"/staff/cases/{case_id}?done={done}", status_code=303)

    @post(
        "/cases/{case_id:int}/accept", operation_id="StaffAccept", guards=[requires(Permission.CASE_DECIDE)]
    )
    async def accept(
        self,
        request: Request[Any, Any, Any],
        services: NamedDependency[Services],
        staff: NamedDependency[StaffUser],
        case_id: FromPath[int],
    ) -> Template | Redirect:
        async def run(v: dict[str, str]) -> None:
            await casework.accept(services.pool, case_id, staff, v.get("note"), now=utcnow())

        return await self._act(request, services, staff, case_id, "accepted", run)

    @post(
        "/cases/{case_id:int}/reject", operation_id="StaffReject", guards=[requires(Permission.CASE_DECIDE)]
    )
    async def reject(
        self,
        request: Request[Any, Any, Any],
        services: NamedDependency[Services],
        staff: NamedDependency[StaffUser],
        case_id: FromPath[int],
    ) -> Template | Redirect:
        async def run(v: dict[str, str]) -> None:
            ground: object = v.get("ground")
            if isinstance(ground, str) and ground.isdigit():
                ground = int(ground)
            await casework.reject(services.pool, case_id, staff, ground, v.get("note"), now=utcnow())

        return await self._act(request, services, staff, case_id, "rejected", run)

    @post("/cases/{case_id:int}/pause", operation_id="StaffPause", guards=[requires(Permission.CASE_PAUSE)])
    async def pause(
        self,
        request: Request[Any, Any, Any],
        services: NamedDependency[Services],
        staff: NamedDependency[StaffUser],
        case_id: FromPath[int],
    ) -> Template | Redirect:
        async def run(v: dict[str, str]) -> None:
            await casework.pause(
                services.pool,
                case_id,
                staff,
                v.get("reason"),
                v.get("note"),
                v.get("expected_end"),
                now=utcnow(),
            )

        return await self._act(request, services, staff, case_id, "paused", run)

    @post("/cases/{case_id:int}/resume", operation_id="StaffResume", guards=[requires(Permission.CASE_PAUSE)])
    async def resume(
        self,
        request: Request[Any, Any, Any],
        services: NamedDependency[Services],
        staff: NamedDependency[StaffUser],
        case_id: FromPath[int],
    ) -> Template | Redirect:
        async def run(_: dict[str, str]) -> None:
            await casework.resume(services.pool, case_id, staff, now=utcnow())

        return await self._act(request, services, staff, case_id, "resumed", run)

    @get(
        "/cases/{case_id:int}/notice",
        operation_id="StaffRejectionNotice",
        guards=[requires(Permission.CASE_VIEW)],
    )
    async def notice(
        self, services: NamedDependency[Services], staff: NamedDependency[StaffUser], case_id: FromPath[int]
    ) -> Template:
        f = await casework.case_file(services.pool, case_id, today=local_date(utcnow()))
        c = f.case
        if c["status"] != Status.REJECTED:
            return Template(
                "error.html",
                status_code=409,
                context={"status": 409, "title": "无告知书", "message": "该投诉未作出不予受理决定。"},
            )
        context = {
            "c": c,
            "ground": int(c["rejection_ground"]),
            "ground_label": GROUND_LABELS[Ground(c["rejection_ground"])][0],
            "note": c["decision_note"],
            "decided_at_local": local_time(c["decided_at"]),
            "other_routes": [zh for zh, _ in OTHER_ROUTES],
            "received_at_local": local_time(c["received_at"]),
            "cite": await mediation.citations(services.pool, c["rule_set_id"]),  # Order 20 or 121
        }
        return Template("staff_notice.html", context=context, headers=PRIVATE)

    @get(
        "/evidence/{case_id:int}/{evidence_id:int}",
        operation_id="StaffEvidence",
        guards=[requires(Permission.CASE_VIEW)],
    )
    async def evidence(
        self, services: NamedDependency[Services], case_id: FromPath[int], evidence_id: FromPath[int]
    ) -> File:
        return await evidence_download(services, case_id, evidence_id)

    async def _record_form(
        self,
        services: Services,
        staff: StaffUser,
        values: dict[str, Any],
        errors: dict[str, str],
        status: int = 200,
    ) -> Template:
        async with services.pool.acquire() as conn:
            taxonomy = await reference.taxonomy(conn)
        today = local_date(utcnow())
        context = {
            **self._base(staff),
            "values": values,
            "errors": errors,
            "taxonomy": taxonomy,
            "request_kinds": REQUEST_KINDS,
            "today": today.isoformat(),
            "earliest_received_on": (today - timedelta(days=RECEIVED_ON_MAX_DAYS_BACK)).isoformat(),
            "max_files": 10,
            "max_mb": 10,
            "form_action": "/staff/complaints/new",
            "channels": STAFF_CHANNELS,
            "form_key": values.get("form_key")
            or hashlib.sha256(msgspec.json.encode([staff.id, str(utcnow())])).hexdigest()[:32],
            "merchant_options": await merchant_usecases.form_options(
                services.pool, values.get("merchant.name"), today=today
            ),
        }
        return Template("complaint_new.html", context=context, status_code=status)

    @get("/complaints/new", operation_id="StaffRecordForm", guards=[requires(Permission.CASE_RECORD)])
    async def record_form(
        self, services: NamedDependency[Services], staff: NamedDependency[StaffUser]
    ) -> Template:
        return await self._record_form(services, staff, {"channel": "phone"}, {})

    @post(
        "/complaints/new",
        operation_id="StaffRecord",
        guards=[requires(Permission.CASE_RECORD)],
        request_max_body_size=FORM_LIMIT,
    )
    async def record(
        self,
        request: Request[Any, Any, Any],
        services: NamedDependency[Services],
        staff: NamedDependency[StaffUser],
    ) -> Template | Redirect:
        from litestar.datastructures import UploadFile

        form = await request.form()
        values = form_values(form)
        values["channel"] = str(form.get("channel") or "")
        values["received_on"] = str(form.get("received_on") or "").strip()[:20]
        body = body_from_values(values)
        body["channel"] = values["channel"]
        if values["received_on"]:  # blank: today (phone, counter); letters and transfers must give it
            body["received_on"] = values["received_on"]
        uploads = [v for v in form.getall("evidence", []) if isinstance(v, UploadFile) and v.filename]
        staged = await stage_uploads(services, uploads)
        form_key = str(form.get("form_key") or "")[:64]
        key = None
        if form_key:
            fingerprint = msgspec.json.encode([body, sorted(s.sha256 for s in staged)])
            key = intake.IdempotencyKey(
                f"staff-form:{staff.id}:{form_key}", hashlib.sha256(fingerprint).digest()
            )
        try:
            receipt = await intake.submit_complaint(
                services.pool,
                body,
                services.intake,
                now=utcnow(),
                files=staged,
                idempotency_key=key,
                request_id=current_request_id(),
                recorded_by=staff,
            )
        except ValidationFailed as exc:
            values["form_key"] = form_key
            return await self._record_form(services, staff, values, _errors(exc.errors), status=422)
        return Template(
            "complaint_done.html",
            status_code=201,
            headers=PRIVATE,
            context={
                "receipt": receipt,
                "received_at_local": local_time(receipt.received_at),
                **self._base(staff),
                "case_url": f"/staff/cases/{receipt.case_id}",
                "report_referred": bool(str(values.get("reports_violation") or "").strip()),
            },
        )
