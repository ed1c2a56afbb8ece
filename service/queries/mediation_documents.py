"""The printable mediation documents: the 调解书 and the 终止调解告知书 to both parties, and the articles a
case's rule set cites (a rejection notice reads them too)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import asyncpg

from domain import mediation_terms as terms
from domain.acceptance import Citations
from domain.errors import NotFound
from service.queries.mediation import case_record, mediator_name, settlement_view, termination_view
from service.store import mediation as store
from service.store import reference
from service.usecases.clock import local_date, local_time, utcnow

# a store function listing one kind of a case's records, oldest first (store.settlements, ...)
RowsOfCase = Callable[[asyncpg.Connection, int], Awaitable[list[asyncpg.Record]]]


async def citations(pool: asyncpg.Pool, rule_set_id: str) -> Citations:
    """What the rule set's notices cite (a rejection notice reads it too)."""
    async with pool.acquire() as conn:
        return await reference.citations(conn, rule_set_id)


async def settlement_document(pool: asyncpg.Pool, case_id: int) -> dict[str, Any]:
    """The 调解书: parties, facts, terms, the performance deadline, the mediator. NotFound without one."""
    async with pool.acquire() as conn:
        row, current = await _case_and_current(conn, case_id, store.settlements, "settlement")
        mediator = await mediator_name(conn, row)
    s = settlement_view(current, mediator)
    issued = local_time(current["issued_at"]).date() if current["issued_at"] else None
    return {"c": row, "s": s, "signed_on": issued or s.created_at.date(), "draft": s.status == "draft"}


async def termination_document(pool: asyncpg.Pool, case_id: int) -> dict[str, Any]:
    """终止调解告知书 to both parties: the ground, the facts, what remains. NotFound without a termination."""
    async with pool.acquire() as conn:
        row, current = await _case_and_current(conn, case_id, store.terminations, "termination")
        cites = await reference.citations(conn, row["rule_set_id"])
    t = termination_view(current, local_date(utcnow()), cites)
    return {
        "c": row,
        "t": t,
        "cite": cites,
        "received_at_local": local_time(row["received_at"]),
        "remaining_routes": [zh for zh, _ in terms.REMAINING_ROUTES],
    }


async def _case_and_current(
    conn: asyncpg.Connection, case_id: int, documents: RowsOfCase, what: str
) -> tuple[asyncpg.Record, asyncpg.Record]:
    """The case and its current settlement or termination (the list's last); NotFound without one."""
    row = await case_record(conn, case_id)
    found = await documents(conn, case_id)
    if not found:
        raise NotFound(f"{what} of case {case_id}")
    return row, found[-1]
