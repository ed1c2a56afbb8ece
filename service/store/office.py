"""The office's log of staff actions that concern no single case (team membership, limits, imports)."""

from __future__ import annotations

from datetime import datetime

import asyncpg

from service.store.sql import SQL


async def add_event(
    conn: asyncpg.Connection, kind: str, *, actor: str, at: datetime, payload: dict[str, object]
) -> int:
    """One action with its actor; the payload holds ids and counts, never personal data."""
    event_id: int = await conn.fetchval(SQL["office_events_insert"], kind, actor, at, payload)
    return event_id
