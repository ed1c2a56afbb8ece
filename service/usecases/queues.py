"""Team queues (DESIGN §1, §2.6): a case in mediation joins a queue; mediators claim the most urgent one;
the holder or a supervisor releases it; a supervisor reassigns it; everyone sees each queue's load.

Each change is one transaction that locks what it changes (the case row; for a claim, the mediator's own
staff row first, so two claims by one mediator cannot both pass the open-case limit) and appends an
event carrying the actor. One column holds the owner, so a case never has two.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import asyncpg

from domain.calendar import WorkCalendar, working_days_between
from domain.errors import NotFound
from domain.queues import (
    check_limit,
    check_mediator,
    check_reassign,
    check_release,
    choose_queue,
    clean_reason,
    parse_user_id,
)
from service.store import cases, reference
from service.store import queues as store
from service.store.staff import StaffUser
from service.usecases.clock import local_date

_DAY = timedelta(days=1)


@dataclass(frozen=True, slots=True)
class Claimed:
    id: int
    tracking_no: str
    queue: str
    paused: bool
    mediation_due: date | None
    mediation_due_provisional: bool
    working_days_left: int | None  # negative: overdue; None while the clock is paused
    assigned_at: datetime


@dataclass(frozen=True, slots=True)
class Member:
    user_id: int
    display_name: str
    disabled: bool


@dataclass(frozen=True, slots=True)
class QueueLoad:
    code: str
    name_zh: str
    name_en: str
    active: bool
    max_open_per_mediator: int
    unassigned: int
    assigned: int
    oldest_unassigned: datetime | None  # when the longest-waiting unassigned case was received
    overdue: int  # past the mediation deadline, clock running
    members: tuple[Member, ...]


@dataclass(frozen=True, slots=True)
class WorkItem:
    id: int
    tracking_no: str
    queue: str | None
    status: str
    paused: bool
    merchant_name: str
    category: str
    subdistrict: str | None
    received_at: datetime
    mediation_due: date | None
    provisional: bool
    working_days_left: int | None  # negative: overdue; None while the clock is paused


@dataclass(frozen=True, slots=True)
class TeamQueue:
    code: str
    name_zh: str
    total: int  # unassigned cases waiting; `items` shows the first few, in claim order
    items: tuple[WorkItem, ...]
    max_open_per_mediator: int


@dataclass(frozen=True, slots=True)
class Workbench:
    mine: tuple[WorkItem, ...]
    teams: tuple[TeamQueue, ...]
    member: bool  # False: the user is in no queue, so every active queue is shown


# --- joining a queue ---------------------------------------------------------------------------------


async def queue_for(conn: asyncpg.Connection, case_row: asyncpg.Record) -> str:
    """The first active queue (by sort) taking the case's sub-district and category, else `general`."""
    return choose_queue(await store.rules(conn), case_row["subdistrict"], case_row["category"])


async def enter_queue(
    conn: asyncpg.Connection,
    case_row: asyncpg.Record,
    *,
    now: datetime,
    actor: str = "system",
    request_id: str | None = None,
) -> str:
    """Routing's hook, inside its transaction, when a case enters mediation: the queue, and an event."""
    queue = await queue_for(conn, case_row)
    await store.set_queue(conn, case_row["id"], queue)
    await cases.add_event(
        conn, case_row["id"], "queued", actor=actor, at=now, payload={"queue": queue}, request_id=request_id
    )
    return queue


async def assign_queues_for_unqueued(pool: asyncpg.Pool, *, now: datetime) -> int:
    """Put every case in mediation without a queue into its queue (data from before queues). Returns how
    many; running it again finds none."""
    async with pool.acquire() as conn, conn.transaction():
        rows = await store.unqueued_for_update(conn)
        rules = await store.rules(conn)
        for r in rows:
            queue = choose_queue(rules, r["subdistrict"], r["category"])
            await store.set_queue(conn, r["id"], queue)
            await cases.add_event(
                conn, r["id"], "queued", actor="system", at=now, payload={"queue": queue, "backfill": True}
            )
    return len(rows)


# --- claiming, releasing, reassigning ----------------------------------------------------------------


async def claim(pool: asyncpg.Pool, queue: str, actor: StaffUser, *, now: datetime) -> Claimed | None:
    """Claim the queue's most urgent unassigned case; None when there is none. Refuses (OpenCaseLimit)
    when the mediator already holds the queue's `max_open_per_mediator` open cases."""
    async with pool.acquire() as conn:
        async with conn.transaction():
            q = await store.by_code(conn, queue)
            if q is None:
                raise NotFound(f"queue {queue}")
            await store.lock_staff(conn, actor.id)
            check_limit(await store.open_count(conn, actor.id), q.max_open_per_mediator)
            row = await store.claim_next(conn, queue, actor.id, now)
            if row is None:
                return None
            await cases.add_event(
                conn, row["id"], "claimed", actor=actor.actor, at=now, payload={"queue": queue}
            )
        # the countdown is read after the commit: the locks are held no longer than the claim needs
        today = local_date(now)
        calendar = await _calendar(conn, today, [row["mediation_due"]])
    return Claimed(
        id=row["id"],
        tracking_no=row["tracking_no"],
        queue=row["queue"],
        paused=row["paused"],
        mediation_due=row["mediation_due"],
        mediation_due_provisional=row["mediation_due_provisional"],
        working_days_left=_days_left(calendar, today, row["mediation_due"], row["paused"]),
        assigned_at=row["assigned_at"],
    )


async def _locked(conn: asyncpg.Connection, case_id: int) -> store.LockedCase:
    row = await store.lock_case(conn, case_id)
    if row is None:
        raise NotFound(f"case {case_id}")
    return row


async def release(
    pool: asyncpg.Pool, case_id: int, actor: StaffUser, reason: object = None, *, now: datetime
) -> int:
    """Hand the case back to its queue: its mediator, or a supervisor. Returns who held it."""
    why = clean_reason(reason)
    async with pool.acquire() as conn, conn.transaction():
        row = await _locked(conn, case_id)
        check_release(actor.id, actor.roles, row.assigned_to)
        assert row.assigned_to is not None
        await store.assign(conn, case_id, None, now)
        payload: dict[str, object] = {"from": row.assigned_to}
        if why:
            payload["reason"] = why
        await cases.add_event(conn, case_id, "released", actor=actor.actor, at=now, payload=payload)
    return row.assigned_to


async def reassign(
    pool: asyncpg.Pool, case_id: int, actor: StaffUser, user_id: object, *, now: datetime
) -> int | None:
    """A supervisor gives the case to another mediator (an active account with the mediator role).
    Returns who held it before (None: nobody). The open-case limit binds claims, not a supervisor."""
    target_id = parse_user_id(user_id)
    async with pool.acquire() as conn, conn.transaction():
        row = await _locked(conn, case_id)
        target = await store.staff_member(conn, target_id)
        check_mediator(target.roles if target else None, target.disabled if target else True)
        check_reassign(row.status, row.assigned_to, target_id)
        await store.assign(conn, case_id, target_id, now)
        await cases.add_event(
            conn,
            case_id,
            "reassigned",
            actor=actor.actor,
            at=now,
            payload={"from": row.assigned_to, "to": target_id},
        )
    return row.assigned_to


# --- membership --------------------------------------------------------------------------------------


async def add_member(pool: asyncpg.Pool, queue: str, user_id: object) -> bool:
    """Add a mediator to a queue's team; False when already a member."""
    target_id = parse_user_id(user_id)
    async with pool.acquire() as conn, conn.transaction():
        if await store.by_code(conn, queue) is None:
            raise NotFound(f"queue {queue}")
        target = await store.staff_member(conn, target_id)
        check_mediator(target.roles if target else None, target.disabled if target else True)
        return await store.add_member(conn, queue, target_id)


async def remove_member(pool: asyncpg.Pool, queue: str, user_id: int) -> None:
    async with pool.acquire() as conn, conn.transaction():
        if not await store.remove_member(conn, queue, user_id):
            raise NotFound(f"member {user_id} of queue {queue}")


# --- reading -----------------------------------------------------------------------------------------


async def overview(pool: asyncpg.Pool, *, today: date) -> list[QueueLoad]:
    """Every queue's load: unassigned and assigned cases in mediation, the oldest waiting, the overdue."""
    async with pool.acquire() as conn:
        rows = await store.overview(conn, today)
        members = await store.members(conn)
    by_queue: dict[str, list[Member]] = {}
    for m in members:
        by_queue.setdefault(m.queue, []).append(Member(m.user_id, m.display_name, m.disabled))
    return [
        QueueLoad(
            code=r["code"],
            name_zh=r["name_zh"],
            name_en=r["name_en"],
            active=r["active"],
            max_open_per_mediator=r["max_open_per_mediator"],
            unassigned=r["unassigned"],
            assigned=r["assigned"],
            oldest_unassigned=r["oldest_unassigned"],
            overdue=r["overdue"],
            members=tuple(by_queue.get(r["code"], ())),
        )
        for r in rows
    ]


async def workbench(pool: asyncpg.Pool, actor: StaffUser, *, today: date, per_queue: int = 20) -> Workbench:
    """A mediator's own open cases, then the unassigned cases of the queues they work in (every active
    queue when they are in none), each with its countdown."""
    async with pool.acquire() as conn:
        mine = await store.assigned_to(conn, actor.id)
        member_of = await store.queues_of(conn, actor.id)
        active = [q for q in await store.list_all(conn) if q.active]
        teams = [q for q in active if q.code in member_of] if member_of else active
        waiting = await store.unassigned(conn, [q.code for q in teams], per_queue)
        calendar = await _calendar(conn, today, [r["mediation_due"] for r in [*mine, *waiting]])
    items: dict[str, list[WorkItem]] = {}
    totals: dict[str, int] = {}
    for r in waiting:
        items.setdefault(r["queue"], []).append(_item(r, calendar, today))
        totals[r["queue"]] = r["total"]
    return Workbench(
        mine=tuple(_item(r, calendar, today) for r in mine),
        teams=tuple(
            TeamQueue(
                q.code,
                q.name_zh,
                totals.get(q.code, 0),
                tuple(items.get(q.code, ())),
                q.max_open_per_mediator,
            )
            for q in teams
        ),
        member=bool(member_of),
    )


def _item(r: asyncpg.Record, calendar: WorkCalendar, today: date) -> WorkItem:
    return WorkItem(
        id=r["id"],
        tracking_no=r["tracking_no"],
        queue=r["queue"],
        status=r["status"],
        paused=r["paused"],
        merchant_name=r["merchant_name"],
        category=r["category"],
        subdistrict=r["subdistrict"],
        received_at=r["received_at"],
        mediation_due=r["mediation_due"],
        provisional=r["mediation_due_provisional"],
        working_days_left=_days_left(calendar, today, r["mediation_due"], r["paused"]),
    )


def _days_left(calendar: WorkCalendar, today: date, due: date | None, paused: bool) -> int | None:
    # a stopped clock has no countdown: the deadline moves by the paused time when it restarts
    if due is None or paused:
        return None
    return working_days_between(calendar, today, due)


async def _calendar(conn: asyncpg.Connection, today: date, dues: Iterable[date | None]) -> WorkCalendar:
    """The working-day calendar spanning today and every deadline to count to."""
    days = [today, *(d for d in dues if d is not None)]
    return await reference.work_calendar(conn, min(days) - _DAY, max(days) + _DAY)
