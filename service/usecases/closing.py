"""Closing a case (办结) with its outcome and the relief obtained; every way a case ends goes through here."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import asyncpg

from domain.events import EventKind
from domain.lifecycle import Action, CaseState, Status, apply
from domain.money import format_yuan
from domain.outcomes import validate_close
from service.store import cases
from service.store.staff import StaffUser
from service.usecases.case_step import CaseRow, case_step
from service.usecases.casework_commands import Close
from service.usecases.clock import local_date


async def close_locked(
    conn: asyncpg.Connection,
    row: CaseRow | asyncpg.Record,
    *,
    outcome: str,
    actor: str,
    now: datetime,
    relief_type: str | None = None,
    relief_fen: int | None = None,
    payload: dict[str, Any] | None = None,
) -> None:
    """Close a case already locked by the caller's transaction (a settlement, a termination, by hand):
    `row` is the step's CaseRow (or the case's record).

    A paused case's open pause ends today: closing stops the clock for good.
    """
    if isinstance(row, CaseRow):
        case_id, state = row.id, row.state
    else:
        case_id, state = row["id"], CaseState(Status(row["status"]), paused=row["paused"])
    new = apply(state, Action.CLOSE)
    if state.paused:
        staff_id = int(actor.split(":", 1)[1]) if actor.startswith("staff:") else None
        await cases.end_pause(conn, case_id, local_date(now), staff_id)
    await cases.close(
        conn,
        case_id,
        status=new.status,
        outcome=outcome,
        at=now,
        relief_type=relief_type,
        relief_fen=relief_fen,
    )
    relief = format_yuan(relief_fen) if relief_fen is not None else None
    await cases.add_event(
        conn,
        case_id,
        EventKind.CLOSED,
        actor=actor,
        at=now,
        payload={"outcome": outcome, "relief_type": relief_type, "relief": relief, **(payload or {})},
    )
    from service.usecases.event_notices import open_survey_at_close  # not at module level: it cycles

    await open_survey_at_close(conn, case_id, outcome, now)  # offered on the tracking page at once


async def close(pool: asyncpg.Pool, case_id: int, actor: StaffUser, cmd: Close, *, now: datetime) -> str:
    """Close by hand (withdrawn, duplicate, paid, an award, referred to enforcement)."""
    clean_outcome, kind, fen, clean_note = validate_close(cmd.outcome, cmd.relief_type, cmd.relief, cmd.note)
    async with case_step(pool, case_id, now=now, actor=actor) as step:
        await close_locked(
            step.conn,
            step.case,
            outcome=clean_outcome,
            actor=step.actor,
            now=now,
            relief_type=kind,
            relief_fen=fen,
            payload={"note": clean_note},
        )
    return clean_outcome
