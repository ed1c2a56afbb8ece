"""The merchant the consumer names is found (issue 12 §1), walked through the real app and database: a
consumer names the registered merchant without its USCC and reaches first payment; plausible candidates
wait on the case page for a clerk; re-linking, correcting and merging; the complaint form's suggestions."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
import pytest
from litestar.testing import AsyncTestClient

from service.settings import Settings
from service.usecases import first_payment, routing
from tests.support.casework import kinds
from tests.support.consumer import consumer_view
from tests.support.factories import complaint_body, fresh_uscc
from tests.support.html import csrf_token
from tests.support.samples import JPEG
from tests.support.staff import Staff, signed_in

Client = AsyncTestClient[Any]


async def register(
    client: Client,
    sup: dict[str, str],
    name: str,
    address: str,
    *,
    commitment: bool,
    deposit: str | None = None,
) -> int:
    r = await client.post(
        "/api/v1/merchants",
        json={
            "name": name,
            "address": address,
            "uscc": fresh_uscc(),
            "subdistrict": "xiaohe",
            "contact_phone": "0571-88886666",
        },
        headers=sup,
    )
    assert r.status_code == 201, r.text
    merchant_id: int = r.json()["id"]
    if commitment:
        c = await client.post(
            f"/api/v1/merchants/{merchant_id}/commitments",
            json={
                "scope_requests": ["refund", "replace"],
                "per_claim_cap": "5000",
                "active_from": "2020-01-01",
            },
            headers=sup,
        )
        assert c.status_code == 201, c.text
    if deposit:
        d = await client.post(
            f"/api/v1/merchants/{merchant_id}/deposit", json={"amount": deposit}, headers=sup
        )
        assert d.status_code == 201, d.text
    return merchant_id


async def file_and_accept(
    client: Client, staff: dict[str, Staff], pool: asyncpg.Pool, name: str, address: str, **changes: Any
) -> dict[str, Any]:
    """A consumer files (no USCC: most do not know it) with a receipt photo; the supervisor accepts."""
    body = complaint_body(merchant__name=name, merchant__address=address, merchant__uscc=..., **changes)
    receipt = (await client.post("/api/v1/complaints", json=body)).json()
    up = await client.post(
        f"/api/v1/complaints/{receipt['tracking_no']}/evidence",
        files=[("files", ("receipt.jpg", JPEG + receipt["tracking_no"].encode(), "image/jpeg"))],
        headers={"X-Access-Code": receipt["access_code"]},
    )
    assert up.status_code in (200, 201), up.text
    case_id = await pool.fetchval("SELECT id FROM cases WHERE tracking_no = $1", receipt["tracking_no"])
    r = await client.post(f"/api/v1/cases/{case_id}/accept", json={}, headers=staff["supervisor"].headers)
    assert r.status_code == 200, r.text
    return {**receipt, "case_id": case_id}


async def test_the_consumer_names_the_registered_merchant_and_reaches_first_payment(
    client: Client, staff: dict[str, Staff], pool: asyncpg.Pool
) -> None:
    sup = staff["supervisor"].headers
    merchant_id = await register(
        client,
        sup,
        "杭州恒达家用电器有限公司",
        "杭州市拱墅区莫干山路588号",
        commitment=True,
        deposit="20000.00",
    )
    # the complaint form offers the registry as the consumer types (a <datalist>, no script needed)
    form = await client.get("/complaints/new")
    assert 'list="merchant-options"' in form.text
    assert re.search(
        r'<option value="杭州恒达家用电器有限公司" label="杭州市拱墅区莫干山路588号">', form.text
    )
    assert "0571-88886666" not in form.text

    case = await file_and_accept(
        client, staff, pool, "恒达电器", "杭州市拱墅区莫干山路588号", claim_amount="399.00"
    )
    assert await routing.route_case(pool, case["case_id"], now=datetime.now(UTC)) == "first_payment"
    seen = await consumer_view(client, case)
    assert seen["status"] == "first_payment" and seen["route"] == "first_payment"
    assert any("承诺" in r for r in seen["route_reasons"])
    linked = await client.get(f"/api/v1/cases/{case['case_id']}/merchant", headers=staff["clerk"].headers)
    assert linked.json()["merchant"] == {
        "id": merchant_id,
        "name": "杭州恒达家用电器有限公司",
        "verified": True,
    }

    # the merchant misses its reply deadline: the supervisor pays from the deposit
    replies, _ = await first_payment.flag_deadlines(pool, now=datetime.now(UTC) + timedelta(days=10))
    assert replies >= 1
    paid = await client.post(f"/api/v1/cases/{case['case_id']}/first-payment/payout", headers=sup)
    assert paid.status_code == 200, paid.text
    assert paid.json()["paid"] == "399.00"
    ledger = (await client.get(f"/api/v1/merchants/{merchant_id}/ledger", headers=sup)).json()
    assert ledger["balances"]["deposit"] == "19601.00"
    seen = await consumer_view(client, case)
    assert seen["first_payment_paid"] == "399.00"
    assert {"routed", "first_payment_opened", "deposit_payout"} <= {e["kind"] for e in seen["timeline"]}


async def test_a_clerk_confirms_the_merchant_on_the_case_page(
    client: Client, staff: dict[str, Staff], pool: asyncpg.Pool, settings: Settings
) -> None:
    sup = staff["supervisor"].headers
    ruifeng = await register(
        client, sup, "杭州瑞丰家用电器有限公司", "杭州市拱墅区文晖路12号", commitment=True, deposit="3000.00"
    )
    other = await register(client, sup, "瑞丰餐饮管理有限公司", "杭州市拱墅区大关路9号", commitment=False)
    case = await file_and_accept(client, staff, pool, "瑞丰电器", "杭州市拱墅区", claim_amount="250.00")
    case_id = case["case_id"]
    assert await routing.route_case(pool, case_id, now=datetime.now(UTC)) == "merchant_to_confirm"

    view = await client.get(f"/api/v1/cases/{case_id}/merchant", headers=staff["mediator"].headers)
    assert view.status_code == 200
    got = view.json()
    assert got["status"] == "merchant_to_confirm" and got["merchant"] is None
    assert [c["merchant_id"] for c in got["candidates"]] == [ruifeng, other]
    assert got["candidates"][0]["uscc"] and got["candidates"][0]["reasons"][0]["text"].startswith("字号相同")
    # the consumer sees that the business is being confirmed, not a route
    seen = await consumer_view(client, case)
    assert seen["status"] == "merchant_to_confirm" and seen["route"] is None

    # a mediator may look but not answer; a clerk answers on the case page
    denied = await client.post(
        f"/api/v1/cases/{case_id}/merchant/confirm",
        json={"merchant_id": ruifeng},
        headers=staff["mediator"].headers,
    )
    assert denied.status_code == 403
    browser = await signed_in(settings, "t_clerk")
    try:
        page = await browser.get(f"/staff/cases/{case_id}")
        assert page.status_code == 200
        text = page.text
        assert (
            "请确认被投诉的经营者" in text
            and "杭州瑞丰家用电器有限公司" in text
            and "瑞丰餐饮管理有限公司" in text
        )
        assert re.search(r"杭州瑞丰家用电器有限公司</strong>（\d+分）", text) and "字号相同（瑞丰）" in text
        assert "都不是：登记库中没有该商家" in text
        blank = await browser.post(
            f"/staff/cases/{case_id}/merchant/confirm", data={"_csrf_token": csrf_token(text)}
        )
        assert blank.status_code == 303 and "merchant_error=confirm" in blank.headers["location"]
        shown = await browser.get(blank.headers["location"])
        assert "请选择候选商家，或填写商家编号" in shown.text
        done = await browser.post(
            f"/staff/cases/{case_id}/merchant/confirm",
            data={"merchant_id": str(ruifeng), "_csrf_token": csrf_token(text)},
        )
        assert done.status_code == 303 and "done=merchant_linked" in done.headers["location"]
        after = await browser.get(done.headers["location"])
        assert "已确认被投诉的经营者，案件已分流。" in after.text
        assert "工作人员在候选商家中确认" in after.text and "处理方式：先行赔付" in after.text
    finally:
        await browser.__aexit__(None, None, None)
    row = await pool.fetchrow("SELECT status, merchant_id FROM cases WHERE id = $1", case_id)
    assert (row["status"], row["merchant_id"]) == ("first_payment", ruifeng)
    again = await client.post(
        f"/api/v1/cases/{case_id}/merchant/confirm",
        json={"merchant_id": ruifeng},
        headers=staff["clerk"].headers,
    )
    assert again.status_code == 409


async def test_confirm_and_relink_through_the_api(
    client: Client, staff: dict[str, Staff], pool: asyncpg.Pool
) -> None:
    sup, clerk = staff["supervisor"].headers, staff["clerk"].headers
    jinxiu = await register(
        client, sup, "杭州锦绣服饰有限公司", "杭州市拱墅区湖墅南路300号", commitment=False
    )
    await register(client, sup, "锦绣家居商行", "杭州市拱墅区上塘路7号", commitment=False)
    case = await file_and_accept(
        client, staff, pool, "锦绣", "杭州市拱墅区", description="买的外套掉色严重，商家不退。"
    )
    case_id = case["case_id"]
    assert await routing.route_case(pool, case_id, now=datetime.now(UTC)) == "merchant_to_confirm"
    url = f"/api/v1/cases/{case_id}/merchant"
    bad = await client.post(f"{url}/confirm", json={"merchant_id": "x"}, headers=clerk)
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "merchant_id"
    unknown = await client.post(f"{url}/confirm", json={"merchant_id": 999_999_999}, headers=clerk)
    assert unknown.status_code == 422
    # "not in the registry": an unverified merchant from the complaint, then mediation
    ok = await client.post(f"{url}/confirm", json={"not_in_registry": True}, headers=clerk)
    assert ok.status_code == 200 and ok.json() == {"case_id": case_id, "outcome": "mediation"}
    made = (await client.get(url, headers=clerk)).json()["merchant"]
    assert made["name"] == "锦绣" and made["verified"] is False

    # later it turns out to be the registered clothes shop: re-link, with a reason
    no_reason = await client.post(f"{url}/relink", json={"merchant_id": jinxiu}, headers=clerk)
    assert no_reason.status_code == 422 and no_reason.json()["errors"][0]["field"] == "reason"
    relinked = await client.post(
        f"{url}/relink",
        json={"merchant_id": jinxiu, "reason": "消费者来电补充：湖墅南路300号"},
        headers=clerk,
    )
    assert relinked.status_code == 200 and relinked.json()["outcome"] == "mediation"
    assert (await client.get(url, headers=clerk)).json()["merchant"]["id"] == jinxiu
    events = await pool.fetch("SELECT kind, payload FROM case_events WHERE case_id = $1 ORDER BY id", case_id)
    relink_event = next(dict(r["payload"]) for r in events if r["kind"] == "merchant_relinked")
    assert relink_event["changes"] == ["关联商家由“锦绣”更正为“杭州锦绣服饰有限公司”", "处理方式不变：调解"]

    # the duplicate made from the complaint: corrected, then merged into the registered merchant
    dup = made["id"]
    verified_edit = await client.patch(f"/api/v1/merchants/{jinxiu}", json={"name": "别的名字"}, headers=sup)
    assert verified_edit.status_code == 409
    edit = await client.patch(
        f"/api/v1/merchants/{dup}", json={"address": "杭州市拱墅区湖墅南路300号"}, headers=sup
    )
    assert edit.status_code == 200 and edit.json()["address"] == "杭州市拱墅区湖墅南路300号"
    assert (
        await client.patch(f"/api/v1/merchants/{dup}", json={"uscc": "123"}, headers=sup)
    ).status_code == 422
    merged = await client.post(f"/api/v1/merchants/{dup}/merge", json={"into_id": jinxiu}, headers=sup)
    assert merged.status_code == 200 and merged.json() == {
        "merchant_id": dup,
        "into_id": jinxiu,
        "moved_case_ids": [],
    }
    listed = (await client.get("/api/v1/merchants", params={"q": "锦绣"}, headers=sup)).json()
    assert dup not in [m["id"] for m in listed["items"]]
    assert (
        await client.post(f"/api/v1/merchants/{dup}/merge", json={"into_id": jinxiu}, headers=sup)
    ).status_code == 409


async def test_merging_on_the_merchant_page_moves_the_cases(
    client: Client, staff: dict[str, Staff], pool: asyncpg.Pool, settings: Settings
) -> None:
    sup = staff["supervisor"].headers
    case = await file_and_accept(
        client,
        staff,
        pool,
        "顺达通讯器材店",
        "拱墅区丽水路66号",
        description="手机屏幕三天就坏了，商家不修。",
    )
    assert await routing.route_case(pool, case["case_id"], now=datetime.now(UTC)) == "mediation"
    dup = await pool.fetchval("SELECT merchant_id FROM cases WHERE id = $1", case["case_id"])
    target = await register(
        client, sup, "杭州顺达通讯器材有限公司", "杭州市拱墅区丽水路66号", commitment=False
    )
    browser = await signed_in(settings, "t_supervisor")
    try:
        page = await browser.get(f"/staff/merchants/{dup}")
        assert "合并重复档案" in page.text and "更正商家信息" in page.text
        wrong = await browser.post(
            f"/staff/merchants/{dup}/merge", data={"into_id": "abc", "_csrf_token": csrf_token(page.text)}
        )
        assert wrong.status_code == 422 and "请填写要并入的商家编号" in wrong.text
        fixed = await browser.post(
            f"/staff/merchants/{dup}/edit",
            data={
                "name": "顺达通讯器材店",
                "address": "杭州市拱墅区丽水路66号",
                "uscc": "",
                "subdistrict": "",
                "contact_phone": "",
                "_csrf_token": csrf_token(page.text),
            },
        )
        assert fixed.status_code == 303, fixed.text
        done = await browser.post(
            f"/staff/merchants/{dup}/merge",
            data={"into_id": str(target), "_csrf_token": csrf_token(page.text)},
        )
        assert (
            done.status_code == 303 and done.headers["location"] == f"/staff/merchants/{target}?done=merged"
        )
        landed = await browser.get(done.headers["location"])
        assert "重复的商家档案已并入本商家" in landed.text
        old = await browser.get(f"/staff/merchants/{dup}")
        assert "已合并至" in old.text and "合并重复档案" not in old.text
    finally:
        await browser.__aexit__(None, None, None)
    assert await pool.fetchval("SELECT merchant_id FROM cases WHERE id = $1", case["case_id"]) == target
    assert (await kinds(pool, case["case_id"]))[-2:] == ["merchant_merged", "merchant_relinked"]


async def test_suggest_is_public_business_data_only(client: Client, staff: dict[str, Staff]) -> None:
    sup = staff["supervisor"].headers
    merchant_id = await register(
        client, sup, "杭州金桥眼镜有限公司", "杭州市拱墅区小河路20号", commitment=False
    )
    r = await client.get("/api/v1/merchants/suggest", params={"q": "金桥眼镜"})  # no session, no token
    assert r.status_code == 200
    items = r.json()["items"]
    assert items[0] == {
        "name": "杭州金桥眼镜有限公司",
        "address": "杭州市拱墅区小河路20号",
        "subdistrict": "xiaohe",
    }
    assert "0571" not in r.text and str(merchant_id) not in r.text
    assert (await client.get("/api/v1/merchants/suggest")).status_code == 400
    assert (await client.get("/api/v1/merchants/suggest", params={"q": "金" * 101})).status_code == 400
    assert (await client.get("/api/v1/merchants/suggest", params={"q": "有限公司"})).json() == {"items": []}


@pytest.mark.parametrize("path", ["confirm", "relink"])
async def test_the_merchant_forms_refuse_a_case_that_does_not_exist(
    client: Client, staff: dict[str, Staff], path: str
) -> None:
    r = await client.post(
        f"/api/v1/cases/999999999/merchant/{path}",
        json={"merchant_id": 1, "reason": "x"},
        headers=staff["clerk"].headers,
    )
    assert r.status_code == 404
