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
from domain.errors import FieldError, NotFound, ValidationFailed
from domain.queues import (
    QueueConflict,
    check_limit,
    check_mediator,
    check_reassign,
    check_release,
    choose_queue,
    clean_reason,
    parse_user_id,
)
from service.store import cases, office, reference
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
    open_count: int = 0  # open cases held, in any queue
    own_limit: int | None = None  # None: the queue's max_open_per_mediator


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
            own = await store.own_limit(conn, actor.id)  # a mediator's own limit overrides the queue's
            check_limit(await store.open_count(conn, actor.id), own or q.max_open_per_mediator)
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


class OverLimit(QueueConflict):
    """The chosen mediator already holds their limit: a supervisor may still assign, after confirming."""

    def __init__(self, held: int, limit: int) -> None:
        super().__init__("over_limit", f"该调解员手上已有{held}件未办结案件，已达上限（{limit}件）")
        self.held = held
        self.limit = limit


def _reassign_reason(value: object, required: bool) -> str | None:
    why = clean_reason(value)
    if required and not why:
        raise ValidationFailed(
            [FieldError("reason", "required", "请写明改派原因", "Say why the case is reassigned")]
        )
    return why


async def reassign(
    pool: asyncpg.Pool,
    case_id: int,
    actor: StaffUser,
    user_id: object,
    *,
    now: datetime,
    reason: object = None,
    reason_required: bool = False,
    over_limit_confirmed: bool = True,
) -> int | None:
    """A supervisor gives the case to another mediator (an active account with the mediator role).
    Returns who held it before (None: nobody). The open-case limit binds claims; a supervisor may pass it,
    and the pages ask first (`over_limit_confirmed=False` refuses with OverLimit). The event names from
    whom to whom and why."""
    target_id = parse_user_id(user_id)
    why = _reassign_reason(reason, reason_required)
    async with pool.acquire() as conn, conn.transaction():
        row = await _locked(conn, case_id)
        target = await store.staff_member(conn, target_id)
        check_mediator(target.roles if target else None, target.disabled if target else True)
        assert target is not None
        check_reassign(row.status, row.assigned_to, target_id)
        if not over_limit_confirmed:
            held, limit = await _load_of(conn, target_id, row.queue)
            if held >= limit:
                raise OverLimit(held, limit)
        previous = await store.staff_member(conn, row.assigned_to) if row.assigned_to else None
        await store.assign(conn, case_id, target_id, now)
        payload: dict[str, object] = {
            "from": row.assigned_to,
            "to": target_id,
            "from_name": previous.display_name if previous else None,
            "to_name": target.display_name,
        }
        if why:
            payload["reason"] = why
        await cases.add_event(conn, case_id, "reassigned", actor=actor.actor, at=now, payload=payload)
    return row.assigned_to


async def _load_of(conn: asyncpg.Connection, user_id: int, queue: str | None) -> tuple[int, int]:
    """A mediator's open cases and the limit that binds them for this queue."""
    own = await store.own_limit(conn, user_id)
    q = await store.by_code(conn, queue) if queue else None
    return await store.open_count(conn, user_id), own or (q.max_open_per_mediator if q else DEFAULT_LIMIT)


@dataclass(frozen=True, slots=True)
class MediatorChoice:
    user_id: int
    display_name: str
    open_count: int
    limit: int
    own_limit: int | None
    queues: tuple[str, ...]

    @property
    def at_limit(self) -> bool:
        return self.open_count >= self.limit


async def mediator_choices(pool: asyncpg.Pool, queue: str | None) -> list[MediatorChoice]:
    """The active mediators a case can go to, each with their open cases and the limit that binds them
    (their own, else the case's queue's): the reassign form's list."""
    async with pool.acquire() as conn:
        loads = await store.mediators_load(conn)
        q = await store.by_code(conn, queue) if queue else None
    queue_limit = q.max_open_per_mediator if q else DEFAULT_LIMIT
    return [
        MediatorChoice(
            m.user_id, m.display_name, m.open_count, m.own_limit or queue_limit, m.own_limit, m.queues
        )
        for m in loads
    ]


# --- membership --------------------------------------------------------------------------------------


async def add_member(
    pool: asyncpg.Pool,
    queue: str,
    user_id: object,
    actor: StaffUser | None = None,
    *,
    now: datetime | None = None,
) -> bool:
    """Add a mediator to a queue's team; False when already a member. With an actor, an office event."""
    target_id = parse_user_id(user_id)
    async with pool.acquire() as conn, conn.transaction():
        if await store.by_code(conn, queue) is None:
            raise NotFound(f"queue {queue}")
        target = await store.staff_member(conn, target_id)
        check_mediator(target.roles if target else None, target.disabled if target else True)
        added = await store.add_member(conn, queue, target_id)
        if added and actor is not None and now is not None:
            await office.add_event(
                conn, "queue_member_added", actor=actor.actor, at=now,
                payload={"queue": queue, "user_id": target_id},
            )  # fmt: skip
        return added


async def remove_member(
    pool: asyncpg.Pool,
    queue: str,
    user_id: int,
    actor: StaffUser | None = None,
    *,
    now: datetime | None = None,
) -> None:
    async with pool.acquire() as conn, conn.transaction():
        if not await store.remove_member(conn, queue, user_id):
            raise NotFound(f"member {user_id} of queue {queue}")
        if actor is not None and now is not None:
            await office.add_event(
                conn, "queue_member_removed", actor=actor.actor, at=now,
                payload={"queue": queue, "user_id": user_id},
            )  # fmt: skip


LIMIT_MAX = 1000
DEFAULT_LIMIT = 20  # only for a case in no queue; every queue row carries its own


def parse_limit(value: object) -> int | None:
    """A mediator's own limit from a form: blank clears it (the queue's applies), else 1..LIMIT_MAX."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    text = str(value).strip()
    if not (text.isascii() and text.isdigit()) or not 1 <= int(text) <= LIMIT_MAX:
        raise ValidationFailed(
            [
                FieldError(
                    "max_open",
                    "invalid",
                    f"上限应为1到{LIMIT_MAX}之间的整数；留空则按所在调解组的上限",
                    f"A whole number from 1 to {LIMIT_MAX}; blank for the queue's limit",
                )
            ]
        )
    return int(text)


async def set_limit(
    pool: asyncpg.Pool, user_id: object, max_open: object, actor: StaffUser, *, now: datetime
) -> int | None:
    """Set a mediator's own open-case limit (None clears it), with an office event. Returns the new one."""
    target_id = parse_user_id(user_id)
    limit = parse_limit(max_open)
    async with pool.acquire() as conn, conn.transaction():
        target = await store.staff_member(conn, target_id)
        check_mediator(target.roles if target else None, target.disabled if target else True)
        previous = await store.set_own_limit(conn, target_id, limit, actor.actor, now)
        await office.add_event(
            conn, "mediator_limit_set", actor=actor.actor, at=now,
            payload={"user_id": target_id, "from": previous, "to": limit},
        )  # fmt: skip
    return limit


# --- reading -----------------------------------------------------------------------------------------


async def overview(pool: asyncpg.Pool, *, today: date) -> list[QueueLoad]:
    """Every queue's load: unassigned and assigned cases in mediation, the oldest waiting, the overdue."""
    async with pool.acquire() as conn:
        rows = await store.overview(conn, today)
        members = await store.members(conn)
        loads = {m.user_id: m for m in await store.mediators_load(conn)}
    by_queue: dict[str, list[Member]] = {}
    for m in members:
        load = loads.get(m.user_id)
        by_queue.setdefault(m.queue, []).append(
            Member(
                m.user_id,
                m.display_name,
                m.disabled,
                open_count=load.open_count if load else 0,
                own_limit=load.own_limit if load else None,
            )
        )
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
