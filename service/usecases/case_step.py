"""One case transaction (a unit of work for asyncpg): lock the case, read it as a typed row, check the
case may take this step, append its events with the actor, commit once.

    async with case_step(pool, case_id, actor=staff, action=Action.ACCEPT, now=now) as step:
        await cases.decide(step.conn, case_id, status=step.after.status, ...)
        await step.event(EventKind.ACCEPTED, {"note": note})

Leaving the block commits; an exception rolls everything back. `locked_case` is the same check on a
connection whose transaction the caller already holds (closing a case inside a settlement, say).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Collection, Iterable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import asyncpg
import msgspec

from domain.errors import Forbidden, NotFound
from domain.events import EventKind
from domain.lifecycle import Action, CaseState, Status, apply
from domain.roles import case_holder_refusal
from service.store import cases, staff
from service.store.staff import StaffUser
from service.usecases.clock import local_date


class CaseRow(msgspec.Struct, frozen=True):
    """The case's own columns (no consumer data: read that from the store where a step needs it)."""

    id: int
    tracking_no: str
    status: str
    channel: str
    received_at: datetime
    received_on: date
    rule_set_id: str
    acceptance_due: date
    acceptance_due_provisional: bool
    quality_domain: str
    category: str
    problem_type: str
    subdistrict: str | None
    merchant_name: str
    merchant_address: str
    merchant_uscc: str | None
    merchant_phone: str | None
    platform_name: str | None
    platform_uscc: str | None
    purchase_date: date
    amount_paid_fen: int
    claim_amount_fen: int
    requests: list[str]
    description: str
    consent_mediation: bool
    consent_entrusted: bool
    consent_publish: bool
    created_at: datetime
    updated_at: datetime
    decided_at: datetime | None
    decided_by: int | None
    rejection_ground: int | None
    decision_note: str | None
    accepted_on: date | None
    mediation_due: date | None
    mediation_due_provisional: bool
    paused: bool
    acceptance_overdue_at: datetime | None
    recorded_by: int | None
    merchant_id: int | None
    route: str | None
    route_explanation: Any
    seller_unidentified: bool
    queue: str | None
    assigned_to: int | None
    assigned_at: datetime | None
    outcome: str | None
    closed_at: datetime | None
    relief_type: str | None
    relief_fen: int | None
    mediation_warned_at: datetime | None
    mediation_escalated_at: datetime | None

    @property
    def state(self) -> CaseState:
        return CaseState(Status(self.status), paused=self.paused)


_FIELDS = CaseRow.__struct_fields__


def _row(record: asyncpg.Record) -> CaseRow:
    return CaseRow(**{name: record[name] for name in _FIELDS})


async def _check_holder(conn: asyncpg.Connection, row: CaseRow, actor: StaffUser) -> None:
    """The one ownership guard of every staff action on a case (domain.roles.case_holder_refusal), checked
    under the row lock so a reassignment cannot slip between the check and the change."""
    refusal = case_holder_refusal(
        actor.id, actor.roles, assigned_to=row.assigned_to, claimable=row.status == Status.MEDIATION
    )
    if refusal == "claim_first":
        raise Forbidden(
            "claim_first",
            "本案尚未认领：请先在队列中认领本案，再办理",
            "This case is not assigned: claim it from its queue first",
        )
    if refusal == "held_by_other":
        assert row.assigned_to is not None
        holder = (await staff.names(conn, [row.assigned_to])).get(row.assigned_to, "其他调解员")
        raise Forbidden(
            "held_by_other",
            f"本案由{holder}承办，只有承办调解员或科长可以办理",
            f"This case is held by {holder}: only its mediator or a supervisor may act on it",
        )


async def locked_case(
    conn: asyncpg.Connection,
    case_id: int,
    *,
    actor: StaffUser | None = None,
    status: Collection[str] | None = None,
    refusal: Callable[[CaseRow], Exception] | None = None,
) -> CaseRow:
    """Lock and read the case inside the caller's transaction. A staff `actor` must hold it; with
    `status`, the case must be in one of them, else `refusal(row)` is raised (a feature's own conflict)."""
    if await cases.lock(conn, case_id) is None:
        raise NotFound(f"case {case_id}")
    record = await cases.by_id(conn, case_id)
    assert record is not None
    row = _row(record)
    if actor is not None:
        await _check_holder(conn, row, actor)
    if status is not None and row.status not in status:
        if refusal is None:
            raise NotFound(f"case {case_id} is {row.status}")
        raise refusal(row)
    return row


@dataclass
class CaseStep:
    conn: asyncpg.Connection
    case: CaseRow
    actor: str  # who the events name: staff:<id>, consumer, merchant:<id>, system
    now: datetime
    after: CaseState  # the state the step's action leads to (the current one when it names no action)
    request_id: str | None = None

    @property
    def today(self) -> date:
        return local_date(self.now)

    async def event(
        self, kind: EventKind, payload: Mapping[str, Any] | None = None, *, at: datetime | None = None
    ) -> int:
        return await cases.add_event(
            self.conn,
            self.case.id,
            kind,
            actor=self.actor,
            at=at or self.now,
            payload=payload,
            request_id=self.request_id,
        )


@asynccontextmanager
async def case_step(
    pool: asyncpg.Pool,
    case_id: int,
    *,
    now: datetime,
    actor: StaffUser | str,
    action: Action | None = None,
    status: Collection[str] | None = None,
    refusal: Callable[[CaseRow], Exception] | None = None,
    request_id: str | None = None,
) -> AsyncIterator[CaseStep]:
    """Lock the case, check it (holder, `status`, the lifecycle allowing `action`), run the block, commit.

    `actor` is the staff user acting (who must hold the case) or the party's actor string for steps a
    party takes ("consumer", "merchant:<id>", "system").
    """
    staff_actor = actor if isinstance(actor, StaffUser) else None
    async with pool.acquire() as conn, conn.transaction():
        row = await locked_case(conn, case_id, actor=staff_actor, status=status, refusal=refusal)
        after = apply(row.state, action) if action is not None else row.state
        yield CaseStep(
            conn=conn,
            case=row,
            actor=staff_actor.actor if staff_actor else str(actor),
            now=now,
            after=after,
            request_id=request_id,
        )


async def system_events(
    conn: asyncpg.Connection,
    flagged: Iterable[asyncpg.Record],
    kind: EventKind,
    payload: Callable[[asyncpg.Record], dict[str, Any]],
    *,
    case_key: str = "case_id",
    now: datetime,
) -> int:
    """One system event on the case of each row a sweep flagged (a missed deadline, an expired offer);
    returns how many rows there were."""
    count = 0
    for r in flagged:
        await cases.add_event(conn, r[case_key], kind, actor="system", at=now, payload=payload(r))
        count += 1
    return count
