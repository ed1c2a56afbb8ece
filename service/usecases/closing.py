"""Closing a case (办结) with its outcome and the relief obtained; every way a case ends goes through here."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import asyncpg

from domain.lifecycle import Action, apply
from domain.money import format_yuan
from domain.outcomes import validate_close
from service.store import cases
from service.store.staff import StaffUser
from service.usecases.casework import _state, held_case
from service.usecases.clock import local_date


async def close_locked(
    conn: asyncpg.Connection,
    row: asyncpg.Record,
    *,
    outcome: str,
    actor: str,
    now: datetime,
    relief_type: str | None = None,
    relief_fen: int | None = None,
    payload: dict[str, Any] | None = None,
) -> None:
    """Close a case already locked by the caller's transaction (a settlement, a termination, by hand).

    A paused case's open pause ends today: closing stops the clock for good.
    """
    new = apply(_state(row), Action.CLOSE)
    if row["paused"]:
        await cases.end_pause(
            conn,
            row["id"],
            local_date(now),
            int(actor.split(":", 1)[1]) if actor.startswith("staff:") else None,
        )
    await cases.close(
        conn,
        row["id"],
        status=new.status,
        outcome=outcome,
        at=now,
        relief_type=relief_type,
        relief_fen=relief_fen,
    )
    await cases.add_event(
        conn,
        row["id"],
        "closed",
        actor=actor,
        at=now,
        payload={
            "outcome": outcome,
            "relief_type": relief_type,
            "relief": format_yuan(relief_fen) if relief_fen is not None else None,
            **(payload or {}),
        },
    )
    from service.usecases.event_notices import open_survey_at_close  # not at module level: it cycles

    await open_survey_at_close(conn, row["id"], outcome, now)  # offered on the tracking page at once


async def close(
    pool: asyncpg.Pool,
    case_id: int,
    actor: StaffUser,
    *,
    outcome: object,
    relief_type: object = None,
    relief: object = None,
    note: object = None,
    now: datetime,
) -> str:
    """Close by hand (withdrawn, duplicate, paid, an award, referred to enforcement)."""
    clean_outcome, kind, fen, clean_note = validate_close(outcome, relief_type, relief, note)
    async with pool.acquire() as conn, conn.transaction():
        row = await held_case(conn, case_id, actor)
        await close_locked(
            conn,
            row,
            outcome=clean_outcome,
            actor=actor.actor,
            now=now,
            relief_type=kind,
            relief_fen=fen,
            payload={"note": clean_note},
        )
    return clean_outcome
