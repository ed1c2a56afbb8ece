"""The survey is offered on the tracking page the moment a case closes (issue 15): closing opens it in its
own transaction; no worker has to read the closing event first. The link for the closing notice comes
with that notice and is a working link to the same survey."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import asyncpg
from litestar.testing import AsyncTestClient

from service.store import surveys
from service.usecases.event_notices import notify_from_events
from tests.support.channels import channels
from tests.support.consumer import track_page
from tests.support.factories import complaint_body
from tests.support.staff import Staff

Client = AsyncTestClient  # type: ignore[type-arg]


async def test_the_tracking_page_offers_the_survey_right_after_closing(
    client: Client, staff: dict[str, Staff], pool: asyncpg.Pool
) -> None:
    receipt = (await client.post("/api/v1/complaints", json=complaint_body())).json()
    case_id = await pool.fetchval("SELECT id FROM cases WHERE tracking_no = $1", receipt["tracking_no"])
    r = await client.post(f"/api/v1/cases/{case_id}/accept", json={}, headers=staff["supervisor"].headers)
    assert r.status_code == 200, r.text
    before = await track_page(client, receipt)
    assert "评价本次处理" not in before  # open only once closed
    r = await client.post(
        f"/api/v1/cases/{case_id}/close",
        json={"outcome": "withdrawn", "note": "消费者撤回"},
        headers=staff["mediator"].headers,
    )
    assert r.status_code == 200, r.text
    html = await track_page(client, receipt)  # no worker ran: the survey is offered already
    assert "评价本次处理" in html and 'action="/track/survey"' in html


async def test_the_closing_notice_carries_a_working_link_to_the_survey_opened_at_closing(
    client: Client, staff: dict[str, Staff], pool: asyncpg.Pool
) -> None:
    receipt = (await client.post("/api/v1/complaints", json=complaint_body())).json()
    case_id = await pool.fetchval("SELECT id FROM cases WHERE tracking_no = $1", receipt["tracking_no"])
    await client.post(f"/api/v1/cases/{case_id}/accept", json={}, headers=staff["supervisor"].headers)
    r = await client.post(
        f"/api/v1/cases/{case_id}/close", json={"outcome": "withdrawn"}, headers=staff["mediator"].headers
    )
    assert r.status_code == 200, r.text
    opened = await pool.fetchrow("SELECT token_hash, created_at FROM surveys WHERE case_id = $1", case_id)
    assert opened is not None
    # the session's database holds every earlier test's events too: read them all, not one batch
    await notify_from_events(
        pool, now=datetime.now(UTC), channels=channels(), base_url="https://ts.example", batch=10**9
    )
    body = await pool.fetchval(
        "SELECT body FROM notifications WHERE case_id = $1 AND template = 'case_closed'", case_id
    )
    link = re.search(r"https://ts\.example/survey/([A-Za-z0-9_-]+)", body)
    assert link is not None
    after = await pool.fetchrow("SELECT token_hash, created_at FROM surveys WHERE case_id = $1", case_id)
    assert after["created_at"] == opened["created_at"]  # the same survey, now with the notice's token
    assert after["token_hash"] == surveys.token_hash(link.group(1)) != opened["token_hash"]
    page = await client.get(f"/survey/{link.group(1)}")
    assert page.status_code == 200 and receipt["tracking_no"] in page.text
