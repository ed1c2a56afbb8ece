"""Cases brought to a stage through the API: routed after acceptance, in mediation, a merchant with a
first-payment commitment, the merchant's link."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import asyncpg

from service.usecases import routing
from tests.support.factories import complaint_against, fresh_uscc
from tests.support.samples import JPEG
from tests.support.staff import Client, Staff, hand_to_mediator

NO_CASE = 999_999_999  # a case id no test database reaches


async def merchant_with_commitment(
    pool: asyncpg.Pool, *, cap_yuan: int = 1000, name: str = "杭州诚信电器商行"
) -> tuple[int, str]:
    """A shop with an active first-payment commitment (refund, replace, compensate up to `cap_yuan`)."""
    uscc = fresh_uscc()
    merchant_id: int = await pool.fetchval(
        "INSERT INTO merchants (name, uscc, address, kind) VALUES ($1, $2, $3, 'shop') RETURNING id",
        name,
        uscc,
        "杭州市拱墅区湖墅南路88号",
    )
    await pool.execute(
        "INSERT INTO commitments (merchant_id, scope_requests, per_claim_cap_fen, active_from)"
        " VALUES ($1, $2, $3, $4)",
        merchant_id,
        ["refund", "replace", "compensate"],
        cap_yuan * 100,
        date(2026, 1, 1),
    )
    return merchant_id, uscc


async def merchant_with_deposit(
    client: Client, staff: dict[str, Staff], pool: asyncpg.Pool, *, deposit: str, name: str
) -> tuple[int, str]:
    """A shop with a first-payment commitment and `deposit` yuan paid in by the supervisor through the API."""
    merchant_id, uscc = await merchant_with_commitment(pool, name=name)
    r = await client.post(
        f"/api/v1/merchants/{merchant_id}/deposit",
        json={"amount": deposit},
        headers=staff["supervisor"].headers,
    )
    assert r.status_code == 201, r.text
    return merchant_id, uscc


async def accepted_and_routed(
    client: Client, staff: dict[str, Staff], pool: asyncpg.Pool, body: dict[str, Any]
) -> dict[str, Any]:
    """Filed with a receipt as evidence, accepted by the supervisor, routed (and handed to the test mediator
    if it went to mediation); the receipt with its `case_id`."""
    receipt = (await client.post("/api/v1/complaints", json=body)).json()
    await client.post(
        f"/api/v1/complaints/{receipt['tracking_no']}/evidence",
        files=[("files", ("receipt.jpg", JPEG + receipt["tracking_no"].encode(), "image/jpeg"))],
        headers={"X-Access-Code": receipt["access_code"]},
    )
    case_id = await pool.fetchval("SELECT id FROM cases WHERE tracking_no = $1", receipt["tracking_no"])
    r = await client.post(f"/api/v1/cases/{case_id}/accept", json={}, headers=staff["supervisor"].headers)
    assert r.status_code == 200, r.text
    assert await routing.route_case(pool, case_id, now=datetime.now(UTC)) in {
        "first_payment",
        "mediation",
        "arbitration",
    }
    await hand_to_mediator(client, pool, staff, case_id)
    return {**receipt, "case_id": case_id}


async def filed_and_accepted(
    api: Client, pool: asyncpg.Pool, staff: dict[str, Staff], body: dict[str, Any]
) -> dict[str, Any]:
    """Filed by a consumer and accepted by the supervisor, both through the API; the receipt with its
    `case_id`."""
    r = await api.post("/api/v1/complaints", json=body)
    assert r.status_code == 201, r.text
    receipt = r.json()
    case_id = await pool.fetchval("SELECT id FROM cases WHERE tracking_no = $1", receipt["tracking_no"])
    accepted = await api.post(f"/api/v1/cases/{case_id}/accept", json={}, headers=staff["supervisor"].headers)
    assert accepted.status_code == 200, accepted.text
    return {**receipt, "case_id": case_id}


async def mediation_case(
    api: Client,
    pool: asyncpg.Pool,
    staff: dict[str, Staff],
    name: str = "杭州调解测试商店",
    *,
    hand_over: bool = True,
) -> dict[str, Any]:
    """Filed by a consumer, accepted by the supervisor, routed: no commitment, so mediation; handed to the
    test mediator unless `hand_over` is false (then nobody holds it yet)."""
    case = await filed_and_accepted(api, pool, staff, complaint_against(name))
    assert await routing.route_case(pool, case["case_id"], now=datetime.now(UTC)) == "mediation"
    if hand_over:
        await hand_to_mediator(api, pool, staff, case["case_id"])
    return case


async def merchant_link(api: Client, staff: dict[str, Staff], case_id: int) -> str:
    """The mediator's link for the merchant, as a path (/m/…)."""
    r = await api.post(f"/api/v1/cases/{case_id}/merchant-link", headers=staff["mediator"].headers)
    assert r.status_code == 201, r.text
    return "/m/" + str(r.json()["url"]).rsplit("/m/", 1)[1]
