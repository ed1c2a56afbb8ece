"""What the fault tests (tests/faults/) do through the API and check in the database."""

from __future__ import annotations

import asyncio
from collections import Counter
from typing import Any

import asyncpg
import httpx

from tests.support.factories import complaint_body

# the events each step writes once per case, whatever faults and retries happened
ONCE_PER_CASE = (
    "registered",
    "routing_pending",
    "accepted",
    "merchant_linked",
    "routed",
    "queued",
    "claimed",
)


def body(tag: str) -> dict[str, Any]:
    """A valid complaint whose description carries `tag`, to find it again in the database."""
    return complaint_body(description=f"电水壶底座漏电，商家拒绝退货。编号 {tag}")


async def submit(client: httpx.AsyncClient, tag: str, *, key: str | None = None) -> httpx.Response:
    headers = {"Idempotency-Key": key} if key else {}
    return await client.post("/api/v1/complaints", json=body(tag), headers=headers)


async def submit_many(base: str, count: int, prefix: str, *, concurrency: int = 4) -> list[str]:
    """`count` complaints, all of which must be accepted with 201; returns their tracking numbers."""
    gate = asyncio.Semaphore(concurrency)
    async with httpx.AsyncClient(base_url=base, timeout=20) as client:

        async def one(i: int) -> str:
            async with gate:
                r = await submit(client, f"{prefix}-{i}")
            assert r.status_code == 201, r.text
            return str(r.json()["tracking_no"])

        return list(await asyncio.gather(*(one(i) for i in range(count))))


async def case_ids(conn: asyncpg.Connection, tracking: list[str]) -> list[int]:
    rows = await conn.fetch("SELECT id FROM cases WHERE tracking_no = any($1::text[]) ORDER BY id", tracking)
    assert len(rows) == len(tracking), "every acknowledged complaint is in the database"
    return [r["id"] for r in rows]


async def accept_all(base: str, headers: dict[str, str], ids: list[int], *, concurrency: int = 4) -> None:
    gate = asyncio.Semaphore(concurrency)
    async with httpx.AsyncClient(base_url=base, timeout=20, headers=headers) as client:

        async def one(case_id: int) -> None:
            async with gate:
                r = await client.post(f"/api/v1/cases/{case_id}/accept", json={})
            assert r.status_code == 200, r.text

        await asyncio.gather(*(one(i) for i in ids))


async def event_counts(conn: asyncpg.Connection, kind: str) -> Counter[int]:
    rows = await conn.fetch("SELECT case_id, count(*) AS n FROM case_events WHERE kind = $1 GROUP BY 1", kind)
    return Counter({r["case_id"]: r["n"] for r in rows})


async def assert_no_duplicate_events(conn: asyncpg.Connection) -> None:
    dupes = await conn.fetch(
        "SELECT case_id, kind, count(*) AS n FROM case_events WHERE kind = any($1::text[])"
        " GROUP BY 1, 2 HAVING count(*) > 1",
        list(ONCE_PER_CASE),
    )
    assert not dupes, f"events written more than once: {[dict(r) for r in dupes]}"


async def all_in_mediation(conn: asyncpg.Connection, ids: list[int]) -> bool:
    """Every case is in mediation with a queue (what routing should give these complaints)."""
    n = await conn.fetchval(
        "SELECT count(*) FROM cases"
        " WHERE id = any($1::bigint[]) AND status = 'mediation' AND queue IS NOT NULL",
        ids,
    )
    return bool(n == len(ids))


async def outbox_finished(conn: asyncpg.Connection) -> bool:
    return bool(await conn.fetchval("SELECT count(*) = 0 FROM outbox WHERE done_at IS NULL"))


async def all_routed(conn: asyncpg.Connection, ids: list[int]) -> bool:
    """The outbox is drained and every one of the cases is in mediation: the routing jobs have all run."""
    return await outbox_finished(conn) and await all_in_mediation(conn, ids)


async def assert_routed_once(conn: asyncpg.Connection, ids: list[int]) -> None:
    """Each case was routed and queued exactly once, and no once-per-case event was written twice."""
    routed = await event_counts(conn, "routed")
    queued = await event_counts(conn, "queued")
    assert {i: (routed[i], queued[i]) for i in ids} == {i: (1, 1) for i in ids}
    await assert_no_duplicate_events(conn)
