"""Mediation deadlines: warn the mediator when the limit is near, escalate to supervisors once it passed.

Each flag is raised once per case (an UPDATE … WHERE flag IS NULL RETURNING), with an event and a notice
in the same transaction, so running the sweep again — or in two workers at once — raises nothing new.
Paused cases are skipped: their clock is stopped. Nothing is decided here.
"""

from __future__ import annotations

from datetime import datetime

import asyncpg

from domain.calendar import add_working_days, working_days_between
from service.store import cases, reference, staff
from service.store import notifications as store
from service.usecases.clock import local_date
from service.usecases.notifications import SUPERVISORS, queue_notification

WARN_WORKING_DAYS = 5
CALENDAR_WINDOW_DAYS = 60  # five working days never span more than a few weeks, even over the Spring Festival


async def flag_mediation_deadlines(pool: asyncpg.Pool, *, now: datetime) -> tuple[int, int]:
    """(warned, escalated): cases newly flagged as due within five working days, and as overdue."""
    today = local_date(now)
    async with pool.acquire() as conn, conn.transaction():
        calendar = await reference.work_calendar_from(conn, today, CALENDAR_WINDOW_DAYS)
        horizon = add_working_days(calendar, today, WARN_WORKING_DAYS).due
        soon = await store.flag_mediation_due_soon(conn, today, horizon, now)
        for case in soon:
            await cases.add_event(
                conn,
                case.case_id,
                "mediation_due_soon",
                actor="system",
                at=now,
                payload={"mediation_due": case.mediation_due.isoformat(), "mediator": case.assigned_to},
            )
            await queue_notification(
                conn,
                case_id=case.case_id,
                recipient=f"staff:{case.assigned_to}" if case.assigned_to else SUPERVISORS,
                template="mediation_due_soon",
                fields={
                    "tracking_no": case.tracking_no,
                    "mediation_due": case.mediation_due,
                    "working_days_left": working_days_between(calendar, today, case.mediation_due),
                },
                channel="log",
                address=None,
                dedupe_key=f"mediation_due_soon:{case.case_id}:{case.mediation_due.isoformat()}",
                now=now,
            )
        overdue = await store.flag_mediation_overdue(conn, today, now)
        names = await staff.names(conn, sorted({c.assigned_to for c in overdue if c.assigned_to}))
        for case in overdue:
            await cases.add_event(
                conn,
                case.case_id,
                "mediation_overdue_escalated",
                actor="system",
                at=now,
                payload={"mediation_due": case.mediation_due.isoformat(), "mediator": case.assigned_to},
            )
            await queue_notification(
                conn,
                case_id=case.case_id,
                recipient=SUPERVISORS,
                template="mediation_escalated",
                fields={
                    "tracking_no": case.tracking_no,
                    "mediation_due": case.mediation_due,
                    "mediator": names.get(case.assigned_to, "未分配") if case.assigned_to else "未分配",
                },
                channel="log",
                address=None,
                dedupe_key=f"mediation_escalated:{case.case_id}:{case.mediation_due.isoformat()}",
                now=now,
            )
    return len(soon), len(overdue)
