"""Demo data through the real intake and decision paths, on a real (empty) database."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import asyncpg

from domain.tracking import new_access_code
from service.demo.bodies import demo_access_code_choice, demo_bodies
from service.demo.lifecycle import UNDECIDED_WITHIN
from service.demo.seed import DEMO_ACCOUNTS, seed_demo
from service.settings import Settings
from service.store.db import create_pool
from service.usecases import auth
from service.usecases.clock import LOCAL_TZ, local_date
from tests.support.databases import Databases
from tests.support.intake import ctx


async def test_seed_demo_fills_an_empty_database_once(
    databases: Databases, settings: Settings, today_local: date
) -> None:
    pool: asyncpg.Pool = await create_pool(await databases.create(migrated=True), max_size=2)
    try:
        result = await seed_demo(pool, ctx(settings), count=60, seed=7, today=today_local)
        receipts = result.receipts
        assert len(receipts) == 60
        # in time order, with the seed's access codes, at the bodies' moments
        choice = demo_access_code_choice(7)
        assert [r.access_code for r in receipts] == [new_access_code(choice) for _ in range(60)]
        for r, (moment, _) in zip(receipts, demo_bodies(7, 60, today_local), strict=True):
            # a letter the clerk records counts from the start of the day it arrived
            day = r.received_on
            if day is not None and day < local_date(moment):
                assert r.received_at == datetime.combine(day, time(), LOCAL_TZ)
            else:
                assert r.received_at == moment
        assert await pool.fetchval("SELECT count(*) FROM cases") == 60
        assert await pool.fetchval("SELECT count(*) FROM enforcement_referrals") >= 1
        # complaints were decided by the demo supervisor through the real use cases, a few working days
        # after receipt; only recent ones still wait (issue 12 §6: the lifecycle carries the rest on)
        statuses = dict(await pool.fetch("SELECT status, count(*) FROM cases GROUP BY status"))
        assert statuses.get("rejected", 0) == result.rejected
        assert result.accepted > 30 and statuses.get("closed", 0) > 20
        decided = dict(
            await pool.fetch(
                "SELECT kind, count(*) FROM case_events WHERE kind IN ('accepted', 'rejected') GROUP BY kind"
            )
        )
        assert decided == {"accepted": result.accepted, "rejected": result.rejected}
        assert await pool.fetchval(
            "SELECT bool_and(decided_at > received_at) FROM cases WHERE decided_at IS NOT NULL"
        )
        assert not await pool.fetchval(
            "SELECT count(*) FROM cases WHERE status = 'received' AND received_on < $1",
            today_local - UNDECIDED_WITHIN - timedelta(days=1),
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
        assert await pool.fetchval("SELECT count(*) FROM commitments") == 6
        assert (
            await pool.fetchval("SELECT count(*) FROM arbitration_agreements WHERE kind = 'published'") == 1
        )
        assert await pool.fetchval("SELECT count(*) FROM ledger_transactions WHERE kind = 'top_up'") >= 6
        # every acceptance's routing job was run by the demo itself (no worker needed)
        routing_jobs = await pool.fetchrow(
            "SELECT count(*) AS n, count(done_at) AS done FROM outbox "
            "WHERE job_key LIKE 'route_case:%:accepted'"
        )
        assert routing_jobs["n"] == routing_jobs["done"] == result.accepted
        # a second load leaves the database alone
        again = await seed_demo(pool, ctx(settings), count=60, seed=7, today=today_local)
        assert again.receipts == [] and again.accounts == {}
        assert await pool.fetchval("SELECT count(*) FROM cases") == 60
    finally:
        await pool.close()
