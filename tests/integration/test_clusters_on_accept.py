"""Cluster detection when a case is accepted (issue 15): the acceptance that completes a cluster raises
its alert in the same transaction, for that merchant and category only; no hourly sweep is needed."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, date, datetime, timedelta

import asyncpg
import pytest

from domain.roles import Role
from service.settings import Settings
from service.store.staff import StaffUser
from service.usecases import auth, casework, intake
from tests.support.factories import complaint_body
from tests.support.intake import ctx


@pytest.fixture(scope="module")
async def supervisor(pool: asyncpg.Pool) -> StaffUser:
    user_id = await auth.add_user(pool, "t_cluster_accept_sup", ["supervisor"], "a long enough password")
    return StaffUser(user_id, "t_cluster_accept_sup", "科长", frozenset({Role.SUPERVISOR}))


def at(day: date) -> datetime:
    """10:00 in Beijing on that day."""
    return datetime(day.year, day.month, day.day, 2, tzinfo=UTC)


async def merchant(pool: asyncpg.Pool) -> int:
    merchant_id: int = await pool.fetchval(
        "INSERT INTO merchants (name, address) VALUES ($1, '杭州市拱墅区受理预警路1号') RETURNING id",
        f"受理即预警商店{uuid.uuid4().hex[:8]}",
    )
    return merchant_id


async def received_case(
    pool: asyncpg.Pool, settings: Settings, merchant_id: int, received: date, category: str
) -> int:
    """Registered, then linked to the merchant before its acceptance (as matching or a person would)."""
    body = complaint_body(today=received, category=category)
    case_id = (await intake.submit_complaint(pool, body, ctx(settings), now=at(received))).case_id
    await pool.execute("UPDATE cases SET merchant_id = $2 WHERE id = $1", case_id, merchant_id)
    return case_id


async def alerts(pool: asyncpg.Pool, merchant_id: int) -> list[asyncpg.Record]:
    return list(
        await pool.fetch("SELECT * FROM cluster_alerts WHERE merchant_id = $1 ORDER BY id", merchant_id)
    )


async def test_the_acceptance_that_completes_a_cluster_raises_its_alert(
    pool: asyncpg.Pool, settings: Settings, supervisor: StaffUser, today_local: date
) -> None:
    merchant_id = await merchant(pool)
    received = today_local - timedelta(days=2)
    cases = [
        await received_case(pool, settings, merchant_id, received, "household_appliances") for _ in range(5)
    ]
    other = await received_case(pool, settings, merchant_id, received, "food")
    for case_id in cases[:4]:
        await casework.accept(pool, case_id, supervisor, None, now=at(today_local))
    await casework.accept(pool, other, supervisor, None, now=at(today_local))  # another category
    assert await alerts(pool, merchant_id) == []  # four of one category: below the default five

    await casework.accept(pool, cases[4], supervisor, None, now=at(today_local))
    (alert,) = await alerts(pool, merchant_id)  # raised by the acceptance itself, no sweep ran
    assert alert["category"] == "household_appliances" and alert["case_ids"] == cases
    for case_id in cases:
        payload = await pool.fetchval(
            "SELECT payload FROM case_events WHERE case_id = $1 AND kind = 'cluster_alert'", case_id
        )
        assert payload["alert_id"] == alert["id"] and payload["count"] == 5
    assert (
        await pool.fetchval(
            "SELECT count(*) FROM case_events WHERE case_id = $1 AND kind = 'cluster_alert'", other
        )
        == 0
    )

    sixth = await received_case(pool, settings, merchant_id, received, "household_appliances")
    await casework.accept(pool, sixth, supervisor, None, now=at(today_local))
    (alert,) = await alerts(pool, merchant_id)
    assert alert["case_ids"] == [*cases, sixth]  # joined the open alert at its acceptance


async def test_simultaneous_acceptances_completing_a_cluster_raise_it_once(
    pool: asyncpg.Pool, settings: Settings, supervisor: StaffUser, today_local: date
) -> None:
    merchant_id = await merchant(pool)
    received = today_local - timedelta(days=1)
    cases = [await received_case(pool, settings, merchant_id, received, "clothing_shoes") for _ in range(6)]
    for case_id in cases[:4]:
        await casework.accept(pool, case_id, supervisor, None, now=at(today_local))
    # the fifth and the sixth at once: each check runs under the sweep lock and sees the other's commit
    await asyncio.gather(
        *(casework.accept(pool, c, supervisor, None, now=at(today_local)) for c in cases[4:])
    )
    (alert,) = await alerts(pool, merchant_id)
    assert sorted(alert["case_ids"]) == cases
    events = await pool.fetchval(
        "SELECT count(*) FROM case_events WHERE case_id = any($1::bigint[]) AND kind = 'cluster_alert'", cases
    )
    assert events == 6  # one per case


async def test_a_case_without_a_linked_merchant_is_left_to_the_sweep(
    pool: asyncpg.Pool, settings: Settings, supervisor: StaffUser, today_local: date
) -> None:
    received = today_local - timedelta(days=1)
    body = complaint_body(today=received)
    case_id = (await intake.submit_complaint(pool, body, ctx(settings), now=at(received))).case_id
    await pool.execute("UPDATE cases SET merchant_id = NULL WHERE id = $1", case_id)
    await casework.accept(pool, case_id, supervisor, None, now=at(today_local))
    assert await pool.fetchval("SELECT status FROM cases WHERE id = $1", case_id) != "received"  # accepted
    kinds = [r["kind"] for r in await pool.fetch("SELECT kind FROM case_events WHERE case_id = $1", case_id)]
    assert "accepted" in kinds and "cluster_alert" not in kinds
