"""Marking a complaint as spam (虚假或恶意投诉): a fake or flooding filing ends with the outcome 'spam',
which statistics, the top-merchants table and cluster alerts leave out. No survey or notice follows."""

from __future__ import annotations

from datetime import datetime

import asyncpg

from domain.events import EventKind
from domain.outcomes import validate_spam
from service.store import cases
from service.store.staff import StaffUser
from service.usecases.case_step import case_step
from service.usecases.casework_commands import MarkSpam


async def mark_spam(
    pool: asyncpg.Pool,
    case_id: int,
    actor: StaffUser,
    cmd: MarkSpam,
    *,
    now: datetime,
    request_id: str | None = None,
) -> None:
    """Close the case as spam with the reason in its history. Raises NotFound, ValidationFailed, or
    Conflict once the case has been routed or closed."""
    # the actor's string, not the user: a supervisor marks spam on a case nobody holds yet
    async with case_step(pool, case_id, now=now, actor=actor.actor, request_id=request_id) as step:
        status_before = step.case.status
        clean = validate_spam(status_before, cmd.reason)
        await cases.close(
            step.conn, case_id, status="closed", outcome="spam", at=now, relief_type=None, relief_fen=None
        )
        # its own kind, not 'closed': closing events send the consumer a survey link
        await step.event(EventKind.MARKED_SPAM, {"reason": clean, "status_before": status_before})
