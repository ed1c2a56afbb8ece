"""The disclosure policy in force on a day (migration 0035)."""

from __future__ import annotations

from datetime import date

import asyncpg

from domain.disclosure import DisclosurePolicy
from service.store.sql import SQL


async def policy_on(conn: asyncpg.Connection, day: date) -> DisclosurePolicy:
    row = await conn.fetchrow(SQL["disclosure_policies_in_force"], day)
    assert row is not None, "disclosure_policies is seeded by migration 0035"
    return DisclosurePolicy(**dict(row))
