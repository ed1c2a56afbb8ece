"""Notices on time (issue 15): the senders drain the whole queue side by side, each channel paced by its
setting; the worker's loop turns new events into sent notices without the minute cron; and the event
reader never skips an event whose transaction commits after a later one."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import asyncpg
import msgspec
import pytest

from service.adapters.channels import Channels, RateLimits
from service.settings import Settings
from service.usecases import intake
from service.usecases.clock import utcnow
from service.usecases.event_notices import EventHorizon, notify_from_events
from service.usecases.notifications import drain
from tests.support.channels import SlowLog, channels, queue_acceptances
from tests.support.databases import Databases
from tests.support.factories import complaint_body
from tests.support.intake import ctx
from workers import notifications as notices_jobs


@pytest.fixture
async def own_pool(databases: Databases) -> AsyncIterator[asyncpg.Pool]:
    """A database of its own: the senders and the event reader see only this test's rows."""
    async with databases.pool(max_size=12) as p:
        yield p


async def queue_many(pool: asyncpg.Pool, count: int) -> None:
    await queue_acceptances(pool, count, run="DRAIN")


async def test_the_senders_drain_everything_due_side_by_side_and_once(own_pool: asyncpg.Pool) -> None:
    await queue_many(own_pool, 300)
    channel = SlowLog()
    sent, failed = await drain(own_pool, Channels([channel]), clock=utcnow, senders=4)
    assert (sent, failed) == (300, 0)  # one call: not 50 a minute
    assert len(channel.delivered) == len(set(channel.delivered)) == 300  # none twice
    assert channel.most_in_flight > 1  # the senders worked side by side
    rows = await own_pool.fetch("SELECT status, attempts FROM notifications")
    assert {(r["status"], r["attempts"]) for r in rows} == {("sent", 1)}
    assert await drain(own_pool, Channels([channel]), clock=utcnow, senders=4) == (0, 0)


async def test_max_notices_bounds_a_drain(own_pool: asyncpg.Pool) -> None:
    await queue_many(own_pool, 30)
    assert await drain(own_pool, channels(), clock=utcnow, senders=3, max_notices=10) == (10, 0)
    assert await own_pool.fetchval("SELECT count(*) FROM notifications WHERE status = 'pending'") == 20


def test_rate_limits_are_settings() -> None:
    s = Settings.from_env({"NOTIFY_RATE_EMAIL": "2.5", "NOTIFY_RATE_LOG": "0", "NOTIFY_SENDERS": "8"})
    assert s.notify_rate_per_s == {"email": 2.5, "sms": 10.0, "log": 0.0} and s.notify_senders == 8
    assert notices_jobs.rate_limits_from(s).interval == {"email": 0.4, "sms": 0.1}
    assert Settings.from_env({"NOTIFY_RATE_SMS": "2"}).notify_rate_per_s["sms"] == 2.0  # the gateway's limit


async def test_the_worker_loop_sends_a_new_cases_notice_without_the_cron(
    own_pool: asyncpg.Pool, settings: Settings
) -> None:
    receipt = await intake.submit_complaint(own_pool, complaint_body(), ctx(settings), now=datetime.now(UTC))
    loop_ctx: dict[str, Any] = {
        "pool": own_pool,
        "settings": msgspec.structs.replace(settings, notify_senders=2),
        "channels": channels(),
        "rate_limits": RateLimits({}),
    }
    task = asyncio.create_task(notices_jobs.notices_forever(loop_ctx))
    try:
        status = None
        for _ in range(150):  # the loop polls every second; give a loaded machine ample room
            status = await own_pool.fetchval(
                "SELECT status FROM notifications WHERE case_id = $1 AND template = 'complaint_registered'",
                receipt.case_id,
            )
            if status == "sent":
                break
            await asyncio.sleep(0.1)
        assert status == "sent"
    finally:
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task


async def _case(pool: asyncpg.Pool, settings: Settings) -> int:
    receipt = await intake.submit_complaint(pool, complaint_body(), ctx(settings), now=datetime.now(UTC))
    return receipt.case_id


async def test_an_event_committed_after_a_later_one_is_not_skipped(
    own_pool: asyncpg.Pool, settings: Settings
) -> None:
    late_case, early_case = await _case(own_pool, settings), await _case(own_pool, settings)
    horizon = EventHorizon()

    async def read() -> int:
        async with own_pool.acquire() as conn:
            upto = await horizon.advance(conn)
        if upto is None:
            return 0
        return await notify_from_events(own_pool, now=utcnow(), channels=channels(), upto=upto)

    insert = (
        "INSERT INTO case_events (case_id, kind, actor, payload)"
        " VALUES ($1, 'accepted', 'system', '{}') RETURNING id"
    )
    slow = await own_pool.acquire()
    try:
        tx = slow.transaction()
        await tx.start()
        late_id = await slow.fetchval(insert, late_case)  # the lower id, not committed yet
        early_id = await own_pool.fetchval(insert, early_case)  # a higher id, committed at once
        assert early_id > late_id
        for _ in range(4):
            await read()
        cursor = await own_pool.fetchval("SELECT last_event_id FROM notice_cursor")
        assert cursor < late_id  # held back before the open transaction's event
        await tx.commit()
    finally:
        await own_pool.release(slow)

    async def accepted_notices() -> set[int]:
        rows = await own_pool.fetch(
            "SELECT case_id FROM notifications WHERE template = 'acceptance_accepted'"
        )
        return {r["case_id"] for r in rows}

    # the horizon passes once every writing transaction of the server that was open meanwhile has ended
    # (other databases' too): poll rather than assume how many reads that takes
    for _ in range(200):
        await read()
        if await accepted_notices() >= {late_case, early_case}:
            break
        await asyncio.sleep(0.05)
    assert await accepted_notices() >= {late_case, early_case}  # the late-committed event was not skipped
    assert await own_pool.fetchval("SELECT last_event_id FROM notice_cursor") >= early_id
