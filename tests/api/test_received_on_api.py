"""A letter is dated the day it arrived (issue 12 §2): a clerk records the receipt date on
POST /api/v1/cases and on the staff form; the deadline, the tracking number and the event follow it."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

import asyncpg
import pytest
from litestar.testing import AsyncTestClient

from domain import deadlines
from service.settings import Settings
from service.usecases.clock import local_date, utcnow
from service.usecases.reference_cache import load
from tests.support.factories import complaint_body
from tests.support.html import csrf_token
from tests.support.staff import Staff, signed_in

Client = AsyncTestClient  # type: ignore[type-arg]


async def record(client: Client, clerk: Staff, **changes: Any) -> Any:
    return await client.post("/api/v1/cases", json=complaint_body(**changes), headers=clerk.headers)


async def expected_due(pool: asyncpg.Pool, day: date) -> date:
    ref = await load(pool, day)
    return deadlines.acceptance_deadline(ref.calendar, ref.rule_set_on(day), day).due


def field_errors(r: Any) -> dict[str, str]:
    body = r.json()
    return {e["field"]: e["code"] for e in body.get("errors") or body.get("extra", {}).get("errors", [])}


async def test_a_letter_received_five_days_ago_counts_from_that_day(
    client: Client, staff: dict[str, Staff], pool: asyncpg.Pool, today_local: date
) -> None:
    arrived = today_local - timedelta(days=5)
    before = utcnow()
    r = await record(client, staff["clerk"], channel="letter", received_on=arrived.isoformat())
    assert r.status_code == 201, r.text
    out = r.json()
    assert out["received_on"] == arrived.isoformat()
    assert out["tracking_no"].startswith(f"GS{arrived:%Y%m%d}-")
    due = await expected_due(pool, arrived)
    assert date.fromisoformat(out["acceptance_due"]) == due
    assert due < await expected_due(pool, today_local)  # not the deadline of a letter opened today
    row = await pool.fetchrow(
        "SELECT id, received_on, received_at, acceptance_due, recorded_by FROM cases WHERE tracking_no = $1",
        out["tracking_no"],
    )
    assert row["received_on"] == arrived and row["acceptance_due"] == due
    assert local_date(row["received_at"]) == arrived  # statistics by instant agree with the date
    assert row["recorded_by"] == staff["clerk"].user_id
    event = await pool.fetchrow(
        "SELECT actor, at, payload FROM case_events WHERE case_id = $1 AND kind = 'registered'", row["id"]
    )
    # who entered the date, and when it was entered (now, not the day the letter came)
    assert event["actor"] == f"staff:{staff['clerk'].user_id}"
    assert event["at"] >= before and local_date(event["at"]) == today_local
    assert event["payload"]["received_on"] == arrived.isoformat()
    assert event["payload"]["received_on_entered_by"] == f"staff:{staff['clerk'].user_id}"


@pytest.mark.parametrize("channel", ["letter", "transfer"])
async def test_letters_and_transfers_must_give_the_date(
    client: Client, staff: dict[str, Staff], channel: str
) -> None:
    r = await record(client, staff["clerk"], channel=channel)
    assert r.status_code == 422, r.text
    assert field_errors(r).get("received_on") == "required"
    assert "收到日期" in r.text


@pytest.mark.parametrize("channel", ["phone", "counter"])
async def test_calls_and_visits_default_to_today_and_may_be_dated_earlier(
    client: Client, staff: dict[str, Staff], channel: str, today_local: date
) -> None:
    today_case = await record(client, staff["clerk"], channel=channel)
    assert today_case.status_code == 201, today_case.text
    assert today_case.json()["received_on"] == today_local.isoformat()
    yesterday = today_local - timedelta(days=1)
    earlier = await record(client, staff["clerk"], channel=channel, received_on=yesterday.isoformat())
    assert earlier.status_code == 201, earlier.text
    assert earlier.json()["tracking_no"].startswith(f"GS{yesterday:%Y%m%d}-")


async def test_the_date_is_neither_in_the_future_nor_beyond_thirty_days(
    client: Client, staff: dict[str, Staff], today_local: date
) -> None:
    clerk = staff["clerk"]
    future = await record(
        client, clerk, channel="letter", received_on=(today_local + timedelta(days=1)).isoformat()
    )
    assert future.status_code == 422 and field_errors(future)["received_on"] == "in_future"
    old = await record(
        client, clerk, channel="letter", received_on=(today_local - timedelta(days=31)).isoformat()
    )
    assert old.status_code == 422 and field_errors(old)["received_on"] == "too_old"
    earliest = today_local - timedelta(days=30)
    assert f"{earliest.year}年{earliest.month}月{earliest.day}日" in old.text  # says how far back it may go
    bad = await record(client, clerk, channel="letter", received_on="11/27/2026")
    assert bad.status_code == 422 and field_errors(bad)["received_on"] == "invalid_date"
    edge = await record(client, clerk, channel="letter", received_on=earliest.isoformat())
    assert edge.status_code == 201, edge.text


async def test_consumers_web_submissions_keep_the_servers_time(client: Client, today_local: date) -> None:
    r = await client.post(
        "/api/v1/complaints", json=complaint_body(received_on=(today_local - timedelta(days=3)).isoformat())
    )
    assert r.status_code == 422 and field_errors(r)["received_on"] == "not_allowed"
    ok = await client.post("/api/v1/complaints", json=complaint_body())
    assert ok.status_code == 201, ok.text
    assert ok.json()["received_on"] == local_date(utcnow()).isoformat()


async def test_a_clerk_records_a_letter_on_the_staff_form(
    settings: Settings, staff: dict[str, Staff], pool: asyncpg.Pool, today_local: date
) -> None:
    arrived = today_local - timedelta(days=5)
    browser = await signed_in(settings, "t_clerk")
    try:
        form = await browser.get("/staff/complaints/new")
        assert (
            'name="received_on"' in form.text
            and f'min="{(today_local - timedelta(days=30)).isoformat()}"' in form.text
        )
        fields = {
            "channel": "letter",
            "consumer.name": "钱七",
            "consumer.phone": "13600003333",
            "consumer.address": "杭州市拱墅区石祥路18号",
            "merchant.name": "某某家电商行",
            "merchant.address": "杭州市拱墅区湖墅南路18号",
            "quality_domain": "product",
            "category": "household_appliances",
            "problem_type": "quality",
            "purchase_date": (today_local - timedelta(days=40)).isoformat(),
            "amount_paid": "1280.00",
            "claim_amount": "1280.00",
            "requests": ["repair"],
            "description": "来信称购买的洗衣机脱水时剧烈抖动，商家不予维修。",
            "_csrf_token": csrf_token(form.text),
        }
        missing = await browser.post("/staff/complaints/new", data=fields)
        assert missing.status_code == 422
        assert "收到日期：信函、转办须填写收到日期" in missing.text
        fields["_csrf_token"] = csrf_token(missing.text)
        fields["received_on"] = arrived.isoformat()
        r = await browser.post("/staff/complaints/new", data=fields)
        assert r.status_code == 201, r.text
        tracking_no = re.search(r"GS\d{8}-\d{6}", r.text).group(0)  # type: ignore[union-attr]
        assert tracking_no.startswith(f"GS{arrived:%Y%m%d}-")
        due = await expected_due(pool, arrived)
        assert f'收到日期：<time datetime="{arrived.isoformat()}">' in r.text
        assert f'<time datetime="{due.isoformat()}">' in r.text  # the deadline from that day
    finally:
        await browser.__aexit__(None, None, None)
