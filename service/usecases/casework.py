"""Staff casework: the queue, a case's file, acceptance decisions, pauses, and the overdue flag.

Each action is one transaction that locks the case row, applies the domain's state machine, updates the
case and appends an event carrying the actor.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

import asyncpg

from domain import acceptance, deadlines
from domain.calendar import Deadline, Pause, add_working_days, working_days_between
from domain.errors import FieldError, Forbidden, NotFound, ValidationFailed, one_of
from domain.lifecycle import Action, CaseState, Status, allowed_actions, apply
from domain.roles import case_holder_refusal
from service.store import cases, outbox, reference, staff
from service.store.staff import StaffUser
from service.usecases import clusters
from service.usecases.clock import local_date

PAUSE_REASONS: dict[str, tuple[str, str]] = {
    "testing": ("商品检验、检测、鉴定", "Product testing or appraisal"),
    "recusal": ("当事人申请调解员回避", "A party asked for another mediator"),
    "evidence": ("等待补充证据材料", "Awaiting evidence"),
    "other": ("其他", "Other"),
}
MEDIATION_WINDOW_DAYS = 400  # room for 60 days or 45 working days plus pauses


@dataclass(frozen=True, slots=True)
class QueueItem:
    id: int
    tracking_no: str
    status: str
    paused: bool
    received_at: datetime
    merchant_name: str
    category: str
    subdistrict: str | None
    next_due: date | None
    provisional: bool
    working_days_left: int | None  # negative: overdue
    overdue_flagged: bool
    due_kind: str = "mediation"  # next_due is the "acceptance", "reply" (merchant) or "mediation" deadline


@dataclass(frozen=True, slots=True)
class Queue:
    items: list[QueueItem]
    total: int


async def queue(
    pool: asyncpg.Pool,
    *,
    today: date,
    statuses: Sequence[str] | None = None,
    subdistrict: str | None = None,
    category: str | None = None,
    overdue: bool = False,
    due_within: int | None = None,
    limit: int = 50,
    offset: int = 0,
) -> Queue:
    """Cases by nearest deadline, each with its countdown in working days."""
    async with pool.acquire() as conn:
        calendar = await reference.work_calendar(
            conn, today - timedelta(days=400), today + timedelta(days=400)
        )
        due_by = add_working_days(calendar, today, due_within).due if due_within is not None else None
        rows = await cases.list_for_staff(
            conn,
            cases.CaseFilter(
                statuses=tuple(statuses) if statuses else None,
                subdistrict=subdistrict,
                category=category,
                overdue_before=today if overdue else None,
                due_by=due_by,
                limit=limit,
                offset=offset,
            ),
        )
    items = [
        QueueItem(
            id=r["id"],
            tracking_no=r["tracking_no"],
            status=r["status"],
            paused=r["paused"],
            received_at=r["received_at"],
            merchant_name=r["merchant_name"],
            category=r["category"],
            subdistrict=r["subdistrict"],
            next_due=r["next_due"],
            provisional=_provisional_of(r),
            working_days_left=working_days_between(calendar, today, r["next_due"]) if r["next_due"] else None,
            overdue_flagged=r["acceptance_overdue_at"] is not None,
            due_kind=r["due_kind"],
        )
        for r in rows
    ]
    return Queue(items, rows[0]["total"] if rows else 0)


def _provisional_of(r: asyncpg.Record) -> bool:
    if r["due_kind"] == "reply":
        return False  # a merchant's reply deadline carries no provisional flag
    return bool(
        r["acceptance_due_provisional"] if r["status"] == "received" else r["mediation_due_provisional"]
    )


@dataclass(frozen=True, slots=True)
class CaseFile:
    case: asyncpg.Record
    events: list[cases.Event]
    evidence: list[asyncpg.Record]
    pauses: list[cases.PauseRow]
    suggestions: tuple[acceptance.Suggestion, ...]
    actions: frozenset[Action]
    referrals: list[asyncpg.Record] = field(default_factory=list)
    actor_names: dict[str, str] = field(default_factory=dict)
    acceptance_days_left: int | None = None
    mediation_days_left: int | None = None


async def case_file(pool: asyncpg.Pool, case_id: int, *, today: date) -> CaseFile:
    async with pool.acquire() as conn:
        row = await cases.by_id(conn, case_id)
        if row is None:
            raise NotFound(f"case {case_id}")
        events = await cases.events(conn, case_id)
        evidence = await cases.evidence(conn, case_id)
        pauses = await cases.pauses(conn, case_id)
        referrals = await cases.referrals(conn, case_id)
        staff_ids = sorted({int(e.actor.split(":", 1)[1]) for e in events if e.actor.startswith("staff:")})
        actor_names = {f"staff:{k}": v for k, v in (await staff.names(conn, staff_ids)).items()}
        suggestions: tuple[acceptance.Suggestion, ...] = ()
        if row["status"] == Status.RECEIVED:
            suggestions = await _suggestions(conn, row)
        calendar = await reference.work_calendar(
            conn, today - timedelta(days=400), today + timedelta(days=400)
        )
    return CaseFile(
        case=row,
        events=events,
        evidence=evidence,
        pauses=pauses,
        suggestions=suggestions,
        actions=allowed_actions(_state(row)),
        referrals=referrals,
        actor_names={"consumer": "消费者", "system": "系统", **actor_names},
        acceptance_days_left=working_days_between(calendar, today, row["acceptance_due"])
        if row["status"] == Status.RECEIVED
        else None,
        mediation_days_left=working_days_between(calendar, today, row["mediation_due"])
        if row["mediation_due"] and row["status"] not in (Status.CLOSED, Status.REJECTED)
        else None,
    )


async def _suggestions(conn: asyncpg.Connection, row: asyncpg.Record) -> tuple[acceptance.Suggestion, ...]:
    same = await cases.open_same_consumer_merchant(
        conn, row["id"], row["consumer_phone"], row["merchant_uscc"], row["merchant_name"]
    )
    facts = acceptance.AcceptanceFacts(
        received_on=row["received_on"],
        purchase_date=row["purchase_date"],
        merchant_address=row["merchant_address"],
        merchant_subdistrict=row["subdistrict"],
        open_cases_same_consumer_and_merchant=same,
    )
    return acceptance.suggest_grounds(facts)


def _state(row: asyncpg.Record) -> CaseState:
    return CaseState(Status(row["status"]), paused=row["paused"])


async def _locked(conn: asyncpg.Connection, case_id: int) -> asyncpg.Record:
    if await cases.lock(conn, case_id) is None:
        raise NotFound(f"case {case_id}")
    row = await cases.by_id(conn, case_id)
    assert row is not None
    return row


async def held_case(conn: asyncpg.Connection, case_id: int, actor: StaffUser) -> asyncpg.Record:
    """Lock the case for an action by `actor`, who must hold it (domain.roles.case_holder_refusal): the
    one ownership guard of every staff action on a case, checked under the row lock so a reassignment
    cannot slip between the check and the change."""
    row = await _locked(conn, case_id)
    refusal = case_holder_refusal(
        actor.id, actor.roles, assigned_to=row["assigned_to"], claimable=row["status"] == Status.MEDIATION
    )
    if refusal == "claim_first":
        raise Forbidden(
            "claim_first",
            "本案尚未认领：请先在队列中认领本案，再办理",
            "This case is not assigned: claim it from its queue first",
        )
    if refusal == "held_by_other":
        holder = (await staff.names(conn, [row["assigned_to"]])).get(row["assigned_to"], "其他调解员")
        raise Forbidden(
            "held_by_other",
            f"本案由{holder}承办，只有承办调解员或科长可以办理",
            f"This case is held by {holder}: only its mediator or a supervisor may act on it",
        )
    return row


async def accept(pool: asyncpg.Pool, case_id: int, actor: StaffUser, note: object, *, now: datetime) -> date:
    """Accept a complaint (受理); the mediation clock starts. Returns the mediation deadline."""
    clean_note = acceptance.validate_note(note, required=False)
    today = local_date(now)
    async with pool.acquire() as conn, conn.transaction():
        row = await held_case(conn, case_id, actor)
        new = apply(_state(row), Action.ACCEPT)
        rules = await reference.rule_set(conn, row["rule_set_id"])
        calendar = await reference.work_calendar_from(conn, today, MEDIATION_WINDOW_DAYS)
        due = deadlines.mediation_deadline(calendar, rules, today, (), today)
        await cases.decide(
            conn,
            case_id,
            status=new.status,
            at=now,
            by=actor.id,
            ground=None,
            note=clean_note,
            accepted_on=today,
            mediation_due=due.due,
            mediation_due_provisional=due.provisional,
        )
        await cases.add_event(
            conn,
            case_id,
            "accepted",
            actor=actor.actor,
            at=now,
            payload={
                "note": clean_note,
                "accepted_on": today.isoformat(),
                "mediation_due": due.due.isoformat(),
                "mediation_due_provisional": due.provisional,
                "on_time": today <= row["acceptance_due"],
            },
        )
        await clusters.detect_on_acceptance(conn, row["merchant_id"], row["category"], now=now)
        # routing runs as a job once the acceptance commits (the same idempotent job as at intake)
        key = f"route_case:{case_id}:accepted"
        await outbox.add(conn, "route_case", key=key, args={"case_id": case_id}, request_id=None)
    return due.due


async def reject(
    pool: asyncpg.Pool, case_id: int, actor: StaffUser, ground: object, note: object, *, now: datetime
) -> None:
    """Decide not to accept (不予受理) on one of the seven grounds, saying why."""
    valid_ground, clean_note = acceptance.validate_decision(ground, note)
    async with pool.acquire() as conn, conn.transaction():
        row = await held_case(conn, case_id, actor)
        new = apply(_state(row), Action.REJECT)
        await cases.decide(
            conn,
            case_id,
            status=new.status,
            at=now,
            by=actor.id,
            ground=int(valid_ground),
            note=clean_note,
            accepted_on=None,
            mediation_due=None,
            mediation_due_provisional=False,
        )
        await cases.add_event(
            conn,
            case_id,
            "rejected",
            actor=actor.actor,
            at=now,
            payload={
                "ground": int(valid_ground),
                "note": clean_note,
                "on_time": local_date(now) <= row["acceptance_due"],
            },
        )


def _pause_input(
    reason: object, note: object, expected_end: object, today: date
) -> tuple[str, str | None, date | None]:
    errors = []
    if not one_of(reason, PAUSE_REASONS):
        errors.append(FieldError("reason", "unknown_code", "请选择暂停原因", "Choose a reason"))
    clean_note = None
    try:
        clean_note = acceptance.validate_note(note, required=reason == "other")
    except ValidationFailed as exc:
        errors += exc.errors
    end = None
    if expected_end not in (None, ""):
        try:
            end = date.fromisoformat(str(expected_end))
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
    return str(reason), clean_note, end


async def _recomputed_mediation(
    conn: asyncpg.Connection, row: asyncpg.Record, pauses: Sequence[Pause], today: date
) -> Deadline:
    rules = await reference.rule_set(conn, row["rule_set_id"])
    calendar = await reference.work_calendar_from(
        conn, row["accepted_on"], MEDIATION_WINDOW_DAYS + (today - row["accepted_on"]).days
    )
    return deadlines.mediation_deadline(calendar, rules, row["accepted_on"], pauses, today)


def _as_pauses(rows: Sequence[cases.PauseRow]) -> list[Pause]:
    return [Pause(p.started_on, p.ended_on) for p in rows]


async def pause(
    pool: asyncpg.Pool,
    case_id: int,
    actor: StaffUser,
    reason: object,
    note: object,
    expected_end: object,
    *,
    now: datetime,
) -> None:
    today = local_date(now)
    clean_reason, clean_note, end = _pause_input(reason, note, expected_end, today)
    async with pool.acquire() as conn, conn.transaction():
        row = await held_case(conn, case_id, actor)
        new = apply(_state(row), Action.PAUSE)
        await cases.start_pause(conn, case_id, clean_reason, clean_note, today, end, actor.id)
        await cases.set_paused(
            conn, case_id, new.paused, row["mediation_due"], row["mediation_due_provisional"], now
        )
        await cases.add_event(
            conn,
            case_id,
            "paused",
            actor=actor.actor,
            at=now,
            payload={"reason": clean_reason, "note": clean_note, "expected_end": _iso(end)},
        )


async def resume(pool: asyncpg.Pool, case_id: int, actor: StaffUser, *, now: datetime) -> date | None:
    """Restart the clock; the mediation deadline moves by the paused time. Returns the new deadline."""
    today = local_date(now)
    async with pool.acquire() as conn, conn.transaction():
        row = await held_case(conn, case_id, actor)
        new = apply(_state(row), Action.RESUME)
        await cases.end_pause(conn, case_id, today, actor.id)
        due: Deadline | None = None
        if row["accepted_on"] is not None:
            due = await _recomputed_mediation(conn, row, _as_pauses(await cases.pauses(conn, case_id)), today)
        await cases.set_paused(
            conn, case_id, new.paused, due.due if due else None, due.provisional if due else False, now
        )
        await cases.add_event(
            conn,
            case_id,
            "resumed",
            actor=actor.actor,
            at=now,
            payload={
                "previous_due": _iso(row["mediation_due"]),
                "mediation_due": _iso(due.due) if due else None,
            },
        )
    return due.due if due else None


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


async def flag_overdue_acceptances(pool: asyncpg.Pool, *, now: datetime) -> int:
    """Flag, once each, the cases whose acceptance deadline passed undecided. Nothing is decided."""
    async with pool.acquire() as conn, conn.transaction():
        flagged = await cases.flag_acceptance_overdue(conn, local_date(now), now)
        for r in flagged:
            await cases.add_event(
                conn,
                r["id"],
                "acceptance_overdue",
                actor="system",
                at=now,
                payload={"acceptance_due": r["acceptance_due"].isoformat()},
            )
    return len(flagged)


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
        acc = deadlines.acceptance_deadline(calendar, rules, row["received_on"])
        med: tuple[date | None, bool] = (row["mediation_due"], row["mediation_due_provisional"])
        if row["accepted_on"] is not None and row["mediation_due"] is not None:
            m = await _recomputed_mediation(conn, row, _as_pauses(await cases.pauses(conn, row["id"])), today)
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
            name: {"from": _iso(old[name][0]), "to": _iso(new[name][0]), "provisional": new[name][1]}
            for name in old
            if old[name] != new[name]
        }
        await cases.add_event(conn, row["id"], "deadline_recomputed", actor="system", at=now, payload=changes)
        touched.append(row["id"])
    return touched


async def evidence_item(pool: asyncpg.Pool, case_id: int, evidence_id: int) -> asyncpg.Record:
    async with pool.acquire() as conn:
        item = await cases.evidence_item(conn, case_id, evidence_id)
    if item is None:
        raise NotFound(f"evidence {evidence_id} of case {case_id}")
    return item
