"""The running month read as the sum of its ended days' rollups and its last days counted live is exactly
the month counted live (issue 17, migration 0034), before and after something is written into one of
its ended days: the change makes that day stale, the next read counts it again and stores it.

The running month here is the previous calendar month seen from a product clock on its last day (the
server's clock is real and later): that gives a month of ended days whatever the date the suite runs on.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date, timedelta

import asyncpg
import pytest

from domain import indicators as ind
from service.store import indicator_rollups as rollup_store
from service.store import statistics
from service.usecases import indicator_rollups, returns
from service.usecases.clock import utcnow
from tests.integration.test_indicator_rollups import Generator, at
from tests.support import clock
from tests.support.statistics import Data


@pytest.fixture(scope="module")
async def db(databases: asyncpg.Pool) -> AsyncIterator[asyncpg.Pool]:
    async with databases.pool(max_size=4) as pool:  # type: ignore[attr-defined]
        yield pool


@pytest.fixture(scope="module")
async def month(db: asyncpg.Pool) -> date:
    """The month before the real one, with complaints from three weeks before it up to the real today."""
    today = clock.today_local()
    month = ind.add_months(date(today.year, today.month, 1), -1)
    async with db.acquire() as conn, conn.transaction():
        gen = Generator(conn, today)
        await gen.setup()
        day = month - timedelta(days=21)
        while day < today:
            for _ in range(3):
                await gen.case(day)
            day += timedelta(days=1)
    return month


def last_day(month: date) -> date:
    return ind.add_months(month, 1) - timedelta(days=1)


async def live(db: asyncpg.Pool, month: date) -> ind.MonthCounts:
    async with returns.statistics_snapshot(db) as (_, read):
        counts = await statistics.month_counts(read, month, ind.add_months(month, 1), today=last_day(month))
    return counts.get(month, ind.MonthCounts())


async def read(db: asyncpg.Pool, month: date) -> indicator_rollups.Counted:
    async with returns.statistics_snapshot(db) as (conn, reader):
        return await indicator_rollups.read_counts(
            conn, reader, month, ind.add_months(month, 1), today=last_day(month)
        )


async def fresh_days(db: asyncpg.Pool, month: date) -> set[date]:
    async with db.acquire() as conn:
        return set(await rollup_store.fresh_days(conn, month, ind.add_months(month, 1), ind.VERSION))


async def test_the_days_add_up_to_the_live_month_and_follow_changes(db: asyncpg.Pool, month: date) -> None:
    ended = {month + timedelta(days=i) for i in range((last_day(month) - month).days)}  # the last one live
    before = await live(db, month)
    assert before.received > 60 and before.decided and before.closed and before.surveys_sent  # a real mix

    first = await read(db, month)  # no day rolled up yet: each ended day counted live
    assert set(first.days_to_store) == ended
    assert first.counts[month] == before
    assert sum(c.received for c in first.days_to_store.values()) < before.received  # the last day is live
    await indicator_rollups.write_back(db, first)
    assert await fresh_days(db, month) == ended

    second = await read(db, month)  # from the day rollups and the last day
    assert second.days_to_store == {}
    assert second.counts[month] == before
    assert ind.summarize(second.counts[month]) == ind.summarize(before)

    async with db.acquire() as conn, conn.transaction():
        survey_day = await conn.fetchval(
            "UPDATE surveys SET answered_at = now(), score = 100, overall = 100"
            " WHERE case_id = (SELECT case_id FROM surveys WHERE answered_at IS NULL"
            "   AND indicator_day(created_at) >= $1 AND indicator_day(created_at) < $2 ORDER BY case_id LIMIT 1)"
            " RETURNING indicator_day(created_at)",
            month,
            last_day(month),
        )
        closed_day = await conn.fetchval(
            "UPDATE cases SET status = 'mediation', outcome = NULL, closed_at = NULL"
            " WHERE id = (SELECT id FROM cases WHERE status = 'closed' AND outcome = 'settled'"
            "   AND indicator_day(closed_at) >= $1 AND indicator_day(closed_at) < $2 ORDER BY id LIMIT 1)"
            " RETURNING received_on",
            month,
            last_day(month),
        )
        letter_day = month + timedelta(days=3)
        await Data(conn, prefix="D").case("letter", at(letter_day), acceptance_due=letter_day)
    assert survey_day is not None and closed_day is not None
    stale = ended - await fresh_days(db, month)
    assert survey_day in stale and letter_day in stale and stale <= ended
    assert len(stale) <= 4  # the survey's day, the closing's day, the letter's day (and nothing else)

    changed = await read(db, month)
    assert set(changed.days_to_store) == stale
    after = await live(db, month)
    assert after.received == before.received + 1
    assert after.surveys_responded == before.surveys_responded + 1
    assert after.outcomes.get("settled", 0) == before.outcomes.get("settled", 0) - 1
    assert changed.counts[month] == after
    await indicator_rollups.write_back(db, changed)
    assert await fresh_days(db, month) == ended
    async with db.acquire() as conn:  # the log keeps only what no rollup has seen
        assert await conn.fetchval("SELECT count(*) FROM indicator_day_rollup_changes WHERE day < $1", month) == 0
        unseen = await conn.fetchval(
            "SELECT count(*) FROM indicator_day_rollup_changes WHERE day = ANY($1::date[])", sorted(ended)
        )
        assert unseen == 0
    assert (await read(db, month)).counts[month] == after


async def test_a_complaint_filed_today_logs_no_day(db: asyncpg.Pool, month: date) -> None:
    async with db.acquire() as conn:
        logged = await conn.fetchval("SELECT count(*) FROM indicator_day_rollup_changes")
        await Data(conn, prefix="F").case("today", utcnow())
        assert await conn.fetchval("SELECT count(*) FROM indicator_day_rollup_changes") == logged
