"""Team queues (DESIGN §1, §2.6): a case in mediation joins a queue; mediators claim the most urgent one;
the holder or a supervisor releases it; a supervisor reassigns it; everyone sees each queue's load.

Each change is one transaction that locks what it changes (the case row; for a claim, the mediator's own
staff row first, so two claims by one mediator cannot both pass the open-case limit) and appends an
event carrying the actor. One column holds the owner, so a case never has two.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import asyncpg
import msgspec

from domain.errors import NotFound, ValidationFailed
from domain.events import EventKind
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
from service.queries.queues import countdown_calendar, working_days_left
from service.store import cases, office
from service.store import queues as store
from service.store.rows import from_row
from service.store.staff import StaffUser
from service.usecases.clock import local_date
from service.usecases.queue_commands import ReleaseCase


class Claimed(msgspec.Struct):
    """The case a mediator claimed, with its countdown."""

    id: int
    tracking_no: str
    queue: str
    paused: bool
    mediation_due: date | None
    mediation_due_provisional: bool
    working_days_left: int | None  # negative: overdue; None while the clock is paused
    assigned_at: datetime


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
        conn,
        case_row["id"],
        EventKind.QUEUED,
        actor=actor,
        at=now,
        payload={"queue": queue},
        request_id=request_id,
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
            backfill = {"queue": queue, "backfill": True}
            await cases.add_system_event(conn, r["id"], EventKind.QUEUED, backfill, at=now)
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
                conn, row["id"], EventKind.CLAIMED, actor=actor.actor, at=now, payload={"queue": queue}
            )
        # the countdown is read after the commit: the locks are held no longer than the claim needs
        today = local_date(now)
        calendar = await countdown_calendar(conn, today, [row["mediation_due"]])
    days_left = working_days_left(calendar, today, row["mediation_due"], row["paused"])
    return from_row(Claimed, row, working_days_left=days_left)


async def _locked(conn: asyncpg.Connection, case_id: int) -> store.LockedCase:
    row = await store.lock_case(conn, case_id)
    if row is None:
        raise NotFound(f"case {case_id}")
    return row


async def release(
    pool: asyncpg.Pool, case_id: int, actor: StaffUser, cmd: ReleaseCase | None = None, *, now: datetime
) -> int:
    """Hand the case back to its queue: its mediator, or a supervisor. Returns who held it."""
    why = clean_reason(cmd.reason if cmd else None)
    async with pool.acquire() as conn, conn.transaction():
        row = await _locked(conn, case_id)
        check_release(actor.id, actor.roles, row.assigned_to)
        assert row.assigned_to is not None
        await store.assign(conn, case_id, None, now)
        payload: dict[str, object] = {"from": row.assigned_to}
        if why:
            payload["reason"] = why
        await cases.add_event(conn, case_id, EventKind.RELEASED, actor=actor.actor, at=now, payload=payload)
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
        raise ValidationFailed.one("reason", "required", "请写明改派原因", "Say why the case is reassigned")
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
        await cases.add_event(conn, case_id, EventKind.REASSIGNED, actor=actor.actor, at=now, payload=payload)
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
        if added:
            await _membership_event(conn, "queue_member_added", queue, target_id, actor, now)
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
        await _membership_event(conn, "queue_member_removed", queue, user_id, actor, now)


async def _membership_event(
    conn: asyncpg.Connection, kind: str, queue: str, user_id: int, by: StaffUser | None, at: datetime | None
) -> None:
    """A team change made by a person is an office event; one without an actor (seeding) is not."""
    if by is not None and at is not None:
        payload = {"queue": queue, "user_id": user_id}
        await office.add_event(conn, kind, actor=by.actor, at=at, payload=payload)


LIMIT_MAX = 1000
DEFAULT_LIMIT = 20  # only for a case in no queue; every queue row carries its own


def parse_limit(value: object) -> int | None:
    """A mediator's own limit from a form: blank clears it (the queue's applies), else 1..LIMIT_MAX."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    text = str(value).strip()
    if not (text.isascii() and text.isdigit()) or not 1 <= int(text) <= LIMIT_MAX:
        raise ValidationFailed.one(
            "max_open",
            "invalid",
            f"上限应为1到{LIMIT_MAX}之间的整数；留空则按所在调解组的上限",
            f"A whole number from 1 to {LIMIT_MAX}; blank for the queue's limit",
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
