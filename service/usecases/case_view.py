"""What the staff case page shows beside the case file, for the API's case view (GET /api/v1/cases/{id}):
the route and its explanation (the rules that fired and those checked), the linked registry merchant or
the candidates waiting for a person to confirm, the first-payment flow and its deadlines, the assignee
and the queue. A client reads the route here instead of guessing it from `status`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import asyncpg

from domain.money import format_yuan
from domain.routing import ROUTE_LABELS, Route
from service.store import first_payments, merchants, queues, staff


@dataclass(frozen=True, slots=True)
class RuleView:
    rule: str
    reason: str
    facts: dict[str, str]


@dataclass(frozen=True, slots=True)
class RouteView:
    route: str
    label: str
    summary: str | None
    fired: list[RuleView]
    checked: list[RuleView]


@dataclass(frozen=True, slots=True)
class LinkedMerchant:
    id: int
    name: str
    verified: bool


@dataclass(frozen=True, slots=True)
class FirstPaymentView:
    state: str
    amount: str  # yuan
    payer_id: int
    payer_name: str
    reply_due: date
    paid: str | None  # yuan, once paid
    topup_due: date | None


@dataclass(frozen=True, slots=True)
class Holder:
    id: int
    name: str | None


@dataclass(frozen=True, slots=True)
class QueueView:
    code: str
    name: str


@dataclass(frozen=True, slots=True)
class CaseExtras:
    route: RouteView | None
    linked_merchant: LinkedMerchant | None
    merchant_candidates: list[dict[str, Any]] = field(default_factory=list)
    first_payment: FirstPaymentView | None = None
    assignee: Holder | None = None
    queue: QueueView | None = None
    outcome: str | None = None
    relief_type: str | None = None
    relief: str | None = None  # yuan


def _rules(hits: object) -> list[RuleView]:
    if not isinstance(hits, list):
        return []
    return [
        RuleView(
            str(h.get("rule", "")),
            str(h.get("reason", "")),
            {str(k): str(v) for k, v in (h.get("facts") or {}).items()},
        )
        for h in hits
        if isinstance(h, Mapping)
    ]


def _route(row: asyncpg.Record) -> RouteView | None:
    if row["route"] is None:
        return None
    explanation = row["route_explanation"] or {}
    return RouteView(
        route=row["route"],
        label=ROUTE_LABELS[Route(row["route"])][0],
        summary=explanation.get("summary"),
        fired=_rules(explanation.get("fired")),
        checked=_rules(explanation.get("checked")),
    )


async def extras(conn: asyncpg.Connection, row: asyncpg.Record) -> CaseExtras:
    """The case row's neighbours, read on the caller's connection."""
    linked = await merchants.by_id(conn, row["merchant_id"]) if row["merchant_id"] else None
    flow = await first_payments.get(conn, row["id"])
    holder = None
    if row["assigned_to"] is not None:
        names = await staff.names(conn, [row["assigned_to"]])
        holder = Holder(row["assigned_to"], names.get(row["assigned_to"]))
    queue = await queues.by_code(conn, row["queue"]) if row["queue"] else None
    candidates = row["merchant_candidates"]  # migration 0021: the ranked candidates, while waiting
    return CaseExtras(
        route=_route(row),
        linked_merchant=LinkedMerchant(linked.id, linked.name, linked.verified) if linked else None,
        merchant_candidates=list(candidates or []) if row["status"] == "merchant_to_confirm" else [],
        first_payment=FirstPaymentView(
            state=flow["state"],
            amount=format_yuan(flow["amount_fen"]),
            payer_id=flow["payer_id"],
            payer_name=flow["payer_name"],
            reply_due=flow["reply_due"],
            paid=format_yuan(flow["paid_fen"]) if flow["paid_fen"] else None,
            topup_due=flow["topup_due"],
        )
        if flow
        else None,
        assignee=holder,
        queue=QueueView(queue.code, queue.name_zh) if queue else None,
        outcome=row["outcome"],
        relief_type=row["relief_type"],
        relief=format_yuan(row["relief_fen"]) if row["relief_fen"] is not None else None,
    )


async def case_extras(pool: asyncpg.Pool, row: asyncpg.Record) -> CaseExtras:
    async with pool.acquire() as conn:
        return await extras(conn, row)
