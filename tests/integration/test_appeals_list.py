"""The supervisor's list of reopen and appeal requests on a real PostgreSQL (issue 17: the page's requests
are chosen before they are joined to their cases and surveys): the open ones first, oldest first, then
those decided since the window's start, newest first, at most `limit` in all; each with its case, the
survey answers behind it and who decided it."""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import asyncpg
import pytest

from service.queries import appeals as read
from service.store import surveys
from tests.support.databases import Databases
from tests.support.queues import insert_cases, new_user

NOW = datetime(2026, 6, 15, 2, tzinfo=UTC)
DAY = timedelta(days=1)


@pytest.fixture
async def own_pool(databases: Databases) -> AsyncIterator[asyncpg.Pool]:
    """A database of its own: the list reads every request, so no other test's may be in it."""
    async with databases.pool(max_size=2) as pool:
        yield pool


async def request(
    pool: asyncpg.Pool, case_id: int, requested: datetime, decided: datetime | None, by: int | None = None
) -> int:
    appeal_id: int = await pool.fetchval(
        "INSERT INTO appeals (case_id, kind, reason, requested_at, decided_at, decision, decision_reason,"
        " decided_by) VALUES ($1, 'appeal', '不满意', $2, $3, $4, $5, $6) RETURNING id",
        case_id,
        requested,
        decided,
        "declined" if decided else None,
        "维持原处理结果" if decided else None,
        by,
    )
    return appeal_id


async def test_open_first_then_decided_since_newest_first_within_the_limit(own_pool: asyncpg.Pool) -> None:
    pool = own_pool
    ids = await insert_cases(pool, 6, queue=None, status="closed")
    sup = await new_user(pool, ("supervisor",))
    for case_id in ids:  # every case surveyed; the first answered low
        await pool.execute(
            "INSERT INTO surveys (case_id, token_hash, created_at, expires_at) VALUES ($1, $2, $3, $4)",
            case_id,
            secrets.token_bytes(32),
            NOW - 30 * DAY,
            NOW,
        )
    await pool.execute(
        "UPDATE surveys SET answered_at = $2, overall = 30, fairness = 0, score = 15 WHERE case_id = $1",
        ids[0],
        NOW - 20 * DAY,
    )
    open_late = await request(pool, ids[0], NOW - 2 * DAY, None)
    open_early = await request(pool, ids[1], NOW - 9 * DAY, None)
    decided_old = await request(pool, ids[2], NOW - 200 * DAY, NOW - 100 * DAY, sup.id)  # before the window
    decided_a = await request(pool, ids[3], NOW - 30 * DAY, NOW - 20 * DAY, sup.id)
    decided_b = await request(pool, ids[4], NOW - 30 * DAY, NOW - 5 * DAY, sup.id)
    decided_c = await request(pool, ids[5], NOW - 40 * DAY, NOW - 10 * DAY, sup.id)

    since = NOW - timedelta(days=read.RECENT_DAYS)
    async with pool.acquire() as conn:
        rows = await surveys.appeals(conn, decided_since=since, limit=10)
        first_three = await surveys.appeals(conn, decided_since=since, limit=3)
        only_open = await surveys.appeals(conn, decided_since=since, limit=1)
    assert [r.appeal.id for r in rows] == [open_early, open_late, decided_b, decided_c, decided_a]
    assert decided_old not in {r.appeal.id for r in rows}
    assert [r.appeal.id for r in first_three] == [open_early, open_late, decided_b]
    assert [r.appeal.id for r in only_open] == [open_early]

    low = next(r for r in rows if r.appeal.id == open_late)
    assert (low.score, low.points["overall"], low.points["fairness"], low.points["timeliness"]) == (
        15,
        30,
        0,
        None,
    )
    assert low.answered_at == NOW - 20 * DAY and low.decided_by_name is None
    assert (low.case_status, low.case_outcome) == ("closed", "settled")
    b = next(r for r in rows if r.appeal.id == decided_b)
    assert (b.decided_by_name, b.appeal.decision, b.score) == (sup.display_name, "declined", None)

    page = await read.appeals(pool, now=NOW)  # the page's split: open, then recent
    assert [r.appeal.id for r in page.open] == [open_early, open_late]
    assert [r.appeal.id for r in page.recent] == [decided_b, decided_c, decided_a]
