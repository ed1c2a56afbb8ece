"""A case as staff read it: the queue by nearest deadline, a case's file (events, evidence, pauses, the
grounds the service suggests, the actions allowed now), an evidence item. Pages show these; the API's
views of them are service.queries.case_views."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

import asyncpg
import msgspec

from domain import acceptance
from domain.calendar import add_working_days, countdowns, working_days_between
from domain.errors import NotFound
from domain.lifecycle import Action, CaseState, Status, allowed_actions
from service.queries import cursors
from service.store import cases, reference, staff
from service.store import queues as queue_store


class QueueCase(msgspec.Struct, frozen=True):
    """What every view of a queued case shows of it, as the staff list query returns it."""

    id: int
    tracking_no: str
    status: str
    paused: bool
    received_at: datetime
    merchant_name: str
    category: str
    subdistrict: str | None
    next_due: date | None

    @classmethod
    def fields_of(cls, r: asyncpg.Record) -> dict[str, Any]:
        return {name: r[name] for name in QueueCase.__struct_fields__}


class QueueItem(QueueCase, frozen=True):
    provisional: bool
    working_days_left: int | None  # negative: overdue
    overdue_flagged: bool
    due_kind: str = "mediation"  # next_due is the "acceptance", "reply" (merchant) or "mediation" deadline


COUNT_CAP = 10_000  # a queue's total is exact up to this many cases; beyond, "10,000+" (a lower bound)
MAX_OFFSET = 10_000  # OFFSET reads and drops every row before the page; further on, the cursor seeks
CURSOR_KIND = "case-queue"


@dataclass(frozen=True, slots=True)
class Queue:
    items: list[QueueItem]
    total: int  # exact, or COUNT_CAP when total_is_lower_bound
    total_is_lower_bound: bool = False
    next_cursor: str | None = None  # the page after this one; None on the last page


def queue_position(cursor: str) -> tuple[date, datetime, int]:
    """The (queue_due, received_at, id) a queue cursor holds. Raises cursors.BadCursor."""
    due, at, case_id = cursors.decode(CURSOR_KIND, cursor, 3)
    if case_id < 1:
        raise cursors.BadCursor(cursor)
    return cursors.day_of(due), cursors.instant(at), case_id


def _cursor_after(row: asyncpg.Record) -> str:
    return cursors.encode(
        CURSOR_KIND, (row["queue_due"].toordinal(), cursors.micros(row["received_at"]), row["id"])
    )


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
    cursor: str | None = None,
) -> Queue:
    """Cases by nearest deadline, each with its countdown in working days; the open cases unless
    `statuses` names others. A page starts after `cursor` (then `offset` more rows on). Raises
    cursors.BadCursor for a cursor this service did not make."""
    after = queue_position(cursor) if cursor else None
    async with pool.acquire() as conn:
        calendar = await reference.work_calendar(
            conn, today - timedelta(days=400), today + timedelta(days=400)
        )
        due_by = add_working_days(calendar, today, due_within).due if due_within is not None else None
        f = cases.CaseFilter(
            statuses=tuple(statuses) if statuses else None,
            subdistrict=subdistrict,
            category=category,
            overdue_before=today if overdue else None,
            due_by=due_by,
            limit=limit + 1,  # one more tells whether a next page exists
            offset=offset,
            after=after,
        )
        rows = await cases.list_for_staff(conn, f)
        counted = await cases.count_for_staff(conn, f, COUNT_CAP + 1)
    more, rows = len(rows) > limit, rows[:limit]
    left = countdowns(calendar, today, (r["next_due"] for r in rows if r["next_due"]))
    items = [
        QueueItem(
            **QueueCase.fields_of(r),
            provisional=_provisional_of(r),
            working_days_left=left[r["next_due"]] if r["next_due"] else None,
            overdue_flagged=r["acceptance_overdue_at"] is not None,
            due_kind=r["due_kind"],
        )
        for r in rows
    ]
    capped = counted > COUNT_CAP
    return Queue(
        items,
        COUNT_CAP if capped else counted,
        total_is_lower_bound=capped,
        next_cursor=_cursor_after(rows[-1]) if more else None,
    )


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
        actions=allowed_actions(CaseState(Status(row["status"]), paused=row["paused"])),
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


async def evidence_item(pool: asyncpg.Pool, case_id: int, evidence_id: int) -> asyncpg.Record:
    async with pool.acquire() as conn:
        item = await cases.evidence_item(conn, case_id, evidence_id)
    if item is None:
        raise NotFound(f"evidence {evidence_id} of case {case_id}")
    return item


async def case_row(pool: asyncpg.Pool, case_id: int) -> asyncpg.Record:
    """The case's record as pages show it. Raises NotFound."""
    async with pool.acquire() as conn:
        row = await cases.by_id(conn, case_id)
    if row is None:
        raise NotFound(f"case {case_id}")
    return row


async def staff_member_name(pool: asyncpg.Pool, user_id: int) -> str | None:
    """A staff member's display name (None when there is no such member)."""
    async with pool.acquire() as conn:
        member = await queue_store.staff_member(conn, user_id)
    return member.display_name if member else None
