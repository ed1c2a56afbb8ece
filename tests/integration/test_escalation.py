"""Mediation deadlines with the clock passed in: warned within five working days, escalated once overdue,
each once, paused cases and other stages skipped — each test on a fresh database so the counts are exact."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, date, datetime

import asyncpg
import pytest

from service.settings import Settings
from service.usecases import auth, intake
from service.usecases.escalation import flag_mediation_deadlines
from service.usecases.notifications import notifications_for_case
from tests.support.databases import Databases
from tests.support.factories import complaint_body
from tests.support.intake import ctx


def at(day: date) -> datetime:
    """10:00 in Hangzhou on that day."""
    return datetime(day.year, day.month, day.day, 2, tzinfo=UTC)


@pytest.fixture
async def fresh(databases: Databases) -> AsyncIterator[asyncpg.Pool]:
    async with databases.pool(max_size=3) as p:
        yield p


async def mediation_case(
    pool: asyncpg.Pool,
    settings: Settings,
    due: date,
    *,
    mediator: int | None = None,
    paused: bool = False,
    status: str = "mediation",
) -> int:
    receipt = await intake.submit_complaint(
        pool, complaint_body(purchase_date="2026-07-01"), ctx(settings), now=at(date(2026, 8, 3))
    )
    await pool.execute(
        "UPDATE cases SET status = $2, mediation_due = $3, paused = $4, assigned_to = $5 WHERE id = $1",
        receipt.case_id,
        status,
        due,
        paused,
        mediator,
    )
    return receipt.case_id


async def events(pool: asyncpg.Pool, case_id: int) -> list[tuple[str, dict[str, object]]]:
    rows = await pool.fetch(
        "SELECT kind, payload FROM case_events WHERE case_id = $1 AND kind LIKE 'mediation%' ORDER BY id",
        case_id,
    )
    return [(r["kind"], dict(r["payload"])) for r in rows]


async def test_warned_within_five_working_days_and_escalated_once_overdue(
    fresh: asyncpg.Pool, settings: Settings
) -> None:
    mediator = await auth.add_user(fresh, "t_esc_mediator", ["mediator"], "a long enough password", "李调解")
    today = date(2026, 11, 26)  # Thursday; five working days on: Thursday 3 December
    edge = await mediation_case(fresh, settings, date(2026, 12, 3), mediator=mediator)
    beyond = await mediation_case(fresh, settings, date(2026, 12, 4), mediator=mediator)
    due_today = await mediation_case(fresh, settings, today)  # unassigned: the supervisors are told
    overdue = await mediation_case(fresh, settings, date(2026, 11, 25), mediator=mediator)

    assert await flag_mediation_deadlines(fresh, now=at(today)) == (2, 1)
    assert await flag_mediation_deadlines(fresh, now=at(today)) == (0, 0)  # once, not on every run

    assert await events(fresh, edge) == [
        ("mediation_due_soon", {"mediation_due": "2026-12-03", "mediator": mediator})
    ]
    assert await events(fresh, due_today) == [
        ("mediation_due_soon", {"mediation_due": "2026-11-26", "mediator": None})
    ]
    assert await events(fresh, beyond) == []
    assert await events(fresh, overdue) == [
        ("mediation_overdue_escalated", {"mediation_due": "2026-11-25", "mediator": mediator})
    ]
    [warn] = await notifications_for_case(fresh, edge)
    assert (warn.recipient, warn.channel, warn.template) == (f"staff:{mediator}", "log", "mediation_due_soon")
    assert "2026年12月3日" in warn.body and "还剩5个工作日" in warn.body
    [unassigned] = await notifications_for_case(fresh, due_today)
    assert unassigned.recipient == "staff:supervisors"
    [escalation] = await notifications_for_case(fresh, overdue)
    assert (escalation.recipient, escalation.template) == ("staff:supervisors", "mediation_escalated")
    assert "李调解" in escalation.body

    # a day later the next case comes into the window, and the one due today is now overdue: each once
    tomorrow = date(2026, 11, 27)
    assert await flag_mediation_deadlines(fresh, now=at(tomorrow)) == (1, 1)
    assert [k for k, _ in await events(fresh, beyond)] == ["mediation_due_soon"]
    assert [k for k, _ in await events(fresh, due_today)] == [
        "mediation_due_soon",
        "mediation_overdue_escalated",
    ]
    assert await flag_mediation_deadlines(fresh, now=at(tomorrow)) == (0, 0)


async def test_paused_cases_and_other_stages_are_skipped(fresh: asyncpg.Pool, settings: Settings) -> None:
    today = date(2026, 11, 26)
    paused_soon = await mediation_case(fresh, settings, date(2026, 11, 30), paused=True)
    paused_over = await mediation_case(fresh, settings, date(2026, 11, 20), paused=True)
    await mediation_case(fresh, settings, date(2026, 11, 20), status="arbitration")
    await mediation_case(fresh, settings, date(2026, 11, 30), status="first_payment")
    assert await flag_mediation_deadlines(fresh, now=at(today)) == (0, 0)
    assert await fresh.fetchval("SELECT count(*) FROM notifications") == 0
    # resumed: the clock runs again and the flags follow
    await fresh.execute(
        "UPDATE cases SET paused = false WHERE id = any($1::bigint[])", [paused_soon, paused_over]
    )
    assert await flag_mediation_deadlines(fresh, now=at(today)) == (1, 1)


async def test_the_window_counts_working_days_over_national_day(
    fresh: asyncpg.Pool, settings: Settings
) -> None:
    # Tue 29 Sep 2026: Sep 30, Oct 8, Oct 9, Sat Oct 10 (a make-up workday), Mon Oct 12 — Oct 1–7 are holidays
    inside = await mediation_case(fresh, settings, date(2026, 10, 12))
    outside = await mediation_case(fresh, settings, date(2026, 10, 13))
    assert await flag_mediation_deadlines(fresh, now=at(date(2026, 9, 29))) == (1, 0)
    assert [k for k, _ in await events(fresh, inside)] == ["mediation_due_soon"]
    assert await events(fresh, outside) == []


async def test_a_moved_deadline_can_be_warned_about_again(fresh: asyncpg.Pool, settings: Settings) -> None:
    from service.store import cases as store_cases

    today = date(2026, 11, 26)
    case_id = await mediation_case(fresh, settings, date(2026, 12, 1))
    assert await flag_mediation_deadlines(fresh, now=at(today)) == (1, 0)
    assert await flag_mediation_deadlines(fresh, now=at(today)) == (0, 0)
    # the clock stopped and restarted: the deadline moved, so the old warning no longer applies
    async with fresh.acquire() as conn:
        await store_cases.set_paused(conn, case_id, False, date(2026, 12, 2), False, at(today))
    assert await fresh.fetchval("SELECT mediation_warned_at FROM cases WHERE id = $1", case_id) is None
    assert await flag_mediation_deadlines(fresh, now=at(today)) == (1, 0)
    # an unchanged deadline keeps its flag
    async with fresh.acquire() as conn:
        await store_cases.set_paused(conn, case_id, False, date(2026, 12, 2), False, at(today))
    assert await flag_mediation_deadlines(fresh, now=at(today)) == (0, 0)
