"""The running month read as the sum of its ended days' rollups and its last days counted live is exactly
the month counted live (issue 17, migration 0032), before and after something is written into one of
its ended days: the change makes that day stale, the next read counts it again and stores it.

The running month here is the previous calendar month seen from a product clock on its last day (the
server's clock is real and later): that gives a month of ended days whatever the date the suite runs on.
"""

from __future__ import annotations

import random
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

import asyncpg
import pytest

from domain import indicators as ind
from service.store import indicator_rollups as rollup_store
from service.store import statistics
from service.usecases import indicator_rollups, returns
from service.usecases.clock import utcnow
from tests.support import clock
from tests.support.databases import Databases
from tests.support.statistics import Data


@pytest.fixture(scope="module")
async def db(databases: Databases) -> AsyncIterator[asyncpg.Pool]:
    async with databases.pool(max_size=4) as pool:
        yield pool


def at(day: date, hour: int = 2) -> datetime:
    """An instant on a local day (hour 2 UTC is 10:00 in Shanghai)."""
    return datetime.combine(day, time(hour), tzinfo=UTC)


async def generate(conn: asyncpg.Connection, first: date, today: date) -> None:
    """Three complaints a day over [first, today): undecided, rejected, spam, or accepted and then
    settled or still in mediation, with a survey (answered or not) for each closing; nothing after today."""
    rng = random.Random(34)
    data = Data(conn, prefix="Y")
    merchant = await conn.fetchval(
        "INSERT INTO merchants (name, address) VALUES ('按日汇总测试商贸', '拱墅区某路7号') RETURNING id"
    )
    n, day = 0, first
    while day < today:
        for _ in range(3):
            n += 1
            facts: dict[str, object] = {"acceptance_due": day + timedelta(days=9), "merchant_id": merchant}
            decided = day + timedelta(days=rng.randint(1, 12))
            closed = decided + timedelta(days=rng.randint(3, 30))
            fate = rng.random()
            if fate < 0.1 or decided >= today:
                await data.case(f"c{n}", at(day), **facts)
            elif fate < 0.2:
                facts |= {"decided_at": at(decided), "rejection_ground": rng.randint(1, 7)}
                await data.case(f"c{n}", at(day), status="rejected", **facts)
            elif fate < 0.23:
                await data.case(f"c{n}", at(day), status="closed", outcome="spam", closed_at=at(day), **facts)
            else:
                facts |= {"decided_at": at(decided), "accepted_on": decided, "route": "mediation"}
                facts["mediation_due"] = decided + timedelta(days=60)
                if closed >= today:
                    await data.case(f"c{n}", at(day), status="mediation", **facts)
                    continue
                relief = rng.choice((None, 10000, 80000))
                closing = {"outcome": "settled", "closed_at": at(closed), "relief_fen": relief}
                await data.case(f"c{n}", at(day), status="closed", **facts, **closing)
                answered = closed + timedelta(days=rng.randint(0, 5))
                if rng.random() < 0.6 and answered < today:
                    score = rng.choice((Decimal(100), Decimal("86.67"), Decimal(60)))
                    await data.survey(f"c{n}", at(closed), at(answered), score=score)
                else:
                    await data.survey(f"c{n}", at(closed))
        day += timedelta(days=1)


@pytest.fixture(scope="module")
async def month(db: asyncpg.Pool) -> date:
    """The month before the real one, with complaints from three weeks before it up to the real today."""
    today = clock.today_local()
    month = ind.add_months(date(today.year, today.month, 1), -1)
    async with db.acquire() as conn, conn.transaction():
        await generate(conn, month - timedelta(days=21), today)
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
        end = ind.add_months(month, 1)
        return set(await rollup_store.fresh(conn, rollup_store.DAYS, month, end, ind.VERSION))


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
            "   AND indicator_day(created_at) >= $1 AND indicator_day(created_at) < $2"
            "   ORDER BY case_id LIMIT 1)"
            " RETURNING indicator_day(created_at)",
            month,
            last_day(month),
        )
        closed = await conn.fetchrow(
            "SELECT id, indicator_day(closed_at) AS day FROM cases WHERE status = 'closed'"
            " AND outcome = 'settled' AND indicator_day(closed_at) >= $1 AND indicator_day(closed_at) < $2"
            " ORDER BY id LIMIT 1",
            month,
            last_day(month),
        )
        await conn.execute(
            "UPDATE cases SET status = 'mediation', outcome = NULL, closed_at = NULL WHERE id = $1",
            closed["id"],
        )
        letter_day = month + timedelta(days=3)
        await Data(conn, prefix="D").case("letter", at(letter_day), acceptance_due=letter_day)
    assert survey_day is not None
    stale = ended - await fresh_days(db, month)
    assert stale == {survey_day, closed["day"], letter_day}  # the days the changes were dated into, only

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
        assert (
            await conn.fetchval("SELECT count(*) FROM indicator_day_rollup_changes WHERE day < $1", month)
            == 0
        )
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
