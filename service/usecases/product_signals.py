"""Product risk signals (policy art. 19, issue 18 §4): when accepted complaints name the same product
(brand and model) across at least the disclosure policy's number of merchants, with at least its number
of complaints, within its window, the supervisor is signalled once; a spot check, a notice to the recall
authority or a dismissal (with a reason) are decisions for people. Counted: accepted complaints (not
rejected, not spam); a merchant is its registry entry, or the credit code or name written for a shop not
in the registry (product_signals_candidates.sql). The signals as listed are read by
service.queries.product_signals.
"""

from __future__ import annotations

from datetime import date, datetime

import asyncpg

from domain import product_risk as rules
from domain.events import EventKind
from service.store import cases, disclosure
from service.store import product_signals as store
from service.store.staff import StaffUser
from service.usecases import alerts
from service.usecases.clock import local_date
from service.usecases.product_signal_commands import DecideProductSignal, ProductSignalDecided

DECISION_EVENTS = {
    rules.SignalAction.SPOT_CHECK: EventKind.PRODUCT_SIGNAL_SPOT_CHECK,
    rules.SignalAction.RECALL_NOTICE: EventKind.PRODUCT_SIGNAL_RECALL_NOTICE,
    rules.SignalAction.DISMISSED: EventKind.PRODUCT_SIGNAL_DISMISSED,
}
DECISIONS = alerts.Decisions(
    store.lock_signal, store.decide_signal, "product signal", ("signal_decided", "该产品风险信号已作出处置")
)


async def detect(pool: asyncpg.Pool, *, now: datetime) -> list[int]:
    """Raise a signal for each product newly at the thresholds (an event on it and on each of its cases);
    returns the new signal ids. Idempotent: an open signal grows, and after a decision a new signal comes
    only when the product has grown beyond the cases the decision covered."""
    async with pool.acquire() as conn, conn.transaction():
        return await _detect(conn, now, only=None)


async def detect_on_acceptance(conn: asyncpg.Connection, case_id: int, *, now: datetime) -> list[int]:
    """In the acceptance's transaction: the check for the accepted case's product, so the supervisor
    hears of it when the case that crosses the thresholds is accepted, not at the next hourly sweep."""
    key = await store.case_product_key(conn, case_id)
    if key is None:
        return []
    return await _detect(conn, now, only=key)


async def _detect(conn: asyncpg.Connection, now: datetime, *, only: str | None) -> list[int]:
    today = local_date(now)
    await store.lock_sweep(conn)
    policy = await disclosure.policy_on(conn, today)
    window = rules.signal_window(policy, today)
    found = await store.candidates(
        conn, window, policy.product_signal_complaints, policy.product_signal_merchants, only=only
    )
    raised: list[int] = []
    for step in rules.signal_steps(found, policy, today):
        signal_id = await _apply(conn, step, window, now)
        if signal_id is not None and step.kind == "raise":
            raised.append(signal_id)
    return raised


async def _apply(
    conn: asyncpg.Connection, step: rules.SignalStep, window: tuple[date, date], now: datetime
) -> int | None:
    """Write one step: the signal (new or grown), its own event and an event on each new case."""
    c = step.candidate
    ids, merchants = [k.case_id for k in step.counted], list(step.merchants)
    if step.kind == "raise":
        signal_id = await store.add_signal(conn, c.product_key, step.category, window, ids, merchants, now)
        if signal_id is None:
            return None
        count: int | None = len(ids)
        kind = EventKind.PRODUCT_SIGNAL_RAISED
    else:
        assert c.last_signal_id is not None
        signal_id = c.last_signal_id
        count = await store.grow_signal(conn, signal_id, list(step.new_case_ids), merchants, window[1])
        if count is None:
            return None
        kind = EventKind.PRODUCT_SIGNAL_GROWN
    payload = {
        "signal_id": signal_id,
        "count": count,
        "merchants": len(merchants),
        "case_ids": list(step.new_case_ids),
        "window_start": window[0].isoformat(),
        "window_end": window[1].isoformat(),
    }
    await store.add_event(conn, signal_id, kind, actor="system", at=now, payload=payload)
    for case_id in step.new_case_ids:
        await cases.add_system_event(
            conn, case_id, EventKind.PRODUCT_SIGNAL_RAISED, {"signal_id": signal_id, "count": count}, at=now
        )
    return signal_id


async def decide(
    pool: asyncpg.Pool, signal_id: int, actor: StaffUser, cmd: DecideProductSignal, *, now: datetime
) -> ProductSignalDecided:
    """The supervisor's action on a signal (once): recorded on the signal, in its history and on each of
    its cases. Raises ValidationFailed (no action; a dismissal without a reason), NotFound, or
    CaseworkConflict when it was decided already."""
    chosen, clean_note = rules.signal_decision_input(cmd.decision, cmd.note)
    kind = DECISION_EVENTS[chosen]
    payload = {"signal_id": signal_id, "decision": chosen.value, "note": clean_note}
    async with pool.acquire() as conn, conn.transaction():
        await DECISIONS.record(conn, signal_id, kind, payload, actor=actor, now=now)
        await store.add_event(conn, signal_id, kind, actor=actor.actor, at=now, payload=payload)
    return ProductSignalDecided(signal_id, chosen.value)
