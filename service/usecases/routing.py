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
from datetime import datetime
from typing import Any

import asyncpg
import structlog

from domain import deadlines, merchant_match
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
from service.store import merchants as merchant_store
from service.store import routing as store
from service.store.staff import StaffUser
from service.usecases import merchants, queues
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
        await cases.add_event(
            conn,
            case_id,
            "merchant_linked",
            actor="system",
            at=now,
            payload=found.payload(),
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
                conn, case_id, "merchant_linked", actor=actor.actor, at=now, payload=found.payload()
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


# --- the merchant a person confirms, and re-linking ------------------------------------------------


async def _await_merchant(
    conn: asyncpg.Connection,
    row: asyncpg.Record,
    found: merchants.ToConfirm,
    *,
    now: datetime,
    request_id: str | None,
) -> None:
    new = apply(_state(row), Action.AWAIT_MERCHANT)
    candidates = [s.to_json() for s in found.candidates]
    await merchant_store.await_merchant(conn, row["id"], status=new.status, candidates=candidates, at=now)
    await cases.add_event(
        conn,
        row["id"],
        "merchant_to_confirm",
        actor="system",
        at=now,
        payload={"candidates": candidates},
        request_id=request_id,
    )


def _merchant_id(raw: object, field: str = "merchant_id") -> int:
    if isinstance(raw, str) and raw.strip().isascii() and raw.strip().isdigit():
        raw = int(raw.strip())
    if not isinstance(raw, int) or isinstance(raw, bool) or not 0 < raw < 2**63:
        raise ValidationFailed(
            [FieldError(field, "invalid_id", "请选择商家（商家编号）", "Choose a merchant (its id)")]
        )
    return raw


async def _registry_merchant(conn: asyncpg.Connection, merchant_id: int) -> merchant_store.Merchant:
    found = await merchant_store.by_id(conn, merchant_id)
    if found is None or found.merged_into is not None:
        raise ValidationFailed(
            [FieldError("merchant_id", "unknown_merchant", "没有这个编号的商家", "No merchant with this id")]
        )
    return found


async def confirm_merchant(
    pool: asyncpg.Pool,
    case_id: int,
    actor: StaffUser,
    *,
    merchant_id: object = None,
    not_in_registry: bool = False,
    now: datetime,
    request_id: str | None = None,
) -> str:
    """A clerk or supervisor answers `merchant_to_confirm`: this registry merchant, or "not in the
    registry" (an unverified merchant is made from the complaint). Routing then runs; returns its route."""
    chosen = None if not_in_registry else _merchant_id(merchant_id)
    async with pool.acquire() as conn, conn.transaction():
        row = await _locked(conn, case_id)
        new = apply(_state(row), Action.CONFIRM_MERCHANT)  # 409 unless the case waits for this answer
        offered = {c["merchant_id"]: c for c in row["merchant_candidates"] or []}
        if chosen is None:
            linked_id, how = await merchants.create_from_case(conn, row)
            payload: dict[str, Any] = {"merchant_id": linked_id, "how": how, "not_in_registry": True}
        else:
            linked_id = (await _registry_merchant(conn, chosen)).id
            payload = {"merchant_id": linked_id, "how": "confirmed"}
            if linked_id in offered:
                payload["score"] = offered[linked_id]["score"]
        payload["candidates"] = sorted(offered)
        await merchant_store.link_case(conn, case_id, status=new.status, merchant_id=linked_id, at=now)
        await cases.add_event(
            conn,
            case_id,
            "merchant_linked",
            actor=actor.actor,
            at=now,
            payload=payload,
            request_id=request_id,
        )
        fresh = await cases.by_id(conn, case_id)
        assert fresh is not None
        outcome = await _route_locked(conn, fresh, now=now, request_id=request_id)
    log.info("merchant_confirmed", case_id=case_id, outcome=outcome)
    return outcome


RELINKABLE = frozenset({Status.FIRST_PAYMENT, Status.MEDIATION, Status.ARBITRATION})
NOTE_MAX = 500


def _reason(raw: object) -> str:
    clean = raw.strip() if isinstance(raw, str) else ""
    if not clean or len(clean) > NOTE_MAX:
        raise ValidationFailed(
            [
                FieldError(
                    "reason",
                    "required",
                    f"请写明更换商家的理由（不超过{NOTE_MAX}字）",
                    f"Say why the merchant changes (at most {NOTE_MAX} characters)",
                )
            ]
        )
    return clean


async def relink(
    pool: asyncpg.Pool,
    case_id: int,
    actor: StaffUser,
    merchant_id: object,
    reason: object,
    *,
    now: datetime,
    request_id: str | None = None,
) -> str:
    """Link a routed case to another registry merchant before it closes, saying why; routing runs again
    and the `merchant_relinked` event says what changed. Returns the route."""
    target_id, note = _merchant_id(merchant_id), _reason(reason)
    async with pool.acquire() as conn, conn.transaction():
        row = await _locked(conn, case_id)
        if row["status"] == Status.MERCHANT_TO_CONFIRM:
            raise merchant_match.LinkRefused(
                "awaiting_confirmation",
                "该案件正等待确认商家，请在候选商家中确认 / Confirm the merchant instead",
            )
        if row["status"] not in RELINKABLE:
            raise merchant_match.LinkRefused(
                "not_routed",
                "只有已分流、尚未办结的案件可以更换商家 / Only a routed, open case can be re-linked",
            )
        target = await _registry_merchant(conn, target_id)
        if target.id == row["merchant_id"]:
            raise ValidationFailed(
                [FieldError("merchant_id", "same", "案件已关联该商家", "The case is linked to it already")]
            )
        previous = await merchant_store.by_id(conn, row["merchant_id"]) if row["merchant_id"] else None
        return await _relink_locked(
            conn, row, target, note, previous=previous, actor=actor.actor, now=now, request_id=request_id
        )


async def _relink_locked(
    conn: asyncpg.Connection,
    row: asyncpg.Record,
    target: merchant_store.Merchant,
    note: str,
    *,
    previous: merchant_store.Merchant | None,
    actor: str,
    now: datetime,
    request_id: str | None,
) -> str:
    case_id = row["id"]
    fp = await first_payments.get(conn, case_id)
    if fp is not None and fp["state"] not in ("notified", "cancelled"):
        raise merchant_match.LinkRefused(
            "first_payment_settled",
            "先行赔付已有结果，不能更换商家 / The first payment has an outcome; the merchant cannot change",
        )
    decision = await decide(conn, row, target.id, local_date(now))
    after = decision.to_json()
    changes = merchant_match.relink_changes(
        row["route_explanation"],
        after,
        from_name=previous.name if previous else None,
        to_name=target.name,
        route_labels={r.value: label[0] for r, label in ROUTE_LABELS.items()},
    )
    await cases.add_event(
        conn,
        case_id,
        "merchant_relinked",
        actor=actor,
        at=now,
        payload={
            "from_merchant_id": row["merchant_id"],
            "merchant_id": target.id,
            "note": note,
            "route_before": row["route"],
            "route_after": decision.route.value,
            "changes": changes,
        },
        request_id=request_id,
    )
    if decision.route.value != row["route"]:
        if fp is not None and fp["state"] == "notified":
            await first_payments.set_state(conn, case_id, "cancelled", note=f"更换商家：{note}")
        await _apply_route(
            conn,
            row,
            decision,
            target.id,
            now=now,
            actor=actor,
            event="rerouted",
            request_id=request_id,
            extra={"from": row["route"], "to": decision.route.value, "note": note, "changes": changes},
        )
        return decision.route.value
    await store.set_route(
        conn,
        case_id,
        status=row["status"],
        route=decision.route.value,
        explanation=after,
        merchant_id=target.id,
        at=now,
    )
    if decision.route is Route.FIRST_PAYMENT and fp is not None and fp["state"] == "notified":
        payer = await _payer(conn, decision, target.id)
        if payer is not None and payer != fp["payer_id"]:
            await _repoint_first_payment(conn, row, payer, now=now, actor=actor)
    return decision.route.value


async def _repoint_first_payment(
    conn: asyncpg.Connection, row: asyncpg.Record, payer_id: int, *, now: datetime, actor: str
) -> None:
    """The new payer gets its own full reply period from today."""
    today = local_date(now)
    rules = await reference.rule_set(conn, row["rule_set_id"])
    calendar = await reference.work_calendar_from(conn, today, 60)
    policy = await store.policy(conn, today)
    rules_with_policy = dataclasses.replace(rules, merchant_reply_days=policy["merchant_reply_days"])
    due = deadlines.reply_deadline(calendar, rules_with_policy, today)
    if await first_payments.repoint(conn, row["id"], payer_id, due.due, now):
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


async def merge_merchant(
    pool: asyncpg.Pool, merchant_id: int, into_id: object, actor: StaffUser, *, now: datetime
) -> merchants.Merged:
    """Merge a duplicate into the registered merchant (see merchants.merge_in) and, in the same
    transaction, route its open cases again against the merchant they now belong to."""
    async with pool.acquire() as conn, conn.transaction():
        merged = await merchants.merge_in(conn, merchant_id, into_id, actor.actor, now=now)
        target = await _registry_merchant(conn, merged.into_id)
        for case_id in merged.case_ids:
            row = await _locked(conn, case_id)
            if row["status"] not in RELINKABLE:
                continue  # not routed yet (routed later against the new merchant) or closed
            fp = await first_payments.get(conn, case_id)
            if fp is not None and fp["state"] not in ("notified", "cancelled"):
                continue  # money moved under the old link: that stands
            await _relink_locked(
                conn,
                row,
                target,
                "合并重复的商家档案",
                previous=merged.source,
                actor=actor.actor,
                now=now,
                request_id=None,
            )
    log.info("merchant_merged", merchant_id=merchant_id, cases=len(merged.case_ids))
    return merged
