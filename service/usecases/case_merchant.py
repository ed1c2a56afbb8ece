"""The case's merchant after acceptance (DESIGN §2.5 item 6): a person confirms the merchant the search
could not be sure of, or re-links a routed case to another registry merchant; merging a duplicate
merchant re-links its open cases. Routing (service.usecases.routing) runs again each time and the
history says what changed."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import asyncpg
import structlog

from domain import merchant_match
from domain.errors import ValidationFailed
from domain.events import EventKind
from domain.lifecycle import Action, Status, apply
from domain.routing import ROUTE_LABELS, Route, RoutingDecision
from service.store import cases, first_payments
from service.store import merchants as merchant_store
from service.store import routing as store
from service.store.staff import StaffUser
from service.usecases import merchants
from service.usecases.clock import local_date
from service.usecases.routing import (
    apply_route,
    decide,
    first_payment_opened,
    locked_record,
    payer_of,
    reply_due,
    route_locked,
    state_of,
)
from service.usecases.routing_commands import ConfirmMerchant, RelinkMerchant

log = structlog.get_logger("routing")


def _merchant_id(raw: object, field: str = "merchant_id") -> int:
    if isinstance(raw, str) and raw.strip().isascii() and raw.strip().isdigit():
        raw = int(raw.strip())
    if not isinstance(raw, int) or isinstance(raw, bool) or not 0 < raw < 2**63:
        raise ValidationFailed.one(
            field, "invalid_id", "请选择商家（商家编号）", "Choose a merchant (its id)"
        )
    return raw


async def _registry_merchant(conn: asyncpg.Connection, merchant_id: int) -> merchant_store.Merchant:
    found = await merchant_store.by_id(conn, merchant_id)
    if found is None or found.merged_into is not None:
        raise ValidationFailed.one(
            "merchant_id", "unknown_merchant", "没有这个编号的商家", "No merchant with this id"
        )
    return found


async def confirm_merchant(
    pool: asyncpg.Pool,
    case_id: int,
    actor: StaffUser,
    cmd: ConfirmMerchant,
    *,
    now: datetime,
    request_id: str | None = None,
) -> str:
    """A clerk or supervisor answers `merchant_to_confirm`: this registry merchant, or "not in the
    registry" (an unverified merchant is made from the complaint). Routing then runs; returns its route."""
    chosen = None if cmd.not_in_registry else _merchant_id(cmd.merchant_id)
    async with pool.acquire() as conn, conn.transaction():
        row = await locked_record(conn, case_id)
        new = apply(state_of(row), Action.CONFIRM_MERCHANT)  # 409 unless the case waits for this answer
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
            EventKind.MERCHANT_LINKED,
            actor=actor.actor,
            at=now,
            payload=payload,
            request_id=request_id,
        )
        fresh = await cases.by_id(conn, case_id)
        assert fresh is not None
        outcome = await route_locked(conn, fresh, now=now, request_id=request_id)
    log.info("merchant_confirmed", case_id=case_id, outcome=outcome)
    return outcome


RELINKABLE = frozenset({Status.FIRST_PAYMENT, Status.MEDIATION, Status.ARBITRATION})
NOTE_MAX = 500


def _reason(raw: object) -> str:
    clean = raw.strip() if isinstance(raw, str) else ""
    if not clean or len(clean) > NOTE_MAX:
        raise ValidationFailed.one(
            "reason",
            "required",
            f"请写明更换商家的理由（不超过{NOTE_MAX}字）",
            f"Say why the merchant changes (at most {NOTE_MAX} characters)",
        )
    return clean


async def relink(
    pool: asyncpg.Pool,
    case_id: int,
    actor: StaffUser,
    cmd: RelinkMerchant,
    *,
    now: datetime,
    request_id: str | None = None,
) -> str:
    """Link a routed case to another registry merchant before it closes, saying why; routing runs again
    and the `merchant_relinked` event says what changed. Returns the route."""
    target_id, note = _merchant_id(cmd.merchant_id), _reason(cmd.reason)
    async with pool.acquire() as conn, conn.transaction():
        row = await locked_record(conn, case_id)
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
            raise ValidationFailed.one(
                "merchant_id", "same", "案件已关联该商家", "The case is linked to it already"
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
        EventKind.MERCHANT_RELINKED,
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
        await apply_route(
            conn,
            row,
            decision,
            target.id,
            now=now,
            actor=actor,
            event=EventKind.REROUTED,
            request_id=request_id,
            extra={"from": row["route"], "to": decision.route.value, "note": note, "changes": changes},
        )
        return decision.route.value
    await _same_route(conn, row, decision, target.id, fp, now=now, actor=actor)
    return decision.route.value


async def _same_route(
    conn: asyncpg.Connection,
    row: asyncpg.Record,
    decision: RoutingDecision,
    merchant_id: int,
    fp: asyncpg.Record | None,
    *,
    now: datetime,
    actor: str,
) -> None:
    """The route stays: the case records the new merchant and explanation; a first payment still
    waiting for its answer moves to the new payer."""
    explanation = decision.to_json()
    await store.set_route(
        conn,
        row["id"],
        status=row["status"],
        route=decision.route.value,
        explanation=explanation,
        merchant_id=merchant_id,
        at=now,
    )
    if decision.route is Route.FIRST_PAYMENT and fp is not None and fp["state"] == "notified":
        payer = await payer_of(conn, decision, merchant_id)
        if payer is not None and payer != fp["payer_id"]:
            await _repoint_first_payment(conn, row, payer, now=now, actor=actor)


async def _repoint_first_payment(
    conn: asyncpg.Connection, row: asyncpg.Record, payer_id: int, *, now: datetime, actor: str
) -> None:
    """The new payer gets its own full reply period from today."""
    due = await reply_due(conn, row["rule_set_id"], local_date(now))
    if await first_payments.repoint(conn, row["id"], payer_id, due, now):
        await first_payment_opened(conn, row, payer_id, due, now=now, actor=actor)


async def merge_merchant(
    pool: asyncpg.Pool, merchant_id: int, into_id: object, actor: StaffUser, *, now: datetime
) -> merchants.Merged:
    """Merge a duplicate into the registered merchant (see merchants.merge_in) and, in the same
    transaction, route its open cases again against the merchant they now belong to."""
    async with pool.acquire() as conn, conn.transaction():
        merged = await merchants.merge_in(conn, merchant_id, into_id, actor.actor, now=now)
        target = await _registry_merchant(conn, merged.into_id)
        for case_id in merged.case_ids:
            row = await locked_record(conn, case_id)
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
