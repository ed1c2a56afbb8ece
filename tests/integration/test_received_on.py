"""The receipt date a clerk enters governs the case (issue 12 §2): the rule set, the acceptance
deadline, the tracking number's date and the statistics all follow the day the complaint arrived, not
the day it was typed in. The dates are literal: the tests are about the rule sets' boundary
(Order 121 from 2026-04-15) and a month's figures, and pass `now` explicitly."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, date, datetime

import asyncpg
import pytest

from domain import deadlines
from domain.errors import ValidationFailed
from domain.roles import Role
from service.settings import Settings
from service.store.staff import StaffUser
from service.usecases import auth, intake, returns
from service.usecases.reference_cache import load
from tests.support.databases import Databases
from tests.support.factories import complaint_body
from tests.support.intake import ctx

NOW = datetime(2026, 4, 20, 2, 0, tzinfo=UTC)  # Monday 20 April 2026, 10:00 in Beijing


@pytest.fixture(scope="module")
async def db(databases: Databases) -> AsyncIterator[asyncpg.Pool]:
    async with databases.pool(max_size=3) as pool:
        yield pool


@pytest.fixture(scope="module")
async def clerk(db: asyncpg.Pool) -> StaffUser:
    user_id = await auth.add_user(
        db, "ro_clerk", ["clerk"], "correct horse battery staple", display_name="登记员"
    )
    return StaffUser(user_id, "ro_clerk", "登记员", frozenset({Role("clerk")}))


async def record(db: asyncpg.Pool, settings: Settings, clerk: StaffUser, **changes: object) -> intake.Receipt:
    body = complaint_body(purchase_date="2026-04-01", **changes)
    return await intake.submit_complaint(db, body, ctx(settings), now=NOW, recorded_by=clerk)


async def test_a_letter_that_arrived_before_order_121_is_governed_by_order_20(
    db: asyncpg.Pool, settings: Settings, clerk: StaffUser
) -> None:
    letter = await record(db, settings, clerk, channel="letter", received_on="2026-04-14")
    today = await record(db, settings, clerk, channel="phone")
    rules = dict(
        await db.fetch(
            "SELECT tracking_no, rule_set_id FROM cases WHERE id = any($1::bigint[])",
            [letter.case_id, today.case_id],
        )
    )
    assert rules == {letter.tracking_no: "order20", today.tracking_no: "order121"}
    assert letter.tracking_no.startswith("GS20260414-") and today.tracking_no.startswith("GS20260420-")
    ref = await load(db, date(2026, 4, 14))
    expected = deadlines.acceptance_deadline(
        ref.calendar, ref.rule_set_on(date(2026, 4, 14)), date(2026, 4, 14)
    )
    assert letter.acceptance_due == expected.due  # seven working days from the 14th
    assert letter.acceptance_due < today.acceptance_due
    event = await db.fetchrow(
        "SELECT actor, at, rule_set_id, payload FROM case_events WHERE case_id = $1 AND kind = 'registered'",
        letter.case_id,
    )
    assert (event["actor"], event["at"], event["rule_set_id"]) == (clerk.actor, NOW, "order20")
    assert event["payload"]["received_on"] == "2026-04-14"
    assert event["payload"]["received_on_entered_by"] == clerk.actor


async def test_the_month_a_complaint_counts_in_is_the_month_it_arrived(
    db: asyncpg.Pool, settings: Settings, clerk: StaffUser
) -> None:
    # a transfer that reached the office on 31 March, recorded on 20 April: March's complaint
    transfer = await record(db, settings, clerk, channel="transfer", received_on="2026-03-31")
    row = await db.fetchrow("SELECT received_on, received_at FROM cases WHERE id = $1", transfer.case_id)
    assert row["received_on"] == date(2026, 3, 31)
    assert row["received_at"] == datetime(2026, 3, 30, 16, 0, tzinfo=UTC)  # 00:00 on the 31st in Beijing
    series = await returns.indicators(db, date(2026, 3, 1), date(2026, 4, 1), today=date(2026, 4, 20))
    by_month = {m.month: m.values for m in series.months}
    assert by_month[date(2026, 3, 1)]["received"] == 1
    march = await returns.produce(db, date(2026, 3, 1), actor="cli", now=NOW)
    assert {r["code"]: r["count"] for r in march.figures["breakdowns"]["channel"]}["transfer"] == 1


@pytest.mark.parametrize(
    ("received_on", "code"),
    [("2026-04-21", "in_future"), ("2026-03-20", "too_old"), ("2026-02-30", "invalid_date")],
)
async def test_the_date_is_checked(
    db: asyncpg.Pool, settings: Settings, clerk: StaffUser, received_on: str, code: str
) -> None:
    with pytest.raises(ValidationFailed) as failed:
        await record(db, settings, clerk, channel="letter", received_on=received_on)
    assert [(e.field, e.code) for e in failed.value.errors] == [("received_on", code)]


async def test_thirty_days_back_is_the_limit(db: asyncpg.Pool, settings: Settings, clerk: StaffUser) -> None:
    receipt = await record(db, settings, clerk, channel="counter", received_on="2026-03-21")
    assert receipt.received_on == date(2026, 3, 21)
