"""Recusal (回避): a party asks for another mediator; the clock stops until a supervisor grants (optionally
naming another mediator) or denies, and the mediation deadline then moves by the paused time."""

from __future__ import annotations

from datetime import datetime

import asyncpg

from domain import mediation as rules
from domain.calendar import Deadline
from domain.errors import FieldError, NotFound, ValidationFailed
from domain.events import EventKind
from domain.lifecycle import Action, apply
from domain.mediation import MediationConflict
from service.store import cases
from service.store import mediation as store
from service.store.staff import StaffUser
from service.usecases.case_step import CaseStep, case_step
from service.usecases.deadlines import iso, mediation_due_now
from service.usecases.mediation.commands import DecideRecusal, RequestRecusal
from service.usecases.mediation.steps import mediation_step
from service.usecases.mediation.views import MediationEntry, RecusalDecided


async def request_recusal(
    pool: asyncpg.Pool, case_id: int, actor: StaffUser, cmd: RequestRecusal, *, now: datetime
) -> MediationEntry:
    """A party asks for another mediator: the clock stops until a supervisor decides."""
    r = rules.recusal_input(cmd.party, cmd.reason)
    async with mediation_step(pool, case_id, actor, now=now) as step:
        row = step.case
        if await store.open_recusal(step.conn, case_id):
            raise MediationConflict("recusal_pending", "本案已有待决定的回避申请")
        new = apply(row.state, Action.PAUSE)
        recusal_id = await store.add_recusal(
            step.conn, case_id, party=r.party, reason=r.reason, at=now, by=actor.id, mediator=row.assigned_to
        )
        note = f"{rules.PARTIES[r.party][0]}申请回避：{r.reason}"
        await cases.start_pause(step.conn, case_id, "recusal", note, step.today, None, actor.id)
        await cases.set_paused(
            step.conn, case_id, new.paused, row.mediation_due, row.mediation_due_provisional, now
        )
        await step.event(
            EventKind.RECUSAL_REQUESTED,
            {"recusal_id": recusal_id, "party": r.party, "reason": "recusal", "note": r.reason},
        )
    return MediationEntry(recusal_id, case_id)


def _mediator_refused(code: str, zh: str, en: str) -> ValidationFailed:
    return ValidationFailed([FieldError("new_mediator", code, zh, en)])


async def _check_new_mediator(step: CaseStep, new_mediator: int) -> None:
    if await store.mediator(step.conn, new_mediator) is None:
        raise _mediator_refused("not_found", "应为在职的调解员", "Not an active mediator")
    if new_mediator == step.case.assigned_to:
        raise _mediator_refused("same_mediator", "应为另一名调解员", "Choose another mediator")


async def _resume(step: CaseStep, actor: StaffUser) -> Deadline | None:
    """The clock restarts: the pause ends and the mediation deadline moves by the paused time."""
    row, conn = step.case, step.conn
    new = apply(row.state, Action.RESUME)
    await cases.end_pause(conn, row.id, step.today, actor.id)
    due = None
    if row.accepted_on is not None:
        due = await mediation_due_now(conn, row.id, row.rule_set_id, row.accepted_on, step.today)
    await cases.set_paused(
        conn,
        row.id,
        new.paused,
        due.due if due else row.mediation_due,
        due.provisional if due else row.mediation_due_provisional,
        step.now,
    )
    return due


async def decide_recusal(
    pool: asyncpg.Pool, case_id: int, recusal_id: int, actor: StaffUser, cmd: DecideRecusal, *, now: datetime
) -> RecusalDecided:
    """A supervisor grants (optionally naming another mediator) or denies; either way the clock restarts
    and the mediation deadline moves by the paused time."""
    d = rules.recusal_decision(cmd.decision, cmd.new_mediator, cmd.note)
    async with case_step(pool, case_id, now=now, actor=actor) as step:
        row = step.case
        rec = await store.lock_recusal(step.conn, recusal_id, case_id)
        if rec is None:
            raise NotFound(f"recusal {recusal_id} of case {case_id}")
        if rec["decided_at"] is not None:
            raise MediationConflict("recusal_decided", "该回避申请已作出决定")
        if d.new_mediator is not None:
            await _check_new_mediator(step, d.new_mediator)
        await store.decide_recusal(
            step.conn,
            recusal_id,
            at=now,
            decision=d.decision,
            by=actor.id,
            new_mediator=d.new_mediator,
            note=d.note,
        )
        if d.new_mediator is not None:
            await store.assign(step.conn, case_id, d.new_mediator, now)
            # the same ownership story as a supervisor's reassignment in the queues
            await step.event(
                EventKind.REASSIGNED, {"from": row.assigned_to, "to": d.new_mediator, "recusal": True}
            )
        due = await _resume(step, actor) if row.paused else None
        mediation_due = due.due if due else row.mediation_due
        await step.event(
            EventKind.RECUSAL_DECIDED,
            {
                "recusal_id": recusal_id,
                "decision": d.decision,
                "new_mediator": d.new_mediator,
                "note": d.note,
                "previous_due": iso(row.mediation_due),
                "mediation_due": iso(mediation_due),
            },
        )
    return RecusalDecided(recusal_id, case_id, d.decision, mediation_due)
