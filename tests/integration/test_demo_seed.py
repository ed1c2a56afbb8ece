"""Demo data through the real intake and decision paths, on a real (empty) database."""

from __future__ import annotations

from datetime import date

import asyncpg

from domain.demo import demo_access_code_choice, demo_bodies
from domain.tracking import new_access_code
from service.settings import Settings
from service.store.db import create_pool
from service.usecases import auth
from service.usecases.demo import DEMO_ACCOUNTS, seed_demo
from tests.conftest import Databases
from tests.integration.test_intake import ctx

TODAY = date(2026, 11, 26)


async def test_seed_demo_fills_an_empty_database_once(databases: Databases, settings: Settings) -> None:
    pool: asyncpg.Pool = await create_pool(await databases.create(migrated=True), max_size=2)
    try:
        result = await seed_demo(pool, ctx(settings), count=60, seed=7, today=TODAY)
        receipts = result.receipts
        assert len(receipts) == 60
        # in time order, with the seed's access codes, at the bodies' moments
        choice = demo_access_code_choice(7)
        assert [r.access_code for r in receipts] == [new_access_code(choice) for _ in range(60)]
        assert [r.received_at for r in receipts] == [moment for moment, _ in demo_bodies(7, 60, TODAY)]
        assert await pool.fetchval("SELECT count(*) FROM cases") == 60
        assert await pool.fetchval("SELECT count(*) FROM enforcement_referrals") >= 1
        # older complaints were decided by the demo supervisor through the real use cases
        statuses = dict(await pool.fetch("SELECT status, count(*) FROM cases GROUP BY status"))
        assert statuses.get("accepted", 0) == result.accepted > 30
        assert statuses.get("rejected", 0) == result.rejected
        assert statuses.get("received", 0) >= 1
        decided = await pool.fetchval(
            "SELECT count(*) FROM case_events WHERE kind IN ('accepted', 'rejected')"
        )
        assert decided == result.accepted + result.rejected
        assert await pool.fetchval(
            "SELECT bool_and(decided_at > received_at) FROM cases WHERE decided_at IS NOT NULL"
        )
        # demo accounts can sign in with the passwords shown once
        assert set(result.accounts) == set(DEMO_ACCOUNTS)
        session = await auth.sign_in(
            pool,
            "demo.supervisor",
            result.accounts["demo.supervisor"],
            kind="bearer",
            now=receipts[-1].received_at,
            policy=auth.AuthPolicy(),
        )
        assert session.user.username == "demo.supervisor"
        # routing has a registry to work with: commitments with deposits, and a published clause
        assert await pool.fetchval("SELECT count(*) FROM commitments") == 5
        assert (
            await pool.fetchval("SELECT count(*) FROM arbitration_agreements WHERE kind = 'published'") == 1
        )
        assert await pool.fetchval("SELECT count(*) FROM ledger_transactions WHERE kind = 'top_up'") == 5
        # every acceptance queued its routing job
        queued = await pool.fetchval("SELECT count(*) FROM outbox WHERE job_key LIKE 'route_case:%:accepted'")
        assert queued == result.accepted
        # a second load leaves the database alone
        again = await seed_demo(pool, ctx(settings), count=60, seed=7, today=TODAY)
        assert again.receipts == [] and again.accounts == {}
        assert await pool.fetchval("SELECT count(*) FROM cases") == 60
    finally:
        await pool.close()
