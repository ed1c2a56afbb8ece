"""The demo year (issue 12 §6): complaints played through the real use cases reach every ending, and the
indicators of every month show closures and satisfaction — on a real database, dated before today."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import date, datetime, time

import asyncpg
import pytest
from redis.asyncio import Redis

from domain.calendar import WorkCalendar
from domain.outcomes import OUTCOMES
from service.adapters.throttle import Throttle
from service.demo.seed import DemoResult, seed_demo
from service.settings import Settings
from service.store import reference
from service.store.db import create_pool
from service.usecases import returns
from service.usecases.clock import LOCAL_TZ
from tests.support import clock
from tests.support.databases import Databases
from tests.support.intake import ctx

COUNT = 240  # twenty a month: enough for every ending and every month, small enough for a test
SEED = 11
# every outcome code of DESIGN §2.8 (and issue 12's spam) is reached by the demo
CLAIMED = frozenset(OUTCOMES)


@dataclass(frozen=True, slots=True)
class Seeded:
    pool: asyncpg.Pool
    result: DemoResult
    today: date


@pytest.fixture(scope="module")
async def seeded(databases: Databases, settings: Settings) -> AsyncIterator[Seeded]:
    today = clock.today_local()
    pool = await create_pool(await databases.create(migrated=True), max_size=2)
    assert settings.redis_url
    redis = Redis.from_url(settings.redis_url)
    # the tracking page's guard, as the web process builds it: consumers come back by number and code
    throttle = Throttle(
        redis, prefix=f"{settings.queue_name}:demo-track", window_s=600, limits={"no": 5, "ip": 20}
    )
    try:
        result = await seed_demo(pool, ctx(settings), count=COUNT, seed=SEED, today=today, throttle=throttle)
        yield Seeded(pool, result, today)
    finally:
        await pool.close()
        await redis.aclose()


def _start_of(today: date) -> datetime:
    return datetime.combine(today, time(0, 0), LOCAL_TZ)


async def test_every_claimed_outcome_is_reached(seeded: Seeded) -> None:
    pool = seeded.pool
    closed = {
        r["outcome"]
        for r in await pool.fetch(
            "SELECT DISTINCT payload->>'outcome' AS outcome FROM case_events WHERE kind = 'closed'"
        )
    }
    rejected = await pool.fetchval("SELECT count(*) FROM cases WHERE status = 'rejected'")
    spam = await pool.fetchval("SELECT count(*) FROM case_events WHERE kind = 'marked_spam'")
    reached = closed | ({"rejected"} if rejected else set()) | ({"spam"} if spam else set())
    assert reached == CLAIMED
    # the tally the CLI prints agrees with the events (a reopened case closes twice)
    tally = dict(
        await pool.fetch(
            "SELECT payload->>'outcome', count(*) FROM case_events WHERE kind = 'closed' GROUP BY 1"
        )
    )
    assert dict(seeded.result.closures) == {**tally, "spam": spam}
    # complaints came by every channel; a letter counts from the day it arrived, entered by the clerk
    channels = {r["channel"] for r in await pool.fetch("SELECT DISTINCT channel FROM cases")}
    assert channels == {"web", "phone", "counter", "letter"}
    letters = await pool.fetch(
        "SELECT c.received_on, c.received_at, e.at AS recorded_at, e.actor, "
        "e.payload->>'received_on_entered_by' AS entered_by FROM cases c "
        "JOIN case_events e ON e.case_id = c.id AND e.kind = 'registered' WHERE c.channel = 'letter'"
    )
    for r in letters:
        assert r["received_on"] < r["recorded_at"].astimezone(LOCAL_TZ).date()
        assert r["received_at"] == datetime.combine(r["received_on"], time(), LOCAL_TZ)
        assert r["entered_by"] == r["actor"] and r["actor"].startswith("staff:")
    # each closed case carries the relief it obtained where money moved
    assert not await pool.fetchval(
        "SELECT count(*) FROM cases WHERE outcome IN ('settled', 'paid_by_merchant', 'paid_from_deposit', "
        "'award_for_consumer') AND (relief_type IS NULL OR relief_fen IS NULL OR relief_fen <= 0)"
    )
    # and reports were split off at intake
    assert await pool.fetchval("SELECT count(*) FROM enforcement_referrals") >= 1


async def test_every_month_of_the_indicators_has_closures_and_satisfaction(seeded: Seeded) -> None:
    first, last = returns.default_range(seeded.today)
    series = await returns.indicators(seeded.pool, first, last, today=seeded.today)
    async with seeded.pool.acquire() as conn:
        calendar = await reference.work_calendar(conn, last, seeded.today)
    checked = 0
    for month in series.months:
        if month.partial and _working_days(calendar, month.month, seeded.today) < 5:
            continue  # the current month has barely begun: nothing closed yet is no fault
        values = month.values
        assert values["closed"], month.month
        assert values["satisfaction_n"], month.month
        assert values["satisfaction_mean"] is not None, month.month
        checked += 1
    assert checked >= 11
    means = [
        m.values["satisfaction_mean"] for m in series.months if m.values["satisfaction_mean"] is not None
    ]
    assert 70 <= sum(means) / len(means) <= 98  # realistic: near the district's target of 90, not perfect


def _working_days(calendar: WorkCalendar, first: date, today: date) -> int:
    return sum(
        1 for d in range(first.toordinal(), today.toordinal()) if calendar.is_workday(date.fromordinal(d))
    )


async def test_low_scores_lead_to_appeals_that_the_supervisor_answers(seeded: Seeded) -> None:
    pool = seeded.pool
    scores = [r["score"] for r in await pool.fetch("SELECT score FROM surveys WHERE score IS NOT NULL")]
    assert sum(1 for s in scores if s >= 80) > len(scores) / 2  # mostly 80–100
    assert any(s < 60 for s in scores)
    decisions = dict(await pool.fetch("SELECT coalesce(decision, 'open'), count(*) FROM appeals GROUP BY 1"))
    assert decisions.get("accepted", 0) >= 1 and decisions.get("declined", 0) >= 1
    # an accepted appeal reopened its case, which went back to mediation
    reopened = await pool.fetchval(
        "SELECT count(DISTINCT e.case_id) FROM case_events e JOIN case_events o ON o.case_id = e.case_id "
        "AND o.kind = 'route_overridden' AND o.at > e.at WHERE e.kind = 'reopened'"
    )
    assert reopened >= 1
    # surveys were answered and some not: the response rate is real; settlements were rated by their
    # link once performed, the other endings from the tracking page (by number and access code)
    sent, answered = await pool.fetchrow("SELECT count(*), count(answered_at) FROM surveys")
    assert 0.6 * sent < answered < sent
    rated = {
        r["outcome"]
        for r in await pool.fetch(
            "SELECT DISTINCT e.payload->>'outcome' AS outcome FROM surveys s JOIN case_events e "
            "ON e.case_id = s.case_id AND e.kind = 'closed' WHERE s.answered_at IS NOT NULL"
        )
    }
    assert {"settled", "paid_by_merchant", "terminated"} <= rated


async def test_first_payments_by_merchants_and_from_deposits_with_recourse(seeded: Seeded) -> None:
    pool = seeded.pool
    kinds = dict(await pool.fetch("SELECT kind, count(*) FROM case_events GROUP BY kind"))
    assert kinds.get("merchant_paid", 0) >= 1
    assert kinds.get("merchant_deadline_missed", 0) >= 1  # flagged by the daily job
    assert kinds.get("deposit_payout", 0) >= 1
    assert kinds["recourse_opened"] == kinds["deposit_payout"]
    assert kinds.get("deposit_recovered", 0) >= 1
    ledger = dict(await pool.fetch("SELECT kind, count(*) FROM ledger_transactions GROUP BY kind"))
    assert ledger.get("payout", 0) == kinds["deposit_payout"] and ledger.get("recovery", 0) >= 1


async def test_arbitration_referrals_end_in_awards(seeded: Seeded) -> None:
    pool = seeded.pool
    awards = dict(await pool.fetch("SELECT award_for, count(*) FROM arbitration_referrals GROUP BY 1"))
    assert awards.get("consumer", 0) >= 1 and awards.get("merchant", 0) >= 1


async def test_cluster_alerts_are_raised_and_decided(seeded: Seeded) -> None:
    pool = seeded.pool
    raised, decided = await pool.fetchrow("SELECT count(*), count(decided_at) FROM cluster_alerts")
    assert raised >= 1 and decided >= 1


async def test_a_few_cases_are_left_overdue(seeded: Seeded) -> None:
    pool = seeded.pool
    overdue = await pool.fetchval(
        "SELECT count(*) FROM cases WHERE (status = 'mediation' AND mediation_due < $1) "
        "OR (status = 'received' AND acceptance_due < $1)",
        seeded.today,
    )
    assert 1 <= overdue <= COUNT * 0.05


async def test_nothing_is_dated_today_or_later_and_staff_work_office_hours(seeded: Seeded) -> None:
    pool, end = seeded.pool, _start_of(seeded.today)
    for sql in (
        "SELECT max(at) FROM case_events",
        "SELECT max(greatest(received_at, decided_at, closed_at)) FROM cases",
        "SELECT max(greatest(created_at, answered_at)) FROM surveys",
        "SELECT max(greatest(requested_at, decided_at)) FROM appeals",
        "SELECT max(greatest(raised_at, decided_at)) FROM cluster_alerts",
    ):
        assert await pool.fetchval(sql) < end, sql
    staff_steps = await pool.fetch(
        "SELECT DISTINCT kind, (at AT TIME ZONE 'Asia/Shanghai') AS local FROM case_events "
        "WHERE actor LIKE 'staff:%'"
    )
    assert {r["local"].hour for r in staff_steps} <= set(range(8, 18))  # the counter opens at 08:30
    # what staff do after intake happens on working days (holidays and 调休 included)
    days = {r["local"].date() for r in staff_steps if r["kind"] not in ("registered", "evidence_added")}
    async with pool.acquire() as conn:
        calendar = await reference.work_calendar(conn, min(days), max(days))
    assert all(calendar.is_workday(d) for d in days)


async def _story(
    databases: Databases, settings: Settings, today: date
) -> list[tuple[str, str, str | None, str | None]]:
    pool = await create_pool(await databases.create(migrated=True), max_size=2)
    try:
        await seed_demo(pool, ctx(settings), count=60, seed=SEED, today=today)
        rows = await pool.fetch("SELECT tracking_no, status, outcome, route FROM cases ORDER BY tracking_no")
        return [(r["tracking_no"], r["status"], r["outcome"], r["route"]) for r in rows]
    finally:
        await pool.close()


async def test_the_same_seed_tells_the_same_story(
    databases: Databases, settings: Settings, today_local: date
) -> None:
    first = await _story(databases, settings, today_local)
    assert first == await _story(databases, settings, today_local)
    assert {status for _, status, _, _ in first} >= {"closed", "rejected"}


async def test_loosely_named_merchants_are_matched_or_confirmed_by_staff(seeded: Seeded) -> None:
    pool = seeded.pool
    links = dict(
        await pool.fetch(
            "SELECT payload->>'how', count(*) FROM case_events WHERE kind = 'merchant_linked' GROUP BY 1"
        )
    )
    assert links.get("uscc", 0) >= 1 and links.get("match", 0) >= 1  # "恒达电器" finds the registry
    waited = await pool.fetchval("SELECT count(*) FROM case_events WHERE kind = 'merchant_to_confirm'")
    answered = await pool.fetchval(
        "SELECT count(*) FROM case_events WHERE kind = 'merchant_linked' AND actor LIKE 'staff:%'"
    )
    still = await pool.fetchval("SELECT count(*) FROM cases WHERE status = 'merchant_to_confirm'")
    assert answered + still == waited
