"""Marking a complaint as spam (虚假或恶意投诉): a fake or flooding filing ends with the outcome 'spam',
which statistics, the top-merchants table and cluster alerts leave out. No survey or notice follows."""

from __future__ import annotations

from datetime import datetime

import asyncpg

from domain.outcomes import validate_spam
from service.store import cases
from service.store.staff import StaffUser
from service.usecases.casework import _locked


async def mark_spam(
    pool: asyncpg.Pool,
    case_id: int,
    actor: StaffUser,
    reason: object,
    *,
    now: datetime,
    request_id: str | None = None,
) -> None:
    """Close the case as spam with the reason in its history. Raises NotFound, ValidationFailed, or
    Conflict once the case has been routed or closed."""
    async with pool.acquire() as conn, conn.transaction():
        row = await _locked(conn, case_id)
        clean = validate_spam(row["status"], reason)
        await cases.close(
            conn, case_id, status="closed", outcome="spam", at=now, relief_type=None, relief_fen=None
        )
        # its own kind, not 'closed': closing events send the consumer a survey link
        await cases.add_event(
            conn,
            case_id,
            "marked_spam",
            actor=actor.actor,
            at=now,
            payload={"reason": clean, "status_before": row["status"]},
            request_id=request_id,
        )
