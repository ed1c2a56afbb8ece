"""Mediation deadlines: warn the mediator when the limit is near, escalate to supervisors once it passed.

Each flag is raised once per case (an UPDATE … WHERE flag IS NULL RETURNING), with an event and a notice
in the same transaction, so running the sweep again — or in two workers at once — raises nothing new.
Paused cases are skipped: their clock is stopped. Nothing is decided here.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import asyncpg

from domain.calendar import add_working_days, working_days_between
from domain.events import EventKind
from service.store import cases, reference, staff
from service.store import notifications as store
from service.usecases.clock import local_date
from service.usecases.notifications import SUPERVISORS, queue_notification

WARN_WORKING_DAYS = 5
CALENDAR_WINDOW_DAYS = 60  # five working days never span more than a few weeks, even over the Spring Festival


async def _raise(
    conn: asyncpg.Connection,
    flagged: Sequence[Any],
    kind: EventKind,
    template: str,
    *,
    recipient: Any,
    fields: Any,
    now: datetime,
) -> None:
    """For each newly flagged case: its event and one notice (`recipient(case)`, `fields(case)`)."""
    for case in flagged:
        payload = {"mediation_due": case.mediation_due.isoformat(), "mediator": case.assigned_to}
        await cases.add_event(conn, case.case_id, kind, actor="system", at=now, payload=payload)
        await queue_notification(
            conn,
            case_id=case.case_id,
            recipient=recipient(case),
            template=template,
            fields={"tracking_no": case.tracking_no, "mediation_due": case.mediation_due, **fields(case)},
            dedupe_key=f"{template}:{case.case_id}:{case.mediation_due.isoformat()}",
            now=now,
        )


async def flag_mediation_deadlines(pool: asyncpg.Pool, *, now: datetime) -> tuple[int, int]:
    """(warned, escalated): cases newly flagged as due within five working days, and as overdue."""
    today = local_date(now)
    async with pool.acquire() as conn, conn.transaction():
        calendar = await reference.work_calendar_from(conn, today, CALENDAR_WINDOW_DAYS)
        horizon = add_working_days(calendar, today, WARN_WORKING_DAYS).due
        soon = await store.flag_mediation_due_soon(conn, today, horizon, now)
        await _raise(
            conn,
            soon,
            EventKind.MEDIATION_DUE_SOON,
            "mediation_due_soon",
            recipient=lambda c: f"staff:{c.assigned_to}" if c.assigned_to else SUPERVISORS,
            fields=lambda c: {"working_days_left": working_days_between(calendar, today, c.mediation_due)},
            now=now,
        )
        overdue = await store.flag_mediation_overdue(conn, today, now)
        names = await staff.names(conn, sorted({c.assigned_to for c in overdue if c.assigned_to}))
        await _raise(
            conn,
            overdue,
            EventKind.MEDIATION_OVERDUE_ESCALATED,
            "mediation_escalated",
            recipient=lambda c: SUPERVISORS,
            fields=lambda c: {"mediator": names.get(c.assigned_to, "未分配") if c.assigned_to else "未分配"},
            now=now,
        )
    return len(soon), len(overdue)
