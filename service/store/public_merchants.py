"""Merchants' records in public (issue 18 §1): the merchants named, the monthly publications, the merchants'
replies and the entries withheld. Only businesses' names and counts are read; never a consumer's data
(except the names a reply is checked against, which never leave the use case)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import asyncpg

from domain import public_records as rules
from domain.disclosure import DisclosurePolicy
from service.store.sql import SQL, one_row


async def named_merchant_ids(conn: asyncpg.Connection, *, until: date, policy: DisclosurePolicy) -> set[int]:
    """The merchants that pass the threshold for the policy's window of months ending `until` (included,
    local dates) and whose entry is not withheld: the businesses that may be named in public."""
    start = rules.window_start(until, policy.merchant_window_months)
    rows = await conn.fetch(
        SQL["public_merchants_named"], start, until, policy.merchant_threshold, list(rules.NOT_COUNTED)
    )
    return {r["merchant_id"] for r in rows}


def figures(row: asyncpg.Record) -> rules.Figures:
    by_problem = row["by_problem"]
    return rules.Figures(
        complaints=row["complaints"],
        by_problem=dict(by_problem) if isinstance(by_problem, dict) else {},
        replies_due=row["replies_due"],
        replies_on_time=row["replies_on_time"],
        resolved=row["resolved"],
        first_payments=row["first_payments"],
        late=row["late"],
    )


publication = one_row("public_merchants_publication", date)


async def publish(
    conn: asyncpg.Connection, period: rules.Period, threshold: int, *, today: date, at: datetime
) -> bool:
    """Make the period's publication (in the caller's transaction) unless another made it first."""
    await conn.execute(SQL["public_merchants_publish_lock"], period.end)
    made = await conn.fetchval(SQL["public_merchants_publish"], period.end, period.start, threshold, at)
    if made is None:
        return False
    await conn.execute(
        SQL["public_merchants_figures_publish"],
        period.end, period.start, list(rules.NOT_COUNTED), list(rules.RESOLVED), today,
    )  # fmt: skip
    return True


NO_FIGURES = rules.Figures(
    complaints=0, by_problem={}, replies_due=0, replies_on_time=0, resolved=0, first_payments=0, late=0
)


async def figures_of(
    conn: asyncpg.Connection, merchant_id: int, period: rules.Period, *, today: date
) -> rules.Figures:
    """One merchant's figures for a period, counted now as a publication made today would count them (its
    own preview of the coming publication)."""
    row = await conn.fetchrow(
        SQL["public_merchants_figures_of"],
        period.end, period.start, list(rules.NOT_COUNTED), list(rules.RESOLVED), today, merchant_id,
    )  # fmt: skip
    return figures(row) if row else NO_FIGURES


async def refresh_previews(
    conn: asyncpg.Connection, period: rules.Period, *, today: date, at: datetime, from_complaints: int
) -> int:
    """Replace the stored previews (in the caller's transaction) by the period's figures, counted now, of
    every merchant with at least `from_complaints` complaints in it; how many were stored."""
    await conn.execute(SQL["public_merchants_previews_clear"])
    status: str = await conn.execute(
        SQL["public_merchants_previews_refresh"],
        period.end, period.start, list(rules.NOT_COUNTED), list(rules.RESOLVED), today, from_complaints, at,
    )  # fmt: skip
    return int(status.rsplit(" ", 1)[-1])


async def preview(
    conn: asyncpg.Connection, merchant_id: int, period: rules.Period, *, today: date
) -> tuple[rules.Figures, datetime] | None:
    """The merchant's stored preview of the period as counted today, and when; None: count it live."""
    query = SQL["public_merchants_preview_get"]
    row = await conn.fetchrow(query, merchant_id, period.start, period.end, today)
    return (figures(row), row["counted_at"]) if row else None


async def published_figures(conn: asyncpg.Connection, period_end: date, merchant_id: int) -> rules.Figures:
    """One merchant's figures as the publication of the period ending `period_end` holds them (made)."""
    row = await conn.fetchrow(SQL["public_merchants_figures_get"], period_end, merchant_id)
    return figures(row) if row else NO_FIGURES


async def entries(
    conn: asyncpg.Connection, period_end: date, threshold: int, *, today: date, limit: int, offset: int
) -> list[asyncpg.Record]:
    query = SQL["public_merchants_figures_list"]
    return list(await conn.fetch(query, period_end, today, limit, offset, threshold))


async def entry_count(conn: asyncpg.Connection, period_end: date, threshold: int) -> int:
    count: int = await conn.fetchval(SQL["public_merchants_figures_count"], period_end, threshold)
    return count


async def clean_record(
    conn: asyncpg.Connection, period_end: date, *, today: date, limit: int
) -> list[asyncpg.Record]:
    return list(await conn.fetch(SQL["public_merchants_figures_clean"], period_end, today, limit))


lock_merchant = one_row("public_merchants_lock_merchant", int)
latest_reply = one_row("public_merchants_replies_latest", int)
withholding = one_row("public_merchants_withholdings_get", int)


async def consumer_names(conn: asyncpg.Connection, merchant_id: int) -> frozenset[str]:
    rows = await conn.fetch(SQL["public_merchants_consumer_names"], merchant_id)
    return frozenset(r["name"] for r in rows)


async def add_reply(conn: asyncpg.Connection, merchant_id: int, body: str, at: datetime) -> int:
    version: int = await conn.fetchval(SQL["public_merchants_replies_add"], merchant_id, body, at)
    return version


async def withhold(conn: asyncpg.Connection, merchant_id: int, reason: str, by: str, at: datetime) -> bool:
    """False when the entry is withheld already."""
    return (
        await conn.fetchval(SQL["public_merchants_withholdings_add"], merchant_id, reason, by, at) is not None
    )


async def restore(conn: asyncpg.Connection, merchant_id: int) -> dict[str, Any] | None:
    """The withholding lifted (its row as it was), or None when the entry was not withheld."""
    row = await conn.fetchrow(SQL["public_merchants_withholdings_remove"], merchant_id)
    return dict(row) if row else None
