"""Routing after acceptance (district policy art. 17, with art. 14's first payment).

The job is idempotent: a case still awaiting its acceptance decision gets one `routing_pending` event;
an accepted case is linked to the merchant registry, routed by the pure `domain.routing.route`, and gets
one `routed` event carrying the whole explanation; a case already routed is left alone.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime
from typing import Any

import asyncpg
import structlog

from domain import deadlines
from domain.errors import FieldError, NotFound, ValidationFailed
from domain.ledger import Account
from domain.lifecycle import Action, Status, apply
from domain.routing import (
    ROUTE_LABELS,
    Agreement,
    Commitment,
    Route,
    RoutingDecision,
    RoutingFacts,
    RoutingPolicy,
    route,
)
from service.store import cases, first_payments, ledger, outbox, reference
from service.store import routing as store
from service.store.merchants import find_or_create_for_complaint
from service.store.staff import StaffUser
from service.usecases import queues
from service.usecases.casework import _locked, _state
from service.usecases.clock import local_date

log = structlog.get_logger("routing")

ROUTE_ACTIONS = {
    Route.FIRST_PAYMENT: Action.ROUTE_FIRST_PAYMENT,
    Route.MEDIATION: Action.ROUTE_MEDIATION,
    Route.ARBITRATION: Action.ROUTE_ARBITRATION,
}


async def route_case(
    pool: asyncpg.Pool, case_id: int, *, now: datetime, request_id: str | None = None
) -> str:
    async with pool.acquire() as conn, conn.transaction():
        if await cases.lock(conn, case_id) is None:
            raise NotFound(f"case {case_id}")
        row = await cases.by_id(conn, case_id)
        assert row is not None
        outcome = await _route_locked(conn, row, now=now, request_id=request_id)
        await outbox.mark_done(conn, f"route_case:{case_id}")
        await outbox.mark_done(conn, f"route_case:{case_id}:accepted")
    log.info("route_case", case_id=case_id, outcome=outcome)
    return outcome


async def _route_locked(
    conn: asyncpg.Connection, row: asyncpg.Record, *, now: datetime, request_id: str | None
) -> str:
    case_id = row["id"]
    if row["status"] == Status.RECEIVED:
        if await cases.has_event(conn, case_id, "routing_pending"):
            return "already_recorded"
        await cases.add_event(conn, case_id, "routing_pending", actor="system", at=now, request_id=request_id)
        return "awaiting_acceptance"
    if row["status"] != Status.ACCEPTED or row["route"] is not None:
        return "already_routed"
    merchant_id = row["merchant_id"]
    if merchant_id is None:
        merchant_id, how = await find_or_create_for_complaint(
            conn, row["merchant_name"], row["merchant_address"], row["merchant_uscc"]
        )
        await cases.add_event(
            conn,
            case_id,
            "merchant_linked",
            actor="system",
            at=now,
            payload={"merchant_id": merchant_id, "how": how},
            request_id=request_id,
        )
    decision = await decide(conn, row, merchant_id, local_date(now))
    await _apply_route(
        conn, row, decision, merchant_id, now=now, actor="system", event="routed", request_id=request_id
    )
    return decision.route.value


async def facts_for(
    conn: asyncpg.Connection, row: asyncpg.Record, merchant_id: int, today: Any
) -> RoutingFacts:
    merchant = await store.merchant(conn, merchant_id)
    commitments = []
    for c in await store.commitments(conn, merchant_id):
        balance = (await ledger.balances(conn, c["merchant_id"]))[Account.DEPOSIT]
        commitments.append(
            Commitment(
                holder_id=c["merchant_id"],
                holder_name=c["holder_name"],
                holder_kind=c["holder_kind"],
                scope_requests=frozenset(c["scope_requests"]),
                scope_categories=frozenset(c["scope_categories"]) if c["scope_categories"] else None,
                per_claim_cap_fen=c["per_claim_cap_fen"],
                active_from=c["active_from"],
                active_until=c["active_until"],
                deposit_balance_fen=balance,
            )
        )
    agreement = await store.agreement(conn, row["id"], merchant_id)
    return RoutingFacts(
        today=today,
        category=row["category"],
        requests=tuple(row["requests"]),
        claim_amount_fen=row["claim_amount_fen"],
        has_proof_of_purchase=await cases.evidence_count(conn, row["id"]) > 0,
        consent_mediation=row["consent_mediation"],
        merchant_id=merchant_id,
        merchant_name=merchant["name"] if merchant else row["merchant_name"],
        merchant_kind=merchant["kind"] if merchant else None,
        merchant_ends_on=merchant["ends_on"] if merchant else None,
        seller_unidentified=row["seller_unidentified"],
        commitments=tuple(commitments),
        agreement=Agreement(agreement["kind"], agreement["institution"]) if agreement else None,
    )


async def decide(
    conn: asyncpg.Connection, row: asyncpg.Record, merchant_id: int, today: Any
) -> RoutingDecision:
    policy = await store.policy(conn, today)
    facts = await facts_for(conn, row, merchant_id, today)
    return route(facts, RoutingPolicy(policy["id"], frozenset(policy["food_drug_categories"])))


async def _apply_route(
    conn: asyncpg.Connection,
    row: asyncpg.Record,
    decision: RoutingDecision,
    merchant_id: int | None,
    *,
    now: datetime,
    actor: str,
    event: str,
    request_id: str | None = None,
    extra: dict[str, Any] | None = None,
) -> None:
    new = apply(_state(row), ROUTE_ACTIONS[decision.route])
    explanation = decision.to_json()
    await store.set_route(
        conn,
        row["id"],
        status=new.status,
        route=decision.route.value,
        explanation=explanation,
        merchant_id=merchant_id,
        at=now,
    )
    await cases.add_event(
        conn,
        row["id"],
        event,
        actor=actor,
        at=now,
        payload={**explanation, **(extra or {})},
        request_id=request_id,
    )
    if decision.route is Route.FIRST_PAYMENT:
        await open_first_payment(conn, row, await _payer(conn, decision, merchant_id), now=now, actor=actor)
    if decision.route is Route.MEDIATION:
        await queues.enter_queue(conn, row, now=now, actor=actor, request_id=request_id)


async def _payer(conn: asyncpg.Connection, decision: RoutingDecision, merchant_id: int | None) -> int | None:
    """Whose commitment pays; else the platform when it cannot name the seller (CPL art. 44); else the
    business that received the claim (food and drugs; an exhibition organiser or counter lessor)."""
    if decision.payer_id is not None:
        return decision.payer_id
    if merchant_id is not None and any(hit.rule == "platform_unidentified" for hit in decision.fired):
        merchant = await store.merchant(conn, merchant_id)
        if merchant is not None and merchant["parent_id"] is not None:
            return int(merchant["parent_id"])
    return merchant_id


async def open_first_payment(
    conn: asyncpg.Connection, row: asyncpg.Record, payer_id: int | None, *, now: datetime, actor: str
) -> None:
    """The merchant (or the holder of the deposit) has N days from today to pay or to answer."""
    if payer_id is None:
        return
    today = local_date(now)
    rules = await reference.rule_set(conn, row["rule_set_id"])
    calendar = await reference.work_calendar_from(conn, today, 60)
    policy = await store.policy(conn, today)
    # the routing policy sets the reply period (a row, versioned like the rule sets)
    rules_with_policy = dataclasses.replace(rules, merchant_reply_days=policy["merchant_reply_days"])
    due = deadlines.reply_deadline(calendar, rules_with_policy, today)
    if await first_payments.open_flow(conn, row["id"], payer_id, row["claim_amount_fen"], due.due):
        await cases.add_event(
            conn,
            row["id"],
            "first_payment_opened",
            actor=actor,
            at=now,
            payload={
                "payer_id": payer_id,
                "amount_fen": row["claim_amount_fen"],
                "reply_due": due.due.isoformat(),
            },
        )


async def override(
    pool: asyncpg.Pool, case_id: int, actor: StaffUser, new_route: object, reason: object, *, now: datetime
) -> str:
    """A supervisor sends the case down another route, saying why."""
    errors = []
    try:
        target = Route(str(new_route))
    except ValueError:
        errors.append(FieldError("route", "unknown_code", "请选择处理方式", "Choose a route"))
    clean_reason = reason.strip() if isinstance(reason, str) else ""
    if not clean_reason or len(clean_reason) > 2000:
        errors.append(
            FieldError("reason", "required", "请写明改变处理方式的理由", "Say why the route changes")
        )
    if errors:
        raise ValidationFailed(errors)
    async with pool.acquire() as conn, conn.transaction():
        row = await _locked(conn, case_id)
        apply(_state(row), ROUTE_ACTIONS[target])  # refuse an illegal move before anything is written
        merchant_id = row["merchant_id"]
        if merchant_id is None:
            merchant_id, _ = await find_or_create_for_complaint(
                conn, row["merchant_name"], row["merchant_address"], row["merchant_uscc"]
            )
        decision = await decide(conn, row, merchant_id, local_date(now))
        forced = RoutingDecision(
            route=target,
            fired=decision.fired,
            checked=decision.checked,
            payer_id=decision.payer_id if target is Route.FIRST_PAYMENT else None,
            payer_name=decision.payer_name if target is Route.FIRST_PAYMENT else None,
            summary=f"经科长决定改为{_label(target)}：{clean_reason}",
            summary_en=f"Route changed by a supervisor: {clean_reason}",
        )
        await _apply_route(
            conn,
            row,
            forced,
            merchant_id,
            now=now,
            actor=actor.actor,
            event="route_overridden",
            extra={"from": row["route"], "to": target.value, "reason": clean_reason},
        )
    return target.value


def _label(r: Route) -> str:
    return ROUTE_LABELS[r][0]
