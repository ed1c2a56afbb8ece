"""Two web processes and two workers on one database and one Redis, all at once: submissions through both
webs, routing by both workers, mediators claiming through both webs concurrently. No event is written
twice, tracking numbers are unique, and no case is claimed twice."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from tests.support.fault_checks import (
    accept_all,
    all_routed,
    assert_no_duplicate_events,
    case_ids,
    event_counts,
    submit_many,
)
from tests.support.stack import Stack, Staff, wait_for

pytestmark = pytest.mark.faults

PER_WEB = 15
MEDIATORS = 3


async def test_two_webs_and_two_workers_on_one_database(stack: Stack) -> None:
    web_a, web_b = await asyncio.gather(stack.web("web-a"), stack.web("web-b"))
    await asyncio.gather(stack.worker("worker-a"), stack.worker("worker-b"))
    supervisor = await stack.staff(web_a, "f_supervisor", ["supervisor"])
    mediators = [
        await stack.staff((web_a, web_b)[i % 2], f"f_mediator{i}", ["mediator"]) for i in range(MEDIATORS)
    ]
    conn = await stack.connect()
    try:
        from_a, from_b = await asyncio.gather(
            submit_many(web_a, PER_WEB, "a", concurrency=4), submit_many(web_b, PER_WEB, "b", concurrency=4)
        )
        tracking = from_a + from_b
        assert len(set(tracking)) == len(tracking) == 2 * PER_WEB, "tracking numbers are unique"
        ids = await case_ids(conn, tracking)

        async def all_pending() -> bool:
            return set(await event_counts(conn, "routing_pending")) >= set(ids)

        await wait_for(all_pending, within=20, what="every complaint to reach the routing job")
        half = len(ids) // 2
        await asyncio.gather(
            accept_all(web_a, supervisor.headers, ids[:half]),
            accept_all(web_b, supervisor.headers, ids[half:]),
        )

        async def every_case_routed() -> bool:
            return await all_routed(conn, ids)

        await wait_for(every_case_routed, within=30, what="every accepted case to be routed")
        queues = {
            r["queue"] for r in await conn.fetch("SELECT queue FROM cases WHERE id = any($1::bigint[])", ids)
        }
        assert len(queues) == 1
        queue = queues.pop()

        claims: list[tuple[int, int]] = []  # (mediator's user id, case id) as the API answered

        async def claimer(mediator: Staff, base: str) -> None:
            async with httpx.AsyncClient(base_url=base, timeout=20, headers=mediator.headers) as client:
                while True:
                    r = await client.post(f"/api/v1/queues/{queue}/claim")
                    if r.status_code == 204:  # nothing left
                        return
                    assert r.status_code == 200, r.text
                    claims.append((mediator.user_id, r.json()["id"]))

        # every mediator claims through both web processes at once: six claimers on one queue
        await asyncio.gather(*(claimer(m, base) for m in mediators for base in (web_a, web_b)))
        claimed_ids = [case_id for _, case_id in claims]
        assert sorted(claimed_ids) == sorted(ids), "each case claimed exactly once, none left over"
        owners = {
            r["id"]: r["assigned_to"]
            for r in await conn.fetch("SELECT id, assigned_to FROM cases WHERE id = any($1::bigint[])", ids)
        }
        assert owners == {case_id: user_id for user_id, case_id in claims}, "the database agrees with the API"
        assert len({user_id for user_id, _ in claims}) > 1, "the claims really were concurrent"
        claimed = await event_counts(conn, "claimed")
        assert {i: claimed[i] for i in ids} == {i: 1 for i in ids}
        await assert_no_duplicate_events(conn)
        assert await conn.fetchval("SELECT count(DISTINCT tracking_no) = count(*) FROM cases")
    finally:
        await conn.close()
