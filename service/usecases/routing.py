"""Routing after acceptance (district policy art. 17, with art. 14's first payment).

The job is idempotent: a case still awaiting its acceptance decision gets one `routing_pending` event;
an accepted case is linked to the merchant registry, routed by the pure `domain.routing.route`, and gets
one `routed` event carrying the whole explanation; a case already routed is left alone.

Finding the merchant comes first (DESIGN §2.5 item 6): when the registry holds only plausible candidates
the case waits in `merchant_to_confirm` (one `merchant_to_confirm` event with the ranked candidates) and
is routed when a person confirms one or says it is not in the registry. Staff may re-link a case to
another merchant until it closes: routing runs again and the history says what changed.
"""

from __future__ import annotations

import dataclasses
from datetime import date, datetime
from typing import Any

import asyncpg
import structlog

from domain import deadlines, merchant_match
from domain.errors import FieldError, NotFound, ValidationFailed
from domain.events import EventKind
from domain.ledger import Account
from domain.lifecycle import Action, CaseState, Status, apply
from domain.routing import route
from domain.routing_facts import (
    ROUTE_LABELS,
    Agreement,
    Commitment,
    Route,
    RoutingDecision,
    RoutingFacts,
    RoutingPolicy,
)
from service.store import cases, first_payments, ledger, outbox, reference
from service.store import merchants as merchant_store
from service.store import routing as store
from service.store.staff import StaffUser
from service.usecases import merchants, queues
from service.usecases.case_step import locked_case
from service.usecases.clock import local_date
from service.usecases.routing_commands import OverrideRoute

log = structlog.get_logger("routing")

ROUTE_ACTIONS = {
    Route.FIRST_PAYMENT: Action.ROUTE_FIRST_PAYMENT,
    Route.MEDIATION: Action.ROUTE_MEDIATION,
    Route.ARBITRATION: Action.ROUTE_ARBITRATION,
}


def state_of(row: asyncpg.Record) -> CaseState:
    return CaseState(Status(row["status"]), paused=row["paused"])


async def locked_record(conn: asyncpg.Connection, case_id: int) -> asyncpg.Record:
    """Lock the case (case_step.locked_case) and read its whole record: the merchant search and the
    routing facts read the complaint's own fields, the consumer's and the candidates offered."""
    await locked_case(conn, case_id)
    row = await cases.by_id(conn, case_id)
    assert row is not None
    return row


def job_keys(case_id: int) -> list[str]:
    """The outbox keys of a case's routing jobs: at registration, and after acceptance."""
    return [f"route_case:{case_id}", f"route_case:{case_id}:accepted"]


async def route_case(
    pool: asyncpg.Pool, case_id: int, *, now: datetime, request_id: str | None = None
) -> str:
    async with pool.acquire() as conn, conn.transaction():
        locked = await cases.lock(conn, case_id)
        if locked is None:
            raise NotFound(f"case {case_id}")
        if locked["status"] == Status.RECEIVED:
            # the job of every new complaint: the status says enough, and the event and the jobs' done
            # mark are one statement (four round trips in all, with BEGIN and COMMIT; issue 17)
            noted = await store.note_pending(
                conn, case_id, at=now, request_id=request_id, job_keys=job_keys(case_id)
            )
            outcome = "awaiting_acceptance" if noted else "already_recorded"
        else:
            row = await cases.by_id(conn, case_id)
            outcome = await route_locked(conn, row, now=now, request_id=request_id)
            await outbox.mark_done(conn, *job_keys(case_id))
    log.info("route_case", case_id=case_id, outcome=outcome)
    return outcome


async def note_pending(
    conn: asyncpg.Connection, case_id: int, *, now: datetime, request_id: str | None
) -> str:
    """A case still awaiting its acceptance decision gets one `routing_pending` event."""
    if await cases.has_event(conn, case_id, EventKind.ROUTING_PENDING):
        return "already_recorded"
    pending = EventKind.ROUTING_PENDING
    await cases.add_event(conn, case_id, pending, actor="system", at=now, request_id=request_id)
    return "awaiting_acceptance"


async def route_locked(
    conn: asyncpg.Connection, row: asyncpg.Record, *, now: datetime, request_id: str | None
) -> str:
    case_id = row["id"]
    if row["status"] == Status.RECEIVED:
        return await note_pending(conn, case_id, now=now, request_id=request_id)
    if row["status"] == Status.MERCHANT_TO_CONFIRM:
        return "awaiting_merchant"
    if row["status"] != Status.ACCEPTED or row["route"] is not None:
        return "already_routed"
    merchant_id = row["merchant_id"]
    if merchant_id is None:
        policy = merchants.match_policy(await store.policy(conn, local_date(now)))
        found = await merchants.link_for_case(conn, row, policy)
        if isinstance(found, merchants.ToConfirm):
            await _await_merchant(conn, row, found, now=now, request_id=request_id)
            return "merchant_to_confirm"
        merchant_id = found.merchant_id
        await cases.add_system_event(
            conn, case_id, EventKind.MERCHANT_LINKED, found.payload(), at=now, request_id=request_id
        )
    decision = await decide(conn, row, merchant_id, local_date(now))
    await apply_route(
        conn,
        row,
        decision,
        merchant_id,
        now=now,
        actor="system",
        event=EventKind.ROUTED,
        request_id=request_id,
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


async def apply_route(
    conn: asyncpg.Connection,
    row: asyncpg.Record,
    decision: RoutingDecision,
    merchant_id: int | None,
    *,
    now: datetime,
    actor: str,
    event: EventKind,
    request_id: str | None = None,
    extra: dict[str, Any] | None = None,
) -> None:
    new = apply(state_of(row), ROUTE_ACTIONS[decision.route])
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
        await open_first_payment(conn, row, await payer_of(conn, decision, merchant_id), now=now, actor=actor)
    if decision.route is Route.MEDIATION:
        await queues.enter_queue(conn, row, now=now, actor=actor, request_id=request_id)


async def payer_of(
    conn: asyncpg.Connection, decision: RoutingDecision, merchant_id: int | None
) -> int | None:
    """Whose commitment pays; else the platform when it cannot name the seller (CPL art. 44); else the
    business that received the claim (food and drugs; an exhibition organiser or counter lessor)."""
    if decision.payer_id is not None:
        return decision.payer_id
    if merchant_id is not None and any(hit.rule == "platform_unidentified" for hit in decision.fired):
        merchant = await store.merchant(conn, merchant_id)
        if merchant is not None and merchant["parent_id"] is not None:
            return int(merchant["parent_id"])
    return merchant_id


async def reply_due(conn: asyncpg.Connection, rule_set_id: str, today: date) -> date:
    """The merchant's reply deadline from today: the routing policy sets the period (a row, versioned
    like the rule sets)."""
    rules = await reference.rule_set(conn, rule_set_id)
    calendar = await reference.work_calendar_from(conn, today, 60)
    policy = await store.policy(conn, today)
    rules_with_policy = dataclasses.replace(rules, merchant_reply_days=policy["merchant_reply_days"])
    return deadlines.reply_deadline(calendar, rules_with_policy, today).due


async def first_payment_opened(
    conn: asyncpg.Connection, row: asyncpg.Record, payer_id: int, due: date, *, now: datetime, actor: str
) -> None:
    payload = {"payer_id": payer_id, "amount_fen": row["claim_amount_fen"], "reply_due": due.isoformat()}
    await cases.add_event(
        conn, row["id"], EventKind.FIRST_PAYMENT_OPENED, actor=actor, at=now, payload=payload
    )


async def open_first_payment(
    conn: asyncpg.Connection, row: asyncpg.Record, payer_id: int | None, *, now: datetime, actor: str
) -> None:
    """The merchant (or the holder of the deposit) has N days from today to pay or to answer."""
    if payer_id is None:
        return
    due = await reply_due(conn, row["rule_set_id"], local_date(now))
    if await first_payments.open_flow(conn, row["id"], payer_id, row["claim_amount_fen"], due):
        await first_payment_opened(conn, row, payer_id, due, now=now, actor=actor)


def _override_input(cmd: OverrideRoute) -> tuple[Route, str]:
    errors = []
    target = None
    try:
        target = Route(str(cmd.route))
    except ValueError:
        errors.append(FieldError("route", "unknown_code", "请选择处理方式", "Choose a route"))
    clean_reason = cmd.reason.strip() if isinstance(cmd.reason, str) else ""
    if not clean_reason or len(clean_reason) > 2000:
        errors.append(
            FieldError("reason", "required", "请写明改变处理方式的理由", "Say why the route changes")
        )
    if errors or target is None:
        raise ValidationFailed(errors)
    return target, clean_reason


async def override(
    pool: asyncpg.Pool, case_id: int, actor: StaffUser, cmd: OverrideRoute, *, now: datetime
) -> str:
    """A supervisor sends the case down another route, saying why."""
    target, clean_reason = _override_input(cmd)
    async with pool.acquire() as conn, conn.transaction():
        row = await locked_record(conn, case_id)
        apply(state_of(row), ROUTE_ACTIONS[target])  # refuse an illegal move before anything is written
        merchant_id = row["merchant_id"]
        if merchant_id is None:  # not routed yet: the merchant is found first, as the job would
            policy = merchants.match_policy(await store.policy(conn, local_date(now)))
            found = await merchants.link_for_case(conn, row, policy)
            if isinstance(found, merchants.ToConfirm):
                raise merchant_match.LinkRefused(
                    "merchant_unconfirmed",
                    "登记库中有相近的商家，请先确认被投诉的经营者 / Confirm the merchant first",
                )
            merchant_id = found.merchant_id
            await cases.add_event(
                conn, case_id, EventKind.MERCHANT_LINKED, actor=actor.actor, at=now, payload=found.payload()
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
        await apply_route(
            conn,
            row,
            forced,
            merchant_id,
            now=now,
            actor=actor.actor,
            event=EventKind.ROUTE_OVERRIDDEN,
            extra={"from": row["route"], "to": target.value, "reason": clean_reason},
        )
    return target.value


def _label(r: Route) -> str:
    return ROUTE_LABELS[r][0]


async def _await_merchant(
    conn: asyncpg.Connection,
    row: asyncpg.Record,
    found: merchants.ToConfirm,
    *,
    now: datetime,
    request_id: str | None,
) -> None:
    new = apply(state_of(row), Action.AWAIT_MERCHANT)
    candidates = [s.to_json() for s in found.candidates]
    await merchant_store.await_merchant(conn, row["id"], status=new.status, candidates=candidates, at=now)
    to_confirm = {"candidates": candidates}
    await cases.add_system_event(
        conn, row["id"], EventKind.MERCHANT_TO_CONFIRM, to_confirm, at=now, request_id=request_id
    )
