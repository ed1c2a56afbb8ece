"""How a mediation step starts: on a case in mediation (case_step), or for the merchant through its link."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime

import asyncpg

from domain import mediation as rules
from domain.errors import NotFound
from domain.lifecycle import Status
from service.store import cases
from service.store.staff import StaffUser
from service.usecases.case_step import CaseStep, case_step
from service.usecases.first_payment import merchant_link_of


@asynccontextmanager
async def mediation_step(
    pool: asyncpg.Pool, case_id: int, actor: StaffUser | str, *, now: datetime
) -> AsyncIterator[CaseStep]:
    """One step on a case in mediation; a staff `actor` must hold it, a party need not."""
    async with case_step(
        pool,
        case_id,
        now=now,
        actor=actor,
        status={Status.MEDIATION},
        refusal=lambda _: rules.not_in_mediation(),
    ) as step:
        yield step


async def merchant_of_case(pool: asyncpg.Pool, token: str, case_id: int | None, *, now: datetime) -> str:
    """The actor of the merchant whose link `token` is, when the case is that merchant's; else NotFound."""
    async with pool.acquire() as conn:
        link = await merchant_link_of(conn, token, now)
        row = await cases.by_id(conn, case_id) if case_id is not None else None
    if (
        row is None
        or link["case_id"] not in (None, row["id"])
        or row["merchant_id"] is None
        or row["merchant_id"] != link["merchant_id"]
    ):
        raise NotFound("no case of this merchant")
    return f"merchant:{link['merchant_id']}"
