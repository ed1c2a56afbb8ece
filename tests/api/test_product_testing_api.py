"""Product testing through the API and the case page's forms: who may start and finish a test, the clock
stopping and restarting, and the redirects back to the case."""

from __future__ import annotations

from typing import Any

import asyncpg

from service.settings import Settings
from tests.support.casework import CASE_WORKERS, case_in, form_browser, statuses_by_role
from tests.support.staff import Client, Staff

NO_TEST = 999_999_999


async def test_tests_need_case_work(client: Client, staff: dict[str, Staff]) -> None:
    start = f"/api/v1/cases/{NO_TEST}/tests"
    assert await statuses_by_role(client, staff, start, {"lab": "某检测机构", "fee": "1"}) == CASE_WORKERS
    finish = f"/api/v1/tests/{NO_TEST}/finish"
    assert await statuses_by_role(client, staff, finish, {"finding": "x", "at_fault": "none"}) == CASE_WORKERS


async def test_a_test_stops_and_restarts_the_clock(
    client: Client, pool: asyncpg.Pool, staff: dict[str, Staff]
) -> None:
    headers = staff["mediator"].headers
    received = await case_in(client, pool, staff, "received")
    r = await client.post(
        f"/api/v1/cases/{received}/tests", json={"lab": "某检测机构", "fee": "100"}, headers=headers
    )
    assert r.status_code == 409  # a registered complaint has no clock to stop yet

    case_id = await case_in(client, pool, staff, "mediation")
    bad = await client.post(f"/api/v1/cases/{case_id}/tests", json={"fee": "1.234"}, headers=headers)
    assert bad.status_code == 422 and {e["field"] for e in bad.json()["errors"]} == {"lab", "fee"}
    started = await client.post(
        f"/api/v1/cases/{case_id}/tests",
        json={"lab": "浙江省质量检测研究院", "fee": "300.00"},
        headers=headers,
    )
    assert started.status_code == 201, started.text
    test_id = started.json()["id"]
    assert started.json() == {"id": test_id, "case_id": case_id, "status": "testing"}
    assert await pool.fetchval("SELECT paused FROM cases WHERE id = $1", case_id)
    before = await pool.fetchval("SELECT mediation_due FROM cases WHERE id = $1", case_id)

    finish = f"/api/v1/tests/{test_id}/finish"
    assert (await client.post(finish, json={"finding": "合格"}, headers=headers)).status_code == 422
    done = await client.post(finish, json={"finding": "不合格", "at_fault": "merchant"}, headers=headers)
    assert done.status_code == 200, done.text
    assert done.json() == {"id": test_id, "status": "finished", "mediation_due": before.isoformat()}
    assert not await pool.fetchval("SELECT paused FROM cases WHERE id = $1", case_id)
    again = await client.post(finish, json={"finding": "x", "at_fault": "none"}, headers=headers)
    assert again.status_code == 409


async def start_from_the_page(browser: Client, case_id: int, token: str) -> Any:
    """The case page's form that starts a product test."""
    form = {"lab": "某检测机构", "fee": "50", "_csrf_token": token}
    return await browser.post(f"/staff/cases/{case_id}/tests", data=form)


async def test_the_test_forms_redirect_back_to_the_case(
    client: Client, pool: asyncpg.Pool, staff: dict[str, Staff], settings: Settings
) -> None:
    case_id = await case_in(client, pool, staff, "arbitration")
    async with form_browser(settings, "t_supervisor") as (browser, token):
        r = await start_from_the_page(browser, case_id, token)
        assert r.status_code == 303 and r.headers["location"].endswith("done=testing_started#work")
        test_id = await pool.fetchval("SELECT id FROM product_tests WHERE case_id = $1", case_id)
        r = await start_from_the_page(browser, case_id, token)
        assert r.headers["location"].endswith("work_fields=_.not_allowed#work")  # already paused
        finding = {"finding": "合格", "at_fault": "consumer", "_csrf_token": token}
        r = await browser.post(f"/staff/cases/{case_id + 1}/tests/{test_id}/finish", data=finding)
        assert r.headers["location"].endswith("work_fields=_.not_found#work")  # the test is not that case's
        r = await browser.post(f"/staff/cases/{case_id}/tests/{test_id}/finish", data=finding)
        assert r.status_code == 303 and r.headers["location"].endswith("done=testing_finished#work")


async def test_only_case_workers_post_test_forms(
    client: Client, pool: asyncpg.Pool, staff: dict[str, Staff], settings: Settings
) -> None:
    case_id = await case_in(client, pool, staff, "mediation")
    async with form_browser(settings, "t_clerk") as (browser, token):
        assert (await start_from_the_page(browser, case_id, token)).status_code == 403
        assert not await pool.fetchval("SELECT paused FROM cases WHERE id = $1", case_id)
