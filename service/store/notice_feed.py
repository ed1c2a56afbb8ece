"""The case history as the notice reader reads it: the cursor, the events after it, how far to read."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import asyncpg

from service.store.sql import SQL


@dataclass(frozen=True, slots=True)
class FeedEvent:
    id: int
    case_id: int
    kind: str
    payload: dict[str, Any]
    at: datetime


@dataclass(frozen=True, slots=True)
class Snapshot:
    """The current snapshot's oldest running and next transaction ids, and the event sequence's last id."""

    xmin: int
    xmax: int
    seq: int


async def lock_cursor(conn: asyncpg.Connection) -> int:
    """The last event id read, the cursor row locked for the caller's transaction."""
    last: int = await conn.fetchval(SQL["notice_cursor_lock"])
    return last


async def move_cursor(conn: asyncpg.Connection, last_event_id: int) -> None:
    await conn.execute(SQL["notice_cursor_move"], last_event_id)


async def events_after(
    conn: asyncpg.Connection, last: int, *, limit: int, upto: int | None
) -> list[FeedEvent]:
    rows = await conn.fetch(SQL["case_events_after"], last, limit, upto)
    return [FeedEvent(**dict(r)) for r in rows]


async def snapshot(conn: asyncpg.Connection) -> Snapshot:
    return Snapshot(**dict(await conn.fetchrow(SQL["case_events_horizon"])))


async def issue_survey_link_token(
    conn: asyncpg.Connection, case_id: int, opened_at: datetime, token_hash: bytes
) -> bool:
    """Give the survey opened at `opened_at` its link token; False when none was opened then (or answered)."""
    return await conn.fetchval(SQL["surveys_issue_link_token"], case_id, token_hash, opened_at) is not None
