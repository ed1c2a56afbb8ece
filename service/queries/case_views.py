"""The API's views of a case for staff (GET /api/v1/cases, GET /api/v1/cases/{id}): msgspec Structs
returned as they are. Beside the case file they carry what the case page shows: the route and its
explanation (the rules that fired and those checked), the linked registry merchant or the candidates
waiting for a person to confirm, the first-payment flow and its deadlines, the assignee and the queue,
the outcome. A client reads the route here instead of guessing it from `status`."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

import asyncpg
import msgspec

from domain.acceptance import GROUND_LABELS, Ground
from domain.money import format_yuan
from domain.routing import ROUTE_LABELS, Route
from service.queries import cases as case_queries
from service.store import first_payments, merchants, queues, staff


class StaffQueueItem(case_queries.QueueCase, frozen=True):
    next_due_provisional: bool
    working_days_left: int | None  # negative: overdue
    overdue_flagged: bool


class StaffQueue(msgspec.Struct):
    total: int  # exact unless total_is_lower_bound: then "at least this many" (the count stops there)
    items: list[StaffQueueItem]
    total_is_lower_bound: bool = False
    next_cursor: str | None = None  # pass as ?cursor= for the next page; null on the last page

    @classmethod
    def of(cls, q: case_queries.Queue) -> StaffQueue:
        return cls(
            total=q.total,
            total_is_lower_bound=q.total_is_lower_bound,
            next_cursor=q.next_cursor,
            items=[
                StaffQueueItem(
                    **{name: getattr(i, name) for name in case_queries.QueueCase.__struct_fields__},
                    next_due_provisional=i.provisional,
                    working_days_left=i.working_days_left,
                    overdue_flagged=i.overdue_flagged,
                )
                for i in q.items
            ],
        )


class CaseEvent(msgspec.Struct):
    id: int
    kind: str
    actor: str
    at: datetime
    payload: dict[str, Any]


class CaseEvidence(msgspec.Struct):
    id: int
    sha256: str
    size_bytes: int
    content_type: str
    original_name: str
    uploaded_at: datetime


class GroundSuggestion(msgspec.Struct):
    ground: int
    label: str
    reason: str
    facts: dict[str, str]


class CaseConsumer(msgspec.Struct):
    name: str
    phone: str
    address: str
    id_number: str | None
    id_type: str | None = None  # domain.identity_documents.IdType, with id_number


class CaseRouteRule(msgspec.Struct):
    rule: str
    reason: str
    facts: dict[str, str]


class CaseRoute(msgspec.Struct):
    route: str  # first_payment | mediation | arbitration
    label: str
    summary: str | None
    fired: list[CaseRouteRule]  # the rules that decided the route, with the facts they read
    checked: list[CaseRouteRule]  # the rules checked that did not fire


class CaseRegistryMerchant(msgspec.Struct):
    id: int
    name: str
    verified: bool


class CaseFirstPayment(msgspec.Struct):
    state: str
    amount: str  # yuan
    payer_id: int
    payer_name: str
    reply_due: date
    paid: str | None  # yuan, once paid
    topup_due: date | None


class CaseAssignee(msgspec.Struct):
    id: int
    name: str | None


class CaseQueueRef(msgspec.Struct):
    code: str
    name: str


class CaseProduct(msgspec.Struct):
    brand: str | None
    model: str | None
    batch: str | None
    injury: bool  # the consumer reports a physical injury


class StaffCaseFile(msgspec.Struct):
    id: int
    tracking_no: str
    status: str
    paused: bool
    channel: str
    received_at: datetime
    rule_set_id: str
    acceptance_due: date
    acceptance_due_provisional: bool
    mediation_due: date | None
    mediation_due_provisional: bool
    decided_at: datetime | None
    rejection_ground: int | None
    decision_note: str | None
    consumer: CaseConsumer
    merchant: dict[str, str | None]
    platform: dict[str, str | None] | None
    quality_domain: str
    category: str
    problem_type: str
    subdistrict: str | None
    purchase_date: date
    amount_paid: str
    claim_amount: str
    requests: list[str]
    description: str
    consents: dict[str, bool]
    allowed_actions: list[str]
    suggested_grounds: list[GroundSuggestion]
    evidence: list[CaseEvidence]
    events: list[CaseEvent]
    route: CaseRoute | None = None
    registry_merchant: CaseRegistryMerchant | None = None
    merchant_candidates: list[dict[str, Any]] = msgspec.field(default_factory=list)
    first_payment: CaseFirstPayment | None = None
    assignee: CaseAssignee | None = None
    queue: CaseQueueRef | None = None
    outcome: str | None = None
    relief_type: str | None = None
    relief: str | None = None  # yuan
    product: CaseProduct | None = None  # the product named, if any (issue 18 §4)


def _rules(hits: object) -> list[CaseRouteRule]:
    if not isinstance(hits, list):
        return []
    return [
        CaseRouteRule(
            str(h.get("rule", "")),
            str(h.get("reason", "")),
            {str(k): str(v) for k, v in (h.get("facts") or {}).items()},
        )
        for h in hits
        if isinstance(h, Mapping)
    ]


def _route(row: asyncpg.Record) -> CaseRoute | None:
    if row["route"] is None:
        return None
    explanation = row["route_explanation"] or {}
    return CaseRoute(
        route=row["route"],
        label=ROUTE_LABELS[Route(row["route"])][0],
        summary=explanation.get("summary"),
        fired=_rules(explanation.get("fired")),
        checked=_rules(explanation.get("checked")),
    )


def _first_payment(flow: asyncpg.Record | None) -> CaseFirstPayment | None:
    if flow is None:
        return None
    return CaseFirstPayment(
        state=flow["state"],
        amount=format_yuan(flow["amount_fen"]),
        payer_id=flow["payer_id"],
        payer_name=flow["payer_name"],
        reply_due=flow["reply_due"],
        paid=format_yuan(flow["paid_fen"]) if flow["paid_fen"] else None,
        topup_due=flow["topup_due"],
    )


async def _neighbours(conn: asyncpg.Connection, row: asyncpg.Record) -> dict[str, Any]:
    """The case row's neighbours: the route, the merchant, the first payment, the assignee, the queue."""
    linked = await merchants.by_id(conn, row["merchant_id"]) if row["merchant_id"] else None
    holder = None
    if row["assigned_to"] is not None:
        names = await staff.names(conn, [row["assigned_to"]])
        holder = CaseAssignee(row["assigned_to"], names.get(row["assigned_to"]))
    queue = await queues.by_code(conn, row["queue"]) if row["queue"] else None
    candidates = row["merchant_candidates"]  # migration 0021: the ranked candidates, while waiting
    return {
        "route": _route(row),
        "registry_merchant": CaseRegistryMerchant(linked.id, linked.name, linked.verified)
        if linked
        else None,
        "merchant_candidates": list(candidates or []) if row["status"] == "merchant_to_confirm" else [],
        "first_payment": _first_payment(await first_payments.get(conn, row["id"])),
        "assignee": holder,
        "queue": CaseQueueRef(queue.code, queue.name_zh) if queue else None,
        "outcome": row["outcome"],
        "relief_type": row["relief_type"],
        "relief": format_yuan(row["relief_fen"]) if row["relief_fen"] is not None else None,
    }


_OWN = [
    "id",
    "tracking_no",
    "status",
    "paused",
    "channel",
    "received_at",
    "rule_set_id",
    "acceptance_due",
    "acceptance_due_provisional",
    "mediation_due",
    "mediation_due_provisional",
    "decided_at",
    "rejection_ground",
    "decision_note",
    "quality_domain",
    "category",
    "problem_type",
    "subdistrict",
    "purchase_date",
    "description",
]


def _product(c: asyncpg.Record) -> CaseProduct | None:
    named = c["product_brand"] or c["product_model"] or c["product_batch"]
    if not named and not c["product_injury"]:
        return None
    return CaseProduct(c["product_brand"], c["product_model"], c["product_batch"], c["product_injury"])


def _own_fields(c: asyncpg.Record) -> dict[str, Any]:
    return {
        **{k: c[k] for k in _OWN},
        "consumer": CaseConsumer(
            c["consumer_name"],
            c["consumer_phone"],
            c["consumer_address"],
            c["consumer_id_number"],
            c["consumer_id_type"],
        ),
        "merchant": {
            "name": c["merchant_name"],
            "address": c["merchant_address"],
            "uscc": c["merchant_uscc"],
            "phone": c["merchant_phone"],
        },
        "platform": {"name": c["platform_name"], "uscc": c["platform_uscc"]} if c["platform_name"] else None,
        "amount_paid": format_yuan(c["amount_paid_fen"]),
        "claim_amount": format_yuan(c["claim_amount_fen"]),
        "requests": list(c["requests"]),
        "product": _product(c),
        "consents": {
            "mediation": c["consent_mediation"],
            "entrusted_mediation": c["consent_entrusted"],
            "publish": c["consent_publish"],
        },
    }


async def staff_case_file(pool: asyncpg.Pool, case_id: int, *, today: date) -> StaffCaseFile:
    """The case as the API shows it to staff. Raises NotFound."""
    f = await case_queries.case_file(pool, case_id, today=today)
    async with pool.acquire() as conn:
        neighbours = await _neighbours(conn, f.case)
    return StaffCaseFile(
        **_own_fields(f.case),
        allowed_actions=sorted(f.actions),
        suggested_grounds=[
            GroundSuggestion(int(s.ground), GROUND_LABELS[Ground(s.ground)][0], s.reason, dict(s.facts))
            for s in f.suggestions
        ],
        evidence=[CaseEvidence(**dict(e)) for e in f.evidence],
        events=[CaseEvent(e.id, e.kind, e.actor, e.at, dict(e.payload)) for e in f.events],
        **neighbours,
    )
