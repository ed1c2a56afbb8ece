"""Routing after acceptance and the first-payment flow, end to end on the real app and database."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import asyncpg
from litestar.testing import AsyncTestClient

from service.usecases import first_payment, routing
from tests.support.cases import accepted_and_routed, merchant_with_commitment, merchant_with_deposit
from tests.support.clock import today_local
from tests.support.consumer import consumer_view, track_page
from tests.support.factories import complaint_against, complaint_body
from tests.support.html import csrf_token
from tests.support.staff import Staff

Client = AsyncTestClient  # type: ignore[type-arg]


async def test_commitment_missed_deadline_and_payout_from_the_deposit(
    client: Client, staff: dict[str, Staff], pool: asyncpg.Pool
) -> None:
    merchant_id, uscc = await merchant_with_commitment(pool)
    sup = staff["supervisor"].headers
    top = await client.post(
        f"/api/v1/merchants/{merchant_id}/deposit",
        json={"amount": "2000.00", "memo": "首次缴纳"},
        headers=sup,
    )
    assert top.status_code == 201 and top.json() == {
        "merchant_id": merchant_id,
        "kind": "top_up",
        "deposit_balance": "2000.00",
    }

    case = await accepted_and_routed(
        client, staff, pool, complaint_body(merchant__uscc=uscc, claim_amount="399.00")
    )
    seen = await consumer_view(client, case)
    assert seen["status"] == "first_payment" and seen["route"] == "first_payment"
    assert seen["route_label"] == "先行赔付" and any("承诺" in r for r in seen["route_reasons"])
    row = await pool.fetchrow(
        "SELECT merchant_id, route_explanation FROM cases WHERE id = $1", case["case_id"]
    )
    assert row["merchant_id"] == merchant_id
    assert [h["rule"] for h in row["route_explanation"]["fired"]] == ["commitment"]
    routed = await pool.fetchval(
        "SELECT count(*) FROM case_events WHERE case_id = $1 AND kind = 'routed'", case["case_id"]
    )
    assert routed == 1
    assert await routing.route_case(pool, case["case_id"], now=datetime.now(UTC)) == "already_routed"

    # paying from the deposit waits for a refusal or a missed deadline
    early = await client.post(f"/api/v1/cases/{case['case_id']}/first-payment/payout", headers=sup)
    assert early.status_code == 409
    later = datetime.now(UTC) + timedelta(days=10)
    replies, _ = await first_payment.flag_deadlines(pool, now=later)
    assert replies >= 1
    assert (await first_payment.flag_deadlines(pool, now=later))[0] == 0  # raised once

    assert (
        await client.post(
            f"/api/v1/cases/{case['case_id']}/first-payment/payout", headers=staff["mediator"].headers
        )
    ).status_code == 403
    paid = await client.post(f"/api/v1/cases/{case['case_id']}/first-payment/payout", headers=sup)
    assert paid.status_code == 200, paid.text
    assert paid.json()["paid"] == "399.00"
    ledger = (await client.get(f"/api/v1/merchants/{merchant_id}/ledger", headers=sup)).json()
    assert ledger["balances"]["deposit"] == "1601.00" and ledger["balances"]["paid_out"] == "399.00"

    seen = await consumer_view(client, case)
    assert seen["first_payment_paid"] == "399.00"
    kinds = [e["kind"] for e in seen["timeline"]]
    assert {"routed", "first_payment_opened", "merchant_deadline_missed", "deposit_payout"} <= set(kinds)
    assert (
        await client.post(f"/api/v1/cases/{case['case_id']}/first-payment/payout", headers=sup)
    ).status_code == 409
    page = await track_page(client, case)
    assert "处理方式：先行赔付" in page and "已向您先行赔付 399.00 元" in page

    # recourse: the merchant must top up within its deadline, else it is flagged
    fp = await pool.fetchrow(
        "SELECT topup_due, recourse_opened_at FROM first_payments WHERE case_id = $1", case["case_id"]
    )
    assert fp["recourse_opened_at"] is not None and fp["topup_due"] > today_local()
    _, topups = await first_payment.flag_deadlines(pool, now=datetime.now(UTC) + timedelta(days=30))
    assert topups >= 1
    assert await pool.fetchval(
        "SELECT topup_overdue_since IS NOT NULL FROM merchants WHERE id = $1", merchant_id
    )
    refill = await client.post(
        f"/api/v1/merchants/{merchant_id}/deposit", json={"amount": "399.00"}, headers=sup
    )
    assert refill.json()["kind"] == "recovery" and refill.json()["deposit_balance"] == "2000.00"
    assert await pool.fetchval("SELECT topup_overdue_since IS NULL FROM merchants WHERE id = $1", merchant_id)


async def test_not_enough_deposit_is_a_clear_refusal(
    client: Client, staff: dict[str, Staff], pool: asyncpg.Pool
) -> None:
    _, uscc = await merchant_with_deposit(client, staff, pool, deposit="500.00", name="杭州余额不足商行")
    sup = staff["supervisor"].headers
    case = await accepted_and_routed(
        client, staff, pool, complaint_body(merchant__uscc=uscc, claim_amount="399.00")
    )
    assert (await consumer_view(client, case))["route"] == "first_payment"
    # another payout drains the deposit in between
    other = await accepted_and_routed(
        client, staff, pool, complaint_body(merchant__uscc=uscc, claim_amount="300.00")
    )
    for c in (case, other):
        r = await client.post(
            f"/api/v1/cases/{c['case_id']}/first-payment/answer",
            json={"answer": "refuse", "note": "不同意"},
            headers=staff["mediator"].headers,
        )
        assert r.status_code == 200, r.text
    assert (
        await client.post(f"/api/v1/cases/{other['case_id']}/first-payment/payout", headers=sup)
    ).status_code == 200
    short = await client.post(f"/api/v1/cases/{case['case_id']}/first-payment/payout", headers=sup)
    assert short.status_code == 409 and "余额" in short.json()["detail"]


async def test_without_a_commitment_the_case_goes_to_mediation(
    client: Client, staff: dict[str, Staff], pool: asyncpg.Pool
) -> None:
    case = await accepted_and_routed(client, staff, pool, complaint_against("杭州无承诺商店"))
    seen = await consumer_view(client, case)
    assert seen["route"] == "mediation" and seen["status"] == "mediation"
    created = await pool.fetchrow(
        "SELECT m.verified FROM cases c JOIN merchants m ON m.id = c.merchant_id WHERE c.id = $1",
        case["case_id"],
    )
    assert created["verified"] is False  # made from the complaint, for staff to check


async def test_a_supervisor_overrides_the_route_with_a_reason(
    client: Client, staff: dict[str, Staff], pool: asyncpg.Pool
) -> None:
    case = await accepted_and_routed(client, staff, pool, complaint_against("杭州改道商店"))
    url = f"/api/v1/cases/{case['case_id']}/route"
    assert (
        await client.post(
            url, json={"route": "arbitration", "reason": "x"}, headers=staff["mediator"].headers
        )
    ).status_code == 403
    missing = await client.post(url, json={"route": "arbitration"}, headers=staff["supervisor"].headers)
    assert missing.status_code == 422 and missing.json()["errors"][0]["field"] == "reason"
    ok = await client.post(
        url,
        json={"route": "arbitration", "reason": "双方已签订仲裁协议"},
        headers=staff["supervisor"].headers,
    )
    assert ok.status_code == 200, ok.text
    event = await pool.fetchrow(
        "SELECT actor, payload FROM case_events WHERE case_id = $1 AND kind = 'route_overridden'",
        case["case_id"],
    )
    assert event["actor"] == f"staff:{staff['supervisor'].user_id}"
    assert event["payload"]["from"] == "mediation" and event["payload"]["reason"] == "双方已签订仲裁协议"
    assert (await consumer_view(client, case))["route"] == "arbitration"


async def test_the_merchant_answers_through_its_link(
    client: Client, staff: dict[str, Staff], pool: asyncpg.Pool
) -> None:
    _, uscc = await merchant_with_deposit(client, staff, pool, deposit="800.00", name="杭州链接测试商行")
    case = await accepted_and_routed(
        client, staff, pool, complaint_body(merchant__uscc=uscc, claim_amount="120.00")
    )
    link = await client.post(
        f"/api/v1/cases/{case['case_id']}/merchant-link", headers=staff["mediator"].headers
    )
    assert link.status_code == 201
    path = "/m/" + link.json()["url"].rsplit("/m/", 1)[1]
    page = await client.get(path)
    assert page.status_code == 200 and case["tracking_no"] in page.text
    assert "13812345678" not in page.text and "138****5678" in page.text  # the consumer's contact is masked
    assert "no-store" in page.headers["cache-control"]
    bad = await client.post(
        f"{path}/cases/{case['case_id']}/answer",
        data={"answer": "refuse", "_csrf_token": csrf_token(page.text)},
    )
    assert bad.status_code == 422 and "拒绝先行赔付请写明理由" in bad.text
    paid = await client.post(
        f"{path}/cases/{case['case_id']}/answer",
        data={"answer": "pay", "amount": "120.00", "_csrf_token": csrf_token(page.text)},
        files=[("proof", ("转账.png", b"\x89PNG\r\n\x1a\n" + b"x" * 50, "image/png"))],
    )
    assert paid.status_code == 200 and "已记录" in paid.text
    fp = await pool.fetchrow(
        "SELECT state, paid_fen, proof_evidence_id FROM first_payments WHERE case_id = $1", case["case_id"]
    )
    assert (
        fp["state"] == "paid_by_merchant" and fp["paid_fen"] == 12000 and fp["proof_evidence_id"] is not None
    )
    assert (await consumer_view(client, case))["first_payment_paid"] == "120.00"
    # a link opens only its own merchant's cases; a made-up token opens nothing
    assert (await client.get("/m/not-a-real-token")).status_code == 404
    other = await accepted_and_routed(client, staff, pool, complaint_against("别家商店"))
    stolen = await client.post(
        f"{path}/cases/{other['case_id']}/answer",
        data={"answer": "pay", "_csrf_token": csrf_token(page.text)},
    )
    assert stolen.status_code == 404
    assert re.search(r"/m/[^/]+", link.json()["url"])
