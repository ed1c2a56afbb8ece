"""Going Back and submitting the same complaint again files no second case (issue 12 §4): the same
phone, merchant, amounts and description within 10 minutes returns the first receipt, on the page and
the API, whatever the form key or Idempotency-Key."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta
from typing import Any

import asyncpg
from litestar.testing import AsyncTestClient

from service.settings import Settings
from service.usecases import intake
from service.usecases.clock import utcnow
from tests.support.consumer import form_of
from tests.support.factories import complaint_body
from tests.support.html import csrf_token

Client = AsyncTestClient  # type: ignore[type-arg]


def unique_body(**changes: Any) -> dict[str, Any]:
    """A complaint no other test files: a description of its own."""
    return complaint_body(
        description=f"购买的电饭煲内胆涂层脱落，商家拒绝更换。编号{uuid.uuid4().hex[:8]}", **changes
    )


async def cases_with(pool: asyncpg.Pool, description: str) -> int:
    count: int = await pool.fetchval("SELECT count(*) FROM cases WHERE description = $1", description)
    return count


async def test_the_api_returns_the_first_receipt_whatever_the_key(client: Client, pool: asyncpg.Pool) -> None:
    body = unique_body()
    first = await client.post("/api/v1/complaints", json=body, headers={"Idempotency-Key": uuid.uuid4().hex})
    assert first.status_code == 201, first.text
    assert first.json()["already_filed"] is False
    again = await client.post("/api/v1/complaints", json=body, headers={"Idempotency-Key": uuid.uuid4().hex})
    bare = await client.post("/api/v1/complaints", json=body)  # and with no key at all
    for r in (again, bare):
        assert r.status_code == 201, r.text
        out = r.json()
        assert (out["tracking_no"], out["access_code"]) == (
            first.json()["tracking_no"],
            first.json()["access_code"],
        )
        assert out["already_filed"] is True
    assert await cases_with(pool, body["description"]) == 1


async def test_spacing_and_width_do_not_make_another_complaint(client: Client, pool: asyncpg.Pool) -> None:
    body = unique_body()
    first = (await client.post("/api/v1/complaints", json=body)).json()
    retyped = {**body, "description": " " + body["description"].replace("，", "， ") + " "}
    retyped["merchant"] = {**body["merchant"], "name": body["merchant"]["name"] + " "}
    again = (await client.post("/api/v1/complaints", json=retyped)).json()
    assert again["tracking_no"] == first["tracking_no"]


async def test_another_amount_description_merchant_or_phone_is_another_complaint(
    client: Client, pool: asyncpg.Pool
) -> None:
    body = unique_body()
    first = (await client.post("/api/v1/complaints", json=body)).json()
    variants = [
        {**body, "claim_amount": "299.00"},
        {**body, "description": body["description"] + "另有发票。"},
        {**body, "merchant": {**body["merchant"], "name": "杭州另一家电器有限公司"}},
        {**body, "consumer": {**body["consumer"], "phone": "13900001111"}},
    ]
    numbers = {first["tracking_no"]}
    for variant in variants:
        r = await client.post("/api/v1/complaints", json=variant)
        assert r.status_code == 201 and r.json()["already_filed"] is False
        numbers.add(r.json()["tracking_no"])
    assert len(numbers) == 5


async def test_after_ten_minutes_it_is_a_new_complaint(pool: asyncpg.Pool, settings: Settings) -> None:
    ctx = intake.IntakeContext(
        secret_key=settings.secret_key,
        evidence_dir=settings.evidence_dir,
        evidence_max_files=10,
        evidence_max_bytes=10 * 1024 * 1024,
        idempotency_ttl_s=86400,
    )
    body, now = unique_body(), utcnow()
    first = await intake.submit_complaint(pool, body, ctx, now=now)
    within = await intake.submit_complaint(pool, body, ctx, now=now + timedelta(minutes=9))
    later = await intake.submit_complaint(pool, body, ctx, now=now + timedelta(minutes=11))
    assert within.case_id == first.case_id and within.already_filed
    assert later.case_id != first.case_id and not later.already_filed
    assert await cases_with(pool, body["description"]) == 2


async def test_the_duplicate_key_keeps_no_phone_in_clear(client: Client, pool: asyncpg.Pool) -> None:
    body = unique_body(consumer__phone="13700004444")
    await client.post("/api/v1/complaints", json=body)
    rows = await pool.fetch(
        "SELECT key, response::text AS response FROM idempotency_keys WHERE scope = 'complaint_duplicate'"
    )
    assert rows and all(re.fullmatch(r"[0-9a-f]{64}", r["key"]) for r in rows)
    assert not any("13700004444" in r["key"] + r["response"] for r in rows)


def form_fields(page: str, body: dict[str, Any]) -> dict[str, Any]:
    key = re.search(r'name="form_key" value="([^"]+)"', page)
    assert key
    return form_of(body, _csrf_token=csrf_token(page), form_key=key.group(1))


async def test_back_and_submit_again_on_the_page_shows_the_first_receipt(
    client: Client, pool: asyncpg.Pool
) -> None:
    body = unique_body()
    form = await client.get("/complaints/new")
    first = await client.post("/complaints/new", data=form_fields(form.text, body))
    assert first.status_code == 201, first.text
    tracking_no = re.search(r"GS\d{8}-\d{6}", first.text).group(0)  # type: ignore[union-attr]
    assert "已经提交过" not in first.text
    # Back, the form shown afresh (a new form key), the same complaint submitted again
    form_again = await client.get("/complaints/new")
    again = await client.post("/complaints/new", data=form_fields(form_again.text, body))
    assert again.status_code == 201, again.text
    assert tracking_no in again.text and "这份投诉刚才已经提交过，没有重复登记" in again.text
    assert await cases_with(pool, body["description"]) == 1
