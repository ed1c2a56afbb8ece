"""Demo data through the real intake path, on a real (empty) database."""

from __future__ import annotations

from datetime import date

import asyncpg

from domain.demo import demo_access_code_choice, demo_bodies
from domain.tracking import new_access_code
from service.settings import Settings
from service.store.db import create_pool
from service.usecases.demo import seed_demo
from tests.conftest import Databases
from tests.integration.test_intake import ctx

TODAY = date(2026, 11, 26)


async def test_seed_demo_fills_an_empty_database_once(databases: Databases, settings: Settings) -> None:
    pool: asyncpg.Pool = await create_pool(await databases.create(migrated=True), max_size=2)
    try:
        receipts = await seed_demo(pool, ctx(settings), count=30, seed=7, today=TODAY)
        assert len(receipts) == 30
        # in time order, with the seed's access codes, and the registered moments of the bodies
        choice = demo_access_code_choice(7)
        assert [r.access_code for r in receipts] == [new_access_code(choice) for _ in range(30)]
        assert [r.received_at for r in receipts] == [moment for moment, _ in demo_bodies(7, 30, TODAY)]
        assert await pool.fetchval("SELECT count(*) FROM cases") == 30
        assert await pool.fetchval("SELECT count(*) FROM case_events WHERE kind = 'registered'") == 30
        assert await pool.fetchval("SELECT count(*) FROM enforcement_referrals") >= 1
        # a second load leaves the database alone
        assert await seed_demo(pool, ctx(settings), count=30, seed=7, today=TODAY) == []
        assert await pool.fetchval("SELECT count(*) FROM cases") == 30
    finally:
        await pool.close()
