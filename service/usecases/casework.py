"""Staff casework: acceptance decisions, pauses, the overdue flag and deadlines recomputed with a new
calendar (the queue and a case's file are read in service.queries.cases).

Each action takes its command (service.usecases.casework_commands) and is one case_step: it locks the
case, checks the holder and the state machine, updates the case and appends an event carrying the actor.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import asyncpg

from domain import acceptance
from domain import deadlines as domain_deadlines
from domain.calendar import Deadline
from domain.errors import FieldError, ValidationFailed, one_of
from domain.events import EventKind
from domain.lifecycle import Action
from service.store import cases, outbox, reference
from service.store.staff import StaffUser
from service.usecases import clusters, product_signals
from service.usecases.case_step import CaseStep, case_step, system_events
from service.usecases.casework_commands import Accept, Pause, Reject
from service.usecases.clock import local_date
from service.usecases.deadlines import MEDIATION_WINDOW_DAYS, iso, mediation_due_now

PAUSE_REASONS: dict[str, tuple[str, str]] = {
    "testing": ("商品检验、检测、鉴定", "Product testing or appraisal"),
    "recusal": ("当事人申请调解员回避", "A party asked for another mediator"),
    "evidence": ("等待补充证据材料", "Awaiting evidence"),
    "other": ("其他", "Other"),
}


async def accept(
    pool: asyncpg.Pool, case_id: int, actor: StaffUser, cmd: Accept | None, *, now: datetime
) -> date:
    """Accept a complaint (受理); the mediation clock starts. Returns the mediation deadline."""
    clean_note = acceptance.validate_note((cmd or Accept()).note, required=False)
    today = local_date(now)
    async with case_step(pool, case_id, now=now, actor=actor, action=Action.ACCEPT) as step:
        c = step.case
        rules = await reference.rule_set(step.conn, c.rule_set_id)
        calendar = await reference.work_calendar_from(step.conn, today, MEDIATION_WINDOW_DAYS)
        due = domain_deadlines.mediation_deadline(calendar, rules, today, (), today)
        await _decide(step, actor, note=clean_note, accepted_on=today, due=due)
        payload = {
            "note": clean_note,
            "accepted_on": today.isoformat(),
            "mediation_due": due.due.isoformat(),
            "mediation_due_provisional": due.provisional,
            "on_time": today <= c.acceptance_due,
        }
        await step.event(EventKind.ACCEPTED, payload)
        await clusters.detect_on_acceptance(step.conn, c.merchant_id, c.category, now=now)
        await product_signals.detect_on_acceptance(step.conn, case_id, now=now)
        # routing runs as a job once the acceptance commits (the same idempotent job as at intake)
        key = f"route_case:{case_id}:accepted"
        await outbox.add(step.conn, "route_case", key=key, args={"case_id": case_id}, request_id=None)
    return due.due


async def _decide(
    step: CaseStep,
    actor: StaffUser,
    *,
    note: str | None,
    ground: int | None = None,
    accepted_on: date | None = None,
    due: Deadline | None = None,
) -> None:
    """Record the acceptance decision (受理 with its mediation deadline, or 不予受理 on a ground)."""
    await cases.decide(
        step.conn,
        step.case.id,
        status=step.after.status,
        at=step.now,
        by=actor.id,
        ground=ground,
        note=note,
        accepted_on=accepted_on,
        mediation_due=due.due if due else None,
        mediation_due_provisional=due.provisional if due else False,
    )


async def reject(pool: asyncpg.Pool, case_id: int, actor: StaffUser, cmd: Reject, *, now: datetime) -> None:
    """Decide not to accept (不予受理) on one of the seven grounds, saying why."""
    valid_ground, clean_note = acceptance.validate_decision(cmd.ground, cmd.note)
    async with case_step(pool, case_id, now=now, actor=actor, action=Action.REJECT) as step:
        await _decide(step, actor, note=clean_note, ground=int(valid_ground))
        on_time = step.today <= step.case.acceptance_due
        await step.event(
            EventKind.REJECTED, {"ground": int(valid_ground), "note": clean_note, "on_time": on_time}
        )


def _pause_input(cmd: Pause, today: date) -> tuple[str, str | None, date | None]:
    errors = []
    if not one_of(cmd.reason, PAUSE_REASONS):
        errors.append(FieldError("reason", "unknown_code", "请选择暂停原因", "Choose a reason"))
    clean_note = None
    try:
        clean_note = acceptance.validate_note(cmd.note, required=cmd.reason == "other")
    except ValidationFailed as exc:
        errors += exc.errors
    end = None
    if cmd.expected_end not in (None, ""):
        try:
            end = date.fromisoformat(str(cmd.expected_end))
        except ValueError:
            errors.append(
                FieldError("expected_end", "invalid_date", "日期格式应为 年-月-日", "Use YYYY-MM-DD")
            )
        else:
            if end < today:
                errors.append(
                    FieldError("expected_end", "in_past", "预计结束日期不能早于今天", "Cannot be in the past")
                )
    if errors:
        raise ValidationFailed(errors)
    return str(cmd.reason), clean_note, end


async def pause(pool: asyncpg.Pool, case_id: int, actor: StaffUser, cmd: Pause, *, now: datetime) -> None:
    """Stop the clock; resuming moves the mediation deadline by the paused time."""
    today = local_date(now)
    clean_reason, clean_note, end = _pause_input(cmd, today)
    async with case_step(pool, case_id, now=now, actor=actor, action=Action.PAUSE) as step:
        c = step.case
        await cases.start_pause(step.conn, case_id, clean_reason, clean_note, today, end, actor.id)
        await cases.set_paused(
            step.conn, case_id, step.after.paused, c.mediation_due, c.mediation_due_provisional, now
        )
        await step.event(
            EventKind.PAUSED, {"reason": clean_reason, "note": clean_note, "expected_end": iso(end)}
        )


async def resume(pool: asyncpg.Pool, case_id: int, actor: StaffUser, *, now: datetime) -> date | None:
    """Restart the clock; the mediation deadline moves by the paused time. Returns the new deadline."""
    async with case_step(pool, case_id, now=now, actor=actor, action=Action.RESUME) as step:
        c = step.case
        await cases.end_pause(step.conn, case_id, step.today, actor.id)
        due: Deadline | None = None
        if c.accepted_on is not None:
            due = await mediation_due_now(step.conn, case_id, c.rule_set_id, c.accepted_on, step.today)
        await cases.set_paused(
            step.conn,
            case_id,
            step.after.paused,
            due.due if due else None,
            due.provisional if due else False,
            now,
        )
        await step.event(
            EventKind.RESUMED,
            {"previous_due": iso(c.mediation_due), "mediation_due": iso(due.due) if due else None},
        )
    return due.due if due else None


async def flag_overdue_acceptances(pool: asyncpg.Pool, *, now: datetime) -> int:
    """Flag, once each, the cases whose acceptance deadline passed undecided. Nothing is decided."""
    async with pool.acquire() as conn, conn.transaction():
        return await system_events(
            conn,
            await cases.flag_acceptance_overdue(conn, local_date(now), now),
            EventKind.ACCEPTANCE_OVERDUE,
            lambda r: {"acceptance_due": r["acceptance_due"].isoformat()},
            case_key="id",
            now=now,
        )


async def recompute_provisional(conn: asyncpg.Connection, *, now: datetime) -> list[int]:
    """Recompute every provisional deadline with the calendar as it is now; an event on each case changed.

    Runs inside the caller's transaction (the calendar load), so the new year and the new deadlines
    commit together.
    """
    today = local_date(now)
    touched = []
    for row in await cases.provisional_for_update(conn):
        rules = await reference.rule_set(conn, row["rule_set_id"])
        calendar = await reference.work_calendar_from(conn, row["received_on"], 60)
        acc = domain_deadlines.acceptance_deadline(calendar, rules, row["received_on"])
        med: tuple[date | None, bool] = (row["mediation_due"], row["mediation_due_provisional"])
        if row["accepted_on"] is not None and row["mediation_due"] is not None:
            m = await mediation_due_now(conn, row["id"], row["rule_set_id"], row["accepted_on"], today)
            med = (m.due, m.provisional)
        old = {
            "acceptance_due": (row["acceptance_due"], row["acceptance_due_provisional"]),
            "mediation_due": (row["mediation_due"], row["mediation_due_provisional"]),
        }
        new = {"acceptance_due": (acc.due, acc.provisional), "mediation_due": med}
        if old == new:
            continue
        await cases.set_deadlines(conn, row["id"], (acc.due, acc.provisional), med)
        changes: dict[str, Any] = {
            name: {"from": iso(old[name][0]), "to": iso(new[name][0]), "provisional": new[name][1]}
            for name in old
            if old[name] != new[name]
        }
        await cases.add_event(
            conn, row["id"], EventKind.DEADLINE_RECOMPUTED, actor="system", at=now, payload=changes
        )
        touched.append(row["id"])
    return touched
