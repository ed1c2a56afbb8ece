"""What the case page shows besides the case itself: routing, first payment, the damages calculator and
the reassign form."""

from __future__ import annotations

from typing import Any

from domain.damages import BASIS_LABELS, Basis, punitive
from domain.money import format_yuan, parse_yuan
from domain.roles import Permission, can
from domain.routing import ROUTE_LABELS, Route
from domain.taxonomy import REQUEST_KINDS
from domain.wording import staff_explanation
from service.app_types import Services
from service.queries import cases as case_queries
from service.queries import first_payments as fp_queries
from service.store.staff import StaffUser
from service.usecases import queues

FP_STATES = {
    "notified": "已通知商家，等待答复",
    "paid_by_merchant": "商家已直接赔付",
    "refused": "商家拒绝",
    "deadline_missed": "商家逾期未答复",
    "paid_from_deposit": "已从保证金中赔付，追偿中",
    "cancelled": "已取消",
}
REASSIGNABLE = ("mediation",)  # queues hold cases in mediation; a mediator works them there


def damages_context(c: Any, damages_query: dict[str, str]) -> dict[str, Any]:
    """The punitive-damages calculator's result for the basis and loss the page was asked about."""
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
        "damage_bases": [(b.value, BASIS_LABELS[b][0]) for b in Basis],
        "damages_query": damages_query,
        "damages": damages,
        "damages_error": damages_error,
    }


async def routing_context(
    services: Services, staff: StaffUser, c: Any, *, new_link: str | None, damages_query: dict[str, str]
) -> dict[str, Any]:
    """What the case page shows of routing, first payment and the damages calculator."""
    flow = await fp_queries.case_flow(services.pool, c["id"], c["merchant_id"])
    fp = flow.flow
    return {
        "explanation": staff_explanation(c["route_explanation"]),  # the consumer in the third person
        "route_label": ROUTE_LABELS[Route(c["route"])][0] if c["route"] else None,
        "route_options": [(r.value, label[0]) for r, label in ROUTE_LABELS.items()],
        "can_override": can(staff.roles, Permission.ROUTE_OVERRIDE),
        "fp": fp,
        "fp_amount": format_yuan(fp["amount_fen"]) if fp else None,
        "fp_paid": format_yuan(fp["paid_fen"]) if fp and fp["paid_fen"] else None,
        "fp_state_label": FP_STATES.get(fp["state"], fp["state"]) if fp else None,
        "merchant": flow.merchant,
        "deposit_balance": flow.deposit_balance,
        "new_link": new_link,
        **damages_context(c, damages_query),
        "amount_paid": format_yuan(c["amount_paid_fen"]),
        "relief_kinds": [(code, zh) for code, (zh, _) in REQUEST_KINDS.items()],
    }


async def reassign_context(
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
        holder_name = await case_queries.staff_member_name(services.pool, holder) or f"编号 {holder}"
    return {"choices": choices, "holder_name": holder_name}
