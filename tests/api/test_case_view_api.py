"""Issue 12 §4: the staff API's case view (GET /api/v1/cases/{id}) carries what the case page shows — the
route and its explanation (fired and checked rules), the linked registry merchant or the candidates to
confirm, the first-payment state and deadlines, the assignee and the queue — so a client no longer guesses
the route from `status`. The existing fields stay as they were.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

import asyncpg

from service.settings import Settings
from tests.support.cases import accepted_and_routed, merchant_with_deposit
from tests.support.factories import complaint_against, complaint_body
from tests.support.html import csrf_token
from tests.support.staff import Client, Staff, signed_in


async def case_view(client: Client, staff: dict[str, Staff], case_id: int) -> dict[str, Any]:
    r = await client.get(f"/api/v1/cases/{case_id}", headers=staff["supervisor"].headers)
    assert r.status_code == 200, r.text
    return dict(r.json())


async def test_a_first_payment_case_shows_its_route_merchant_and_deadlines(
    client: Client, staff: dict[str, Staff], pool: asyncpg.Pool
) -> None:
    merchant_id, uscc = await merchant_with_deposit(
        client, staff, pool, deposit="2000.00", name="杭州视图先赔商行"
    )
    case = await accepted_and_routed(
        client, staff, pool, complaint_body(merchant__uscc=uscc, claim_amount="199.00")
    )
    seen = await case_view(client, staff, case["case_id"])
    assert (
        seen["status"] == "first_payment" and seen["tracking_no"] == case["tracking_no"]
    )  # unchanged fields
    route = seen["route"]
    assert route["route"] == "first_payment" and route["label"] == "先行赔付"
    assert [hit["rule"] for hit in route["fired"]] == ["commitment"]
    assert route["fired"][0]["reason"] and route["fired"][0]["facts"]
    stored = await pool.fetchval("SELECT route_explanation FROM cases WHERE id = $1", case["case_id"])
    assert [hit["rule"] for hit in route["checked"]] == [hit["rule"] for hit in stored["checked"]]
    verified = await pool.fetchval("SELECT verified FROM merchants WHERE id = $1", merchant_id)
    assert seen["registry_merchant"] == {"id": merchant_id, "name": "杭州视图先赔商行", "verified": verified}
    flow = await pool.fetchrow(
        "SELECT state, reply_due, payer_id FROM first_payments WHERE case_id = $1", case["case_id"]
    )
    assert seen["first_payment"]["state"] == flow["state"] == "notified"
    assert seen["first_payment"]["reply_due"] == flow["reply_due"].isoformat()
    assert (
        seen["first_payment"]["payer_id"] == flow["payer_id"] and seen["first_payment"]["amount"] == "199.00"
    )
    assert seen["merchant_candidates"] == [] and seen["outcome"] is None


async def test_a_mediation_case_shows_its_assignee_and_queue(
    client: Client, staff: dict[str, Staff], pool: asyncpg.Pool
) -> None:
    case = await accepted_and_routed(client, staff, pool, complaint_against("杭州视图调解商店"))
    seen = await case_view(client, staff, case["case_id"])
    assert seen["route"]["route"] == "mediation" and seen["first_payment"] is None
    assert seen["route"]["fired"] and all(hit["reason"] for hit in seen["route"]["fired"])
    row = await pool.fetchrow("SELECT assigned_to, queue FROM cases WHERE id = $1", case["case_id"])
    assert seen["assignee"]["id"] == row["assigned_to"] == staff["mediator"].user_id
    assert seen["assignee"]["name"]
    if row["queue"] is None:
        assert seen["queue"] is None
    else:
        name = await pool.fetchval("SELECT name_zh FROM queues WHERE code = $1", row["queue"])
        assert seen["queue"] == {"code": row["queue"], "name": name}


async def test_a_case_waiting_for_its_merchant_lists_the_candidates(
    client: Client, staff: dict[str, Staff], pool: asyncpg.Pool
) -> None:
    r = await client.post("/api/v1/complaints", json=complaint_body(merchant__name="恒达电器"))
    assert r.status_code == 201, r.text
    case_id = await pool.fetchval("SELECT id FROM cases WHERE tracking_no = $1", r.json()["tracking_no"])
    candidates = [
        {
            "merchant_id": 1,
            "name": "杭州恒达家用电器有限公司",
            "address": "杭州市拱墅区莫干山路588号",
            "uscc": None,
            "verified": True,
            "score": 72,
            "reasons": [{"kind": "name", "detail": "名称相近"}],
        }
    ]
    # the state the merchant matcher leaves (migration 0021): the case waits for a person to choose
    await pool.execute(
        "UPDATE cases SET status = 'merchant_to_confirm', merchant_candidates = $2::jsonb WHERE id = $1",
        case_id,
        candidates,
    )
    seen = await case_view(client, staff, case_id)
    assert seen["status"] == "merchant_to_confirm" and seen["registry_merchant"] is None
    assert seen["merchant_candidates"] == candidates and seen["route"] is None


async def test_staff_pages_speak_of_the_consumer_in_the_third_person(
    settings: Settings, client: Client, staff: dict[str, Staff], pool: asyncpg.Pool, today_local: date
) -> None:
    browser = await signed_in(settings, "t_clerk")
    try:
        form = await browser.get("/staff/complaints/new")
        assert form.status_code == 200
        shown = re.sub(r"<script.*?</script>", "", form.text.split("<main", 1)[1], flags=re.S)
        assert "消费者姓名" in shown and "消费者诉求" in shown and "证据材料" in shown
        assert 'class="en"' not in shown  # a staff form: no English subtitles
        assert "您的" not in shown and "您希望" not in shown
        fields = {
            "channel": "counter",
            "consumer.name": "周六",
            "consumer.phone": "13600003333",
            "consumer.address": "杭州市拱墅区石祥路18号",
            "merchant.name": "某某鞋店",
            "merchant.address": "杭州市拱墅区湖墅南路18号",
            "quality_domain": "product",
            "category": "other_goods",
            "problem_type": "quality",
            "purchase_date": (today_local - timedelta(days=12)).isoformat(),
            "amount_paid": "260.00",
            "claim_amount": "260.00",
            "requests": ["return"],
            "description": f"{today_local:%m月%d日}前购买的皮鞋开胶，要求退货（第三人称登记）。",
            "_csrf_token": csrf_token(form.text),
            "form_key": re.search(r'name="form_key" value="([^"]+)"', form.text).group(1),  # type: ignore[union-attr]
        }
        receipt = await browser.post("/staff/complaints/new", data=fields)
        assert receipt.status_code == 201, receipt.text
        assert "本次登记未上传证据材料" in receipt.text and "您这次没有上传" not in receipt.text
    finally:
        await browser.__aexit__(None, None, None)

    # the routing reasons were written to the consumer ("您已同意调解"); the case page reads them in the third
    case = await accepted_and_routed(client, staff, pool, complaint_against("杭州第三人称商店"))
    stored = await pool.fetchval("SELECT route_explanation FROM cases WHERE id = $1", case["case_id"])
    assert any("您" in hit["reason"] for hit in stored["fired"])  # the consumer's words, kept as written
    browser = await signed_in(settings, "t_supervisor")
    try:
        page = await browser.get(f"/staff/cases/{case['case_id']}")
        assert page.status_code == 200
        routing = page.text.split('id="route-title"', 1)[1].split("</section>", 1)[0]
        assert "消费者已同意调解" in routing and "您" not in routing
    finally:
        await browser.__aexit__(None, None, None)
