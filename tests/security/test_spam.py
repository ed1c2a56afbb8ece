"""Issue 13 (also hardened): staff can mark a complaint as spam — an outcome, with an event, that the
statistics, the top-merchants table and cluster alerts leave out — so fake complaints that got past the
filing limits cannot put a merchant at the top of the return or raise a cluster alert."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Any

import asyncpg
from litestar.testing import AsyncTestClient

from service.settings import Settings
from service.store import cluster_alerts
from service.store.sql import SQL
from service.store.staff import StaffUser
from service.usecases import casework, intake
from service.usecases.clock import utcnow
from tests.support.factories import complaint_body
from tests.support.html import csrf_token
from tests.support.intake import ctx as intake_ctx
from tests.support.live import live_app, new_address
from tests.support.staff import Staff, sign_in_form

Client = AsyncTestClient[Any]
REASON = "同一号码一小时内提交20件内容相同的投诉，经电话核实并非本人所为"


async def new_case(pool: asyncpg.Pool, settings: Settings, **changes: Any) -> int:
    receipt = await intake.submit_complaint(
        pool, complaint_body(**changes), intake_ctx(settings), now=utcnow()
    )
    return receipt.case_id


def month_bounds(today: date) -> tuple[date, date]:
    first = today.replace(day=1)
    return first, (first + timedelta(days=32)).replace(day=1)


async def test_a_supervisor_marks_a_complaint_as_spam_with_a_reason(
    client: Client, staff: dict[str, Staff], pool: asyncpg.Pool, settings: Settings
) -> None:
    case_id = await new_case(pool, settings)
    r = await client.post(
        f"/api/v1/cases/{case_id}/spam", json={"reason": REASON}, headers=staff["supervisor"].headers
    )
    assert r.status_code == 200, r.text
    assert r.json() == {"case_id": case_id, "status": "closed", "outcome": "spam"}
    row = await pool.fetchrow("SELECT status, outcome, closed_at FROM cases WHERE id = $1", case_id)
    assert (row["status"], row["outcome"]) == ("closed", "spam") and row["closed_at"] is not None
    events = await pool.fetch(
        "SELECT kind, actor, payload FROM case_events WHERE case_id = $1 ORDER BY id", case_id
    )
    kinds = [e["kind"] for e in events]
    assert kinds[-1] == "marked_spam" and "closed" not in kinds  # a 'closed' event would send a survey
    assert events[-1]["payload"]["reason"] == REASON
    assert events[-1]["actor"] == f"staff:{staff['supervisor'].user_id}"
    seen = await client.get(f"/api/v1/cases/{case_id}", headers=staff["supervisor"].headers)
    assert seen.status_code == 200 and seen.json()["status"] == "closed"


async def test_marking_spam_is_refused_when_it_should_be(
    client: Client, staff: dict[str, Staff], pool: asyncpg.Pool, settings: Settings
) -> None:
    case_id = await new_case(pool, settings)
    url = f"/api/v1/cases/{case_id}/spam"
    mediator = await client.post(url, json={"reason": REASON}, headers=staff["mediator"].headers)
    assert mediator.status_code == 403
    blank = await client.post(url, json={"reason": "   "}, headers=staff["supervisor"].headers)
    assert blank.status_code == 422 and blank.json()["errors"][0]["field"] == "reason"
    missing = await client.post(url, json={}, headers=staff["supervisor"].headers)
    assert missing.status_code == 422 and missing.json()["errors"][0]["field"] == "reason"  # as a blank one
    unknown = await client.post(
        "/api/v1/cases/999999999/spam", json={"reason": REASON}, headers=staff["supervisor"].headers
    )
    assert unknown.status_code == 404
    assert (
        await client.post(url, json={"reason": REASON}, headers=staff["supervisor"].headers)
    ).status_code == 200
    again = await client.post(url, json={"reason": REASON}, headers=staff["supervisor"].headers)
    assert again.status_code == 409  # already closed
    routed = await new_case(pool, settings)
    await pool.execute("UPDATE cases SET status = 'mediation' WHERE id = $1", routed)
    late = await client.post(
        f"/api/v1/cases/{routed}/spam", json={"reason": REASON}, headers=staff["supervisor"].headers
    )
    assert late.status_code == 409


async def test_spam_is_left_out_of_the_statistics_and_the_top_merchants(
    client: Client, staff: dict[str, Staff], pool: asyncpg.Pool, settings: Settings, today_local: date
) -> None:
    month, end = month_bounds(today_local)
    flooded = f"拱墅区被刷单投诉测试商店{uuid.uuid4().hex[:6]}"

    async def figures() -> tuple[int, int, int, dict[str, int]]:
        received = sum(r["received"] for r in await pool.fetch(SQL["stats_received"], month, end))
        total = next(
            r["n"] for r in await pool.fetch(SQL["stats_breakdowns"], month, end) if r["dimension"] == "total"
        )
        closed = {
            r["outcome"]: r["closed"]
            for r in await pool.fetch(SQL["stats_closed"], month, end)
            if r["by_outcome"] == 0
        }
        top = {
            r["name"]: r["complaints"] for r in await pool.fetch(SQL["stats_merchants"], month, end, 100000)
        }
        return received, total, top.get(flooded, 0), closed

    fakes = [await new_case(pool, settings, merchant__name=flooded, merchant__uscc=...) for _ in range(4)]
    await new_case(pool, settings, merchant__name=flooded, merchant__uscc=...)  # the one real complaint
    received, total, of_flooded, _ = await figures()
    assert of_flooded == 5
    for case_id in fakes:
        r = await client.post(
            f"/api/v1/cases/{case_id}/spam", json={"reason": REASON}, headers=staff["supervisor"].headers
        )
        assert r.status_code == 200, r.text
    after = await figures()
    assert after[:3] == (received - 4, total - 4, 1)
    assert "spam" not in after[3]


async def test_spam_raises_no_cluster_alert(
    client: Client, staff: dict[str, Staff], pool: asyncpg.Pool, settings: Settings, today_local: date
) -> None:
    merchant_id: int = await pool.fetchval(
        "INSERT INTO merchants (name, address) VALUES ($1, '杭州市拱墅区测试路1号') RETURNING id",
        f"集中投诉测试店{uuid.uuid4().hex[:8]}",
    )
    supervisor = StaffUser(staff["supervisor"].user_id, "s_supervisor", "科长", frozenset())
    cases = []
    for _ in range(3):
        case_id = await new_case(pool, settings)
        await casework.accept(pool, case_id, supervisor, None, now=utcnow())
        await pool.execute("UPDATE cases SET merchant_id = $2 WHERE id = $1", case_id, merchant_id)
        cases.append(case_id)

    async def cluster() -> tuple[int, ...]:
        async with pool.acquire() as conn:
            found = await cluster_alerts.cluster_candidates(
                conn, today_local - timedelta(days=1), today_local, 1
            )
        return next((c.case_ids for c in found if c.merchant_id == merchant_id), ())

    assert await cluster() == tuple(cases)
    r = await client.post(
        f"/api/v1/cases/{cases[0]}/spam", json={"reason": REASON}, headers=staff["supervisor"].headers
    )
    assert r.status_code == 200, r.text
    assert await cluster() == tuple(cases[1:])


async def test_the_case_page_offers_it_to_a_supervisor(
    settings: Settings, staff: dict[str, Staff], pool: asyncpg.Pool
) -> None:
    case_id = await new_case(pool, settings)
    async with live_app(settings) as live:
        browser = live.at(new_address())
        signed = await sign_in_form(browser, staff["supervisor"].username)
        assert signed.status_code == 303, signed.text
        page = await browser.get(f"/staff/cases/{case_id}")
        assert page.status_code == 200 and f'action="/staff/cases/{case_id}/spam"' in page.text
        r = await browser.post(
            f"/staff/cases/{case_id}/spam", data={"reason": REASON, "_csrf_token": csrf_token(page.text)}
        )
        assert r.status_code == 303 and r.headers["location"] == f"/staff/cases/{case_id}?done=marked_spam"
        done = await browser.get(r.headers["location"])
        assert (
            "已标记为虚假或恶意投诉" in done.text and f'action="/staff/cases/{case_id}/spam"' not in done.text
        )
        outcome = await pool.fetchval("SELECT outcome FROM cases WHERE id = $1", case_id)
        assert outcome == "spam"
