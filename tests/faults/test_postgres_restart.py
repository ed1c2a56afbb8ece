"""PostgreSQL restarts under a stream of submissions through a real web process.

Every 201 is in the database afterwards, whole; every other answer is a clear 503 (JSON, Retry-After) and
left nothing behind; the web process recovers by itself. Each submission carries an Idempotency-Key, so a
client that got a 503 can send it again: afterwards there is exactly one case per key.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from tests.support.fault_checks import submit
from tests.support.stack import Stack, wait_for

pytestmark = pytest.mark.faults

SUBMITTERS = 4


@dataclass(frozen=True)
class Outcome:
    key: str
    sent_at: float
    status: int
    body: Any
    retry_after: str | None


async def test_postgres_restart_during_a_stream_of_submissions(stack: Stack) -> None:
    base = await stack.web()
    web = stack.processes[0][1]
    outcomes: list[Outcome] = []
    stop = asyncio.Event()

    async def submitter(n: int) -> None:
        async with httpx.AsyncClient(base_url=base, timeout=20) as client:
            i = 0
            while not stop.is_set():
                key = f"pg-{n}-{i}"
                i += 1
                sent_at = time.monotonic()
                r = await submit(client, key, key=key)
                outcomes.append(Outcome(key, sent_at, r.status_code, r.json(), r.headers.get("retry-after")))
                if r.status_code != 201:
                    await asyncio.sleep(0.05)  # a client that was told to come back does not hammer

    def count(status: int, since: float = 0.0) -> int:
        return sum(1 for o in outcomes if o.status == status and o.sent_at >= since)

    async def at_least(n: int, status: int, since: float = 0.0) -> bool:
        return count(status, since) >= n

    tasks = [asyncio.create_task(submitter(n)) for n in range(SUBMITTERS)]
    try:
        await wait_for(lambda: at_least(20, 201), within=20, what="submissions to flow")
        stopped_at = time.monotonic()
        await asyncio.to_thread(stack.pg.stop)  # sessions ended, open transactions rolled back
        await wait_for(lambda: at_least(8, 503, stopped_at), within=10, what="503s while PostgreSQL is down")
        await asyncio.to_thread(stack.pg.start)
        back_at = time.monotonic()
        await wait_for(lambda: at_least(20, 201, back_at), within=20, what="201s after the restart")
    finally:
        stop.set()
        await asyncio.gather(*tasks, return_exceptions=True)
    for t in tasks:
        assert t.exception() is None, f"the web process always answered: {t.exception()!r}"

    assert {o.status for o in outcomes} == {201, 503}, "only 201 and 503: no 500, no hang"
    for o in outcomes:
        if o.status == 503:
            assert o.body["code"] == "unavailable" and "请稍后重试" in o.body["detail"], o.body
            assert o.retry_after is not None and int(o.retry_after) > 0
    assert web.poll() is None, "the same web process served throughout"

    acknowledged = {o.key: o.body["tracking_no"] for o in outcomes if o.status == 201}
    refused = [o.key for o in outcomes if o.status == 503]
    conn = await stack.connect()
    try:
        stored = {
            r["tracking_no"]
            for r in await conn.fetch(
                "SELECT tracking_no FROM cases WHERE tracking_no = any($1::text[])",
                list(acknowledged.values()),
            )
        }
        assert stored == set(acknowledged.values()), "every 201 is in the database"
        half_stored = await conn.fetch(
            """
            SELECT c.id FROM cases c
            WHERE (SELECT count(*) FROM case_events e WHERE e.case_id = c.id AND e.kind = 'registered') <> 1
               OR NOT EXISTS (SELECT 1 FROM case_consumers p WHERE p.case_id = c.id)
               OR NOT EXISTS (SELECT 1 FROM outbox o WHERE o.job_key = 'route_case:' || c.id)
            """
        )
        assert half_stored == [], "each case has its consumer, its registered event and its routing job"

        # the refused clients send again with the same key: each is now recorded, once
        async with httpx.AsyncClient(base_url=base, timeout=20) as client:
            for key in refused:
                r = await submit(client, key, key=key)
                assert r.status_code == 201, r.text
            for key, tracking_no in list(acknowledged.items())[:5]:
                r = await submit(client, key, key=key)
                assert (r.status_code, r.json()["tracking_no"]) == (201, tracking_no), (
                    "a replay is not a new case"
                )
        keys = {o.key for o in outcomes}
        rows = await conn.fetch("SELECT description FROM cases")
        assert len(rows) == len(keys), "exactly one case per submission: none lost, none doubled"
        assert {r["description"].rsplit(" ", 1)[1] for r in rows} == keys
    finally:
        await conn.close()
    async with httpx.AsyncClient(base_url=base, timeout=5) as client:
        assert (await client.get("/health")).json() == {"postgres": "ok", "redis": "ok"}
