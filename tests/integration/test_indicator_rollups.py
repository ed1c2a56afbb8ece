"""The indicators of ended months read from rollups are exactly the live figures (issue 17), before and
after something is written into an ended month: the change makes its month stale (and only its month),
the next read counts it again and stores it, and the figures are equal again.

The data are generated (a seeded mix of undecided, rejected, open, closed, spam and back-dated cases, with
surveys, first payments, awards and reports) over the six months before this one and this one so far.
"""

from __future__ import annotations

import random
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

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

MONTHS = 6  # ended months generated before the running one
PER_MONTH = 40
OUTCOMES = ("settled", "settled", "terminated", "withdrawn", "paid_by_merchant", "paid_from_deposit",
            "referred_to_enforcement", "award_for_consumer", "award_against_consumer")  # fmt: skip
SCORES = (Decimal(100), Decimal(80), Decimal("86.67"), Decimal(60), Decimal(45), Decimal(0))


def at(day: date, hour: int = 2) -> datetime:
    """An instant on a local day (hour 2 UTC is 10:00 in Shanghai)."""
    return datetime.combine(day, time(hour), tzinfo=UTC)


class Generator:
    """Cases of every fate, received over [first, today]; nothing is dated after today."""

    def __init__(self, conn: asyncpg.Connection, today: date) -> None:
        self.data = Data(conn, prefix="R")
        self.conn = conn
        self.today = today
        self.rng = random.Random(17)
        self.merchant = 0
        self.n = 0

    def day_after(self, day: date, lo: int, hi: int) -> date | None:
        later = day + timedelta(days=self.rng.randint(lo, hi))
        return later if later < self.today else None

    async def setup(self) -> None:
        self.merchant = await self.conn.fetchval(
            "INSERT INTO merchants (name, address) VALUES ('汇总测试商贸', '拱墅区某路9号') RETURNING id"
        )

    async def case(self, received: date) -> None:
        self.n += 1
        name = f"c{self.n}"
        due = received + timedelta(days=9)
        fate = self.rng.random()
        decided_on = self.day_after(received, 1, 12)
        base: dict[str, Any] = {"acceptance_due": due, "merchant_id": self.merchant}
        if fate < 0.1 or decided_on is None:  # undecided: on time until its deadline passes
            await self.data.case(name, at(received), **base)
        elif fate < 0.2:
            ground = self.rng.randint(1, 7)
            await self.data.case(
                name,
                at(received),
                **base,
                status="rejected",
                decided_at=at(decided_on),
                rejection_ground=ground,
            )
        elif fate < 0.23:  # marked as spam: counted nowhere
            await self.data.case(
                name, at(received), **base, status="closed", outcome="spam", closed_at=at(received)
            )
        else:
            await self.accepted(name, received, decided_on, base)

    async def accepted(self, name: str, received: date, decided_on: date, base: dict[str, Any]) -> None:
        mediation_due = decided_on + timedelta(days=self.rng.choice((20, 45, 60)))
        closed_on = self.day_after(decided_on, 3, 70)
        facts = base | {"decided_at": at(decided_on), "accepted_on": decided_on, "route": "mediation"}
        facts["mediation_due"] = mediation_due
        if closed_on is None:
            await self.data.case(name, at(received), **facts, status="mediation")
            return
        outcome = self.rng.choice(OUTCOMES)
        relief = self.rng.choice((None, 10000, 39900, 80000))
        closing = {"status": "closed", "outcome": outcome, "closed_at": at(closed_on), "relief_fen": relief}
        case_id = await self.data.case(name, at(received), **facts, **closing)
        if outcome.startswith("paid_"):
            state = "paid_by_merchant" if outcome == "paid_by_merchant" else "paid_from_deposit"
            paid = {"paid_fen": self.rng.choice((20000, 50000)), "paid_on": closed_on}
            await self.data.first_payment(name, self.merchant, state, decided_on + timedelta(days=5), **paid)
        if outcome.startswith("award_"):
            agreement = await self.conn.fetchval(
                "INSERT INTO arbitration_agreements (case_id, kind, institution) "
                "VALUES ($1, 'written', '杭州仲裁委员会') RETURNING id",
                case_id,
            )
            award_for = "consumer" if outcome == "award_for_consumer" else "merchant"
            await self.conn.execute(
                "INSERT INTO arbitration_referrals (case_id, agreement_id, institution, referred_on,"
                " award_on, award_for) VALUES ($1, $2, '杭州仲裁委员会', $3, $4, $5)",
                case_id, agreement, decided_on, closed_on, award_for,
            )  # fmt: skip
        if outcome == "referred_to_enforcement":
            await self.conn.execute(
                "INSERT INTO enforcement_referrals (case_id, description, created_at)"
                " VALUES ($1, '举报', $2)",
                case_id,
                at(decided_on),
            )
        answered = self.day_after(closed_on, 0, 20) if self.rng.random() < 0.6 else None
        score = self.rng.choice(SCORES) if answered else None
        await self.data.survey(name, at(closed_on), at(answered) if answered else None, score=score)


@pytest.fixture(scope="module")
async def db(databases: Databases) -> AsyncIterator[asyncpg.Pool]:
    async with databases.pool(max_size=4) as pool:
        yield pool


@pytest.fixture(scope="module")
async def months(db: asyncpg.Pool) -> list[date]:
    today = clock.today_local()  # the fixture's function-scoped; the data are made once for the module
    current = date(today.year, today.month, 1)
    first = ind.add_months(current, -MONTHS)
    async with db.acquire() as conn, conn.transaction():
        gen = Generator(conn, today)
        await gen.setup()
        day = first
        while day < today:
            for _ in range(PER_MONTH // 20):  # about PER_MONTH a month
                await gen.case(day)
            day += timedelta(days=1 + gen.rng.randint(0, 1))
    return ind.months_between(first, current)


async def live(db: asyncpg.Pool, months: list[date], today: date) -> dict[date, ind.MonthCounts]:
    """The live path: every month's aggregates straight from the data, as before the rollups."""
    end = ind.add_months(months[-1], 1)
    async with returns.statistics_snapshot(db) as (_, read):
        counts = await statistics.month_counts(read, months[0], end, today=today)
    return {m: counts.get(m, ind.MonthCounts()) for m in months}


async def read(db: asyncpg.Pool, months: list[date], today: date) -> indicator_rollups.Counted:
    end = ind.add_months(months[-1], 1)
    async with returns.statistics_snapshot(db) as (conn, reader):
        return await indicator_rollups.read_counts(conn, reader, months[0], end, today=today)


async def fresh_months(db: asyncpg.Pool, months: list[date]) -> set[date]:
    async with db.acquire() as conn:
        return set(await rollup_store.fresh(conn, rollup_store.MONTHS, months[0], months[-1], ind.VERSION))


async def unseen_changes(conn: asyncpg.Connection, current: date) -> int:
    """Changes logged for ended months (on a month's last day the running one is logged too)."""
    n: int = await conn.fetchval("SELECT count(*) FROM indicator_rollup_changes WHERE month < $1", current)
    return n


async def assert_series_is_live(db: asyncpg.Pool, months: list[date], today: date) -> None:
    """Every indicator of every month (and its MoM and YoY) as the live path computes it."""
    expected = await live(db, months, today)
    series = await returns.indicators(db, months[1], months[-1], today=today)
    for m in series.months:
        assert m.values == ind.summarize(expected[m.month]), ind.month_key(m.month)
        base = ind.add_months(m.month, -1)
        if base in expected:
            assert m.mom == ind.compare(m.values, ind.summarize(expected[base]))


async def test_the_rollups_are_the_live_figures_and_follow_changes(
    db: asyncpg.Pool, months: list[date], today_local: date
) -> None:
    ended = months[:-1]
    before = await live(db, months, today_local)
    assert sum(c.received for c in before.values()) > 150  # the generator made a real mix
    assert all(before[m].closed and before[m].surveys_responded for m in ended[1:])

    first = await read(db, months, today_local)  # nothing rolled up yet: every ended month counted live
    assert set(first.to_store) == set(ended)
    assert await indicator_rollups.write_back(db, first) == len(ended)
    assert await fresh_months(db, months) == set(ended)

    second = await read(db, months, today_local)  # now from the rollups alone (and the running month)
    assert second.to_store == {}
    assert {m: second.counts.get(m, ind.MonthCounts()) for m in months} == before
    await assert_series_is_live(db, months, today_local)

    # writes into ended months, each of the kinds that change one, from the data as they are
    two_ago, three_ago, last = ended[-3], ended[-4], ended[-1]
    async with db.acquire() as conn, conn.transaction():
        survey = await conn.fetchval(
            "SELECT case_id FROM surveys"
            " WHERE answered_at IS NULL AND indicator_month(created_at) = $1 LIMIT 1",
            three_ago,
        )
        await conn.execute(
            "UPDATE surveys SET answered_at = now(), score = 100, overall = 100 WHERE case_id = $1", survey
        )
    assert await fresh_months(db, months) == set(ended) - {three_ago}  # only the month the survey was sent

    async with db.acquire() as conn, conn.transaction():
        closed = await conn.fetchval(
            "SELECT id FROM cases WHERE status = 'closed' AND outcome = 'settled'"
            " AND indicator_month(closed_at) = $1 ORDER BY id LIMIT 1",
            two_ago,
        )
        await conn.execute(
            "UPDATE cases SET status = 'mediation', outcome = NULL, closed_at = NULL WHERE id = $1", closed
        )
        late = await conn.fetchval(
            "SELECT id FROM cases"
            " WHERE status = 'received' AND date_trunc('month', acceptance_due) = $1 LIMIT 1",
            last,
        )
        if late is not None:  # decided today, after its deadline in an ended month
            await conn.execute(
                "UPDATE cases SET status = 'rejected', decided_at = now(), rejection_ground = 5"
                " WHERE id = $1",
                late,
            )
        await Data(conn, prefix="B").case("letter", at(last + timedelta(days=3)))  # a letter entered late
    assert await fresh_months(db, months) == set(ended) - {three_ago, two_ago, last}

    changed = await read(db, months, today_local)
    assert set(changed.to_store) == {three_ago, two_ago, last}
    after = await live(db, months, today_local)
    assert after[last].received == before[last].received + 1
    assert after[two_ago].outcomes.get("settled", 0) == before[two_ago].outcomes.get("settled", 0) - 1
    assert after[three_ago].surveys_responded == before[three_ago].surveys_responded + 1
    assert {m: changed.counts.get(m, ind.MonthCounts()) for m in months} == after

    await indicator_rollups.write_back(db, changed)
    assert await fresh_months(db, months) == set(ended)
    async with db.acquire() as conn:  # the log keeps only what no rollup has seen
        assert await unseen_changes(conn, months[-1]) == 0
    await assert_series_is_live(db, months, today_local)
    again = await read(db, months, today_local)
    assert again.to_store == {}
    assert {m: again.counts.get(m, ind.MonthCounts()) for m in months} == after

    # a spam mark and a first payment recorded late, dated into ended months: stale, recounted, equal
    async with db.acquire() as conn, conn.transaction():
        spam = await conn.fetchval(
            "SELECT id FROM cases WHERE status = 'closed' AND outcome = 'settled'"
            " AND date_trunc('month', received_on) = $1 ORDER BY id LIMIT 1",
            ended[1],
        )
        await conn.execute("UPDATE cases SET outcome = 'spam' WHERE id = $1", spam)
        paid = await conn.fetchrow(
            "SELECT id, merchant_id, (closed_at AT TIME ZONE 'Asia/Shanghai')::date AS closed_on FROM cases c"
            " WHERE status = 'closed' AND outcome = 'settled' AND indicator_month(closed_at) = $1"
            " AND NOT EXISTS (SELECT 1 FROM first_payments f WHERE f.case_id = c.id) ORDER BY id LIMIT 1",
            ended[2],
        )
        await conn.execute(
            "INSERT INTO first_payments (case_id, payer_id, amount_fen, state, reply_due, paid_fen, paid_on)"
            " VALUES ($1, $2, 50000, 'paid_by_merchant', $3, 30000, $3)",
            paid["id"],
            paid["merchant_id"],
            paid["closed_on"],
        )
    assert {ended[1], ended[2]} <= set(ended) - await fresh_months(db, months)
    recounted = await read(db, months, today_local)
    final = await live(db, months, today_local)
    assert {m: recounted.counts.get(m, ind.MonthCounts()) for m in months} == final
    assert final[ended[1]].received == after[ended[1]].received - 1
    assert final[ended[2]].first_payments_by_merchant == after[ended[2]].first_payments_by_merchant + 1
    await indicator_rollups.write_back(db, recounted)
    await assert_series_is_live(db, months, today_local)


async def test_a_complaint_filed_today_leaves_the_ended_months_fresh(
    db: asyncpg.Pool, months: list[date], today_local: date
) -> None:
    await indicator_rollups.refresh(db, db, today=today_local)
    async with db.acquire() as conn:
        assert await unseen_changes(conn, months[-1]) == 0
        await Data(conn, prefix="N").case("today", utcnow())
        decided = await conn.fetchval(
            "UPDATE cases SET decided_at = now(), accepted_on = $1, status = 'mediation'"
            " WHERE status = 'received' AND acceptance_due >= $2 RETURNING id",
            today_local,
            months[-1],
        )
        assert await unseen_changes(conn, months[-1]) == 0, decided
    assert await fresh_months(db, months) == set(months[:-1])


async def test_a_rollup_is_stored_with_the_return(
    db: asyncpg.Pool, months: list[date], today_local: date
) -> None:
    month = months[-2]
    async with db.acquire() as conn:
        await conn.execute("DELETE FROM indicator_rollups WHERE month = $1", month)
    ret = await returns.produce(db, month, actor="cli", now=utcnow())
    counted = await read(db, months, today_local)
    assert month not in counted.to_store  # the return's counts were stored as the month's rollup
    assert ret.figures["summary"]["received"] == counted.counts[month].received


async def test_the_return_counts_from_a_fresh_rollup_and_live_once_its_month_changed(
    db: asyncpg.Pool, months: list[date], today_local: date
) -> None:
    month = months[-3]
    await indicator_rollups.refresh(db, db, today=today_local)
    assert month in await fresh_months(db, months)

    async def counted_live() -> dict[str, object]:
        async with returns.statistics_snapshot(db) as (conn, reader):
            return await returns.compute(conn, reader, month)

    ret = await returns.produce(db, month, actor="cli", now=utcnow())
    assert ret.figures == await counted_live()  # the rollup's counts are the live ones

    # Marked in the rollup alone (no write the triggers log): the return reads the rollup, not the cases.
    real = ret.figures["summary"]["received"]
    async with db.acquire() as conn:
        await conn.execute(
            "UPDATE indicator_rollups SET counts = jsonb_set(counts, '{received}', to_jsonb($2::int))"
            " WHERE month = $1",
            month,
            real + 1000,
        )
    marked = await returns.produce(db, month, actor="cli", now=utcnow())
    assert marked.figures["summary"]["received"] == real + 1000

    # A letter entered late into the month: the rollup is stale, the return counts live again (a
    # restatement of the marked version) and stores what it counted as the month's rollup.
    async with db.acquire() as conn:
        await Data(conn, prefix="L").case("late letter", at(month + timedelta(days=9)))
    assert month not in await fresh_months(db, months)
    restated = await returns.produce(db, month, actor="cli", now=utcnow())
    assert restated.figures["summary"]["received"] == real + 1
    assert restated.figures == await counted_live()
    assert restated.version == marked.version + 1
    assert month in await fresh_months(db, months)
