"""Team queues as staff read them: each queue's load and team (the supervisor's overview), a mediator's
workbench (their cases, then their teams' waiting ones, each with its countdown), and the API's view of
the overview."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import asyncpg
import msgspec

from domain.calendar import WorkCalendar, working_days_between
from service.store import queues as store
from service.store import reference
from service.store.rows import from_row
from service.store.staff import StaffUser

_DAY = timedelta(days=1)
MINE_PAGE = 50  # a busy mediator holds over a thousand cases: the workbench shows them a page at a time


@dataclass(frozen=True, slots=True)
class Member:
    user_id: int
    display_name: str
    disabled: bool
    open_count: int = 0  # open cases held, in any queue
    own_limit: int | None = None  # None: the queue's max_open_per_mediator


class QueueCounts(msgspec.Struct, frozen=True):
    """A queue and its load, as the overview query counts it."""

    code: str
    name_zh: str
    name_en: str
    active: bool
    max_open_per_mediator: int
    unassigned: int
    assigned: int
    oldest_unassigned: datetime | None  # when the longest-waiting unassigned case was received
    overdue: int  # past the mediation deadline, clock running


class QueueLoad(QueueCounts, frozen=True):
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
    mine: tuple[WorkItem, ...]  # one page of the user's own cases, from row `mine_offset`
    teams: tuple[TeamQueue, ...]
    member: bool  # False: the user is in no queue, so every active queue is shown
    mine_total: int = 0  # all the user's open cases (0 as well on a page past the end)
    mine_offset: int = 0


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
            **{name: r[name] for name in QueueCounts.__struct_fields__},
            members=tuple(by_queue.get(r["code"], ())),
        )
        for r in rows
    ]


async def workbench(
    pool: asyncpg.Pool,
    actor: StaffUser,
    *,
    today: date,
    per_queue: int = 20,
    mine_limit: int = MINE_PAGE,
    mine_offset: int = 0,
) -> Workbench:
    """A mediator's own open cases (`mine_limit` from row `mine_offset`), then the unassigned cases of the
    queues they work in (every active queue when they are in none), each with its countdown."""
    async with pool.acquire() as conn:
        mine = await store.assigned_to(conn, actor.id, mine_limit, mine_offset)
        member_of = await store.queues_of(conn, actor.id)
        active = [q for q in await store.list_all(conn) if q.active]
        teams = [q for q in active if q.code in member_of] if member_of else active
        waiting = await store.unassigned(conn, [q.code for q in teams], per_queue)
        calendar = await countdown_calendar(conn, today, [r["mediation_due"] for r in [*mine, *waiting]])
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
        mine_total=mine[0]["total"] if mine else 0,
        mine_offset=mine_offset,
    )


def _item(r: asyncpg.Record, calendar: WorkCalendar, today: date) -> WorkItem:
    return from_row(
        WorkItem,
        r,
        provisional=r["mediation_due_provisional"],
        working_days_left=working_days_left(calendar, today, r["mediation_due"], r["paused"]),
    )


def working_days_left(calendar: WorkCalendar, today: date, due: date | None, paused: bool) -> int | None:
    # a stopped clock has no countdown: the deadline moves by the paused time when it restarts
    if due is None or paused:
        return None
    return working_days_between(calendar, today, due)


async def countdown_calendar(
    conn: asyncpg.Connection, today: date, dues: Iterable[date | None]
) -> WorkCalendar:
    """The working-day calendar spanning today and every deadline to count to."""
    days = [today, *(d for d in dues if d is not None)]
    return await reference.work_calendar(conn, min(days) - _DAY, max(days) + _DAY)


class QueueMember(msgspec.Struct):
    user_id: int
    display_name: str
    disabled: bool


class QueueSummary(QueueCounts, frozen=True):
    members: list[QueueMember]


class QueueList(msgspec.Struct):
    today: date
    queues: list[QueueSummary]


async def queue_list(pool: asyncpg.Pool, *, today: date) -> QueueList:
    loads = await overview(pool, today=today)
    return QueueList(today, [msgspec.convert(q, QueueSummary, from_attributes=True) for q in loads])
