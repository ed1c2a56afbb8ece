"""Demo data: load a year of fictional complaints through the real intake path, into an empty database only.

Each body goes through `submit_complaint` at its own receipt moment, in time order, so tracking numbers, the
rule set in force, acceptance deadlines, split-off reports and routing jobs come from the same code as real
complaints. Access codes are deterministic for the seed: this is demo data and must never meet real cases.
"""

from __future__ import annotations

from datetime import date

import asyncpg

from domain.demo import demo_access_code_choice, demo_bodies
from service.store import cases
from service.usecases.intake import IntakeContext, Receipt, submit_complaint


async def seed_demo(
    pool: asyncpg.Pool, ctx: IntakeContext, *, count: int, seed: int, today: date
) -> list[Receipt]:
    """Register `count` demo complaints; return [] without writing anything when cases already exist."""
    async with pool.acquire() as conn:
        if await cases.count(conn) > 0:
            return []
    choice = demo_access_code_choice(seed)
    receipts = []
    for received_at, body in demo_bodies(seed, count, today):
        receipts.append(await submit_complaint(pool, body, ctx, now=received_at, code_choice=choice))
    return receipts
