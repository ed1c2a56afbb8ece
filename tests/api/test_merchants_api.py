"""Merchant registry API and staff pages: registering merchants, commitments and arbitration clauses,
verifying, the role matrix, field errors and duplicates."""

from __future__ import annotations

import re
from typing import Any

import asyncpg
import pytest
from litestar.testing import AsyncTestClient

from service.queries import merchants as read_merchants
from service.settings import Settings
from service.usecases import merchants
from service.web.pages import merchants as merchant_pages
from tests.support.casework import browser_of
from tests.support.factories import fresh_uscc
from tests.support.html import csrf_token
from tests.support.staff import Staff, signed_in

Client = AsyncTestClient  # type: ignore[type-arg]
NO_MERCHANT = 999_999_999


def merchant_body(**changes: Any) -> dict[str, Any]:
    return {
        "name": "杭州某某电器有限公司",
        "address": "杭州市拱墅区湖墅南路200号",
        "uscc": fresh_uscc(),
        **changes,
    }


async def create(client: Client, staff: dict[str, Staff], **changes: Any) -> dict[str, Any]:
    r = await client.post(
        "/api/v1/merchants", json=merchant_body(**changes), headers=staff["supervisor"].headers
    )
    assert r.status_code == 201, r.text
    return dict(r.json())


def fields(r: Any) -> dict[str, str]:
    assert r.status_code == 422, r.text
    return {e["field"]: e["code"] for e in r.json()["errors"]}


# --- who may do what ------------------------------------------------------------------------------


async def test_the_registry_needs_a_token(client: Client) -> None:
    assert (await client.get("/api/v1/merchants")).status_code == 401
    assert (await client.post("/api/v1/merchants", json=merchant_body())).status_code == 401
    assert (await client.get("/api/v1/merchants/1")).status_code == 401


@pytest.mark.parametrize(
    ("role", "view", "manage"),
    [
        ("clerk", 200, 403),
        ("mediator", 200, 403),
        ("supervisor", 200, 201),
        ("admin", 200, 201),
        ("leading_group", 403, 403),
    ],
)
async def test_the_role_matrix(
    client: Client, staff: dict[str, Staff], role: str, view: int, manage: int
) -> None:
    headers = staff[role].headers
    assert (await client.get("/api/v1/merchants", headers=headers)).status_code == view
    r = await client.post("/api/v1/merchants", json=merchant_body(), headers=headers)
    assert r.status_code == manage, r.text
    m = await create(client, staff)
    for path, body in (
        (
            "commitments",
            {"scope_requests": ["refund"], "per_claim_cap": "100.00", "active_from": "2026-01-01"},
        ),
        ("agreements", {"institution": "杭州仲裁委员会"}),
        ("verify", {}),
    ):
        r = await client.post(f"/api/v1/merchants/{m['id']}/{path}", json=body, headers=headers)
        assert r.status_code == (200 if manage == 201 and path == "verify" else manage), (path, r.text)
    assert (await client.get(f"/api/v1/merchants/{m['id']}", headers=headers)).status_code == view


# --- merchants ------------------------------------------------------------------------------------


async def test_register_and_read_a_merchant(client: Client, staff: dict[str, Staff]) -> None:
    code = fresh_uscc()
    m = await create(
        client,
        staff,
        uscc=code.lower(),
        subdistrict="hushu",
        contact_name="李四",
        contact_phone="0571 8765 4321",
        contact_email="shop@example.cn",
    )
    assert m["uscc"] == code and m["kind"] == "shop" and m["kind_label"] == "商户"
    assert m["verified"] is True and m["parent"] is None
    assert m["contact_phone"] == "0571-87654321"
    assert (m["deposit_balance"], m["commitments"], m["agreements"]) == ("0.00", [], [])
    r = await client.get(f"/api/v1/merchants/{m['id']}", headers=staff["clerk"].headers)
    assert r.status_code == 200 and r.json() == m


async def test_a_shop_on_a_platform(client: Client, staff: dict[str, Staff]) -> None:
    platform = await create(client, staff, name="某某电商平台", kind="platform")
    shop = await create(client, staff, name="平台上的小店", parent_id=platform["id"])
    assert shop["parent"] == {"id": platform["id"], "name": "某某电商平台", "kind": "platform"}
    r = await client.post(
        "/api/v1/merchants", json=merchant_body(parent_id=shop["id"]), headers=staff["supervisor"].headers
    )
    assert fields(r) == {"parent_id": "not_a_host"}
    r = await client.post(
        "/api/v1/merchants", json=merchant_body(parent_id=NO_MERCHANT), headers=staff["supervisor"].headers
    )
    assert fields(r) == {"parent_id": "unknown_merchant"}


BAD_BODIES = [
    (
        "/api/v1/merchants",
        {"name": "某", "uscc": "91330105MA2H00001", "kind": "exhibition", "contact_phone": 12},
        {
            "name": "too_short",
            "uscc": "invalid_uscc",
            "address": "required",
            "contact_phone": "invalid_type",
            "ends_on": "required",
        },
    ),
    (
        "/api/v1/merchants/{id}/commitments",
        {
            "scope_requests": [],
            "scope_categories": ["rockets"],
            "per_claim_cap": 2000,
            "active_from": "2026-05-01",
            "active_until": "2026-04-30",
        },
        {
            "scope_requests": "required",
            "scope_categories": "unknown_code",
            "per_claim_cap": "invalid_type",
            "active_until": "before_start",
        },
    ),
]


@pytest.mark.parametrize(("path", "body", "codes"), BAD_BODIES, ids=["merchant", "commitment"])
async def test_bad_bodies_are_422_with_every_field(
    client: Client, staff: dict[str, Staff], path: str, body: dict[str, Any], codes: dict[str, str]
) -> None:
    """A merchant, or a commitment to one (`{id}`: a merchant registered here)."""
    m = await create(client, staff)
    r = await client.post(path.format(id=m["id"]), json=body, headers=staff["supervisor"].headers)
    assert fields(r) == codes
    assert all(e["message"] and e["message_en"] for e in r.json()["errors"])


async def test_a_registered_uscc_is_409(client: Client, staff: dict[str, Staff]) -> None:
    m = await create(client, staff)
    r = await client.post(
        "/api/v1/merchants", json=merchant_body(uscc=m["uscc"]), headers=staff["admin"].headers
    )
    assert r.status_code == 409
    assert m["uscc"] in r.json()["detail"] and str(m["id"]) in r.json()["detail"]


async def test_unknown_merchants_are_404(client: Client, staff: dict[str, Staff]) -> None:
    h = staff["supervisor"].headers
    assert (await client.get(f"/api/v1/merchants/{NO_MERCHANT}", headers=h)).status_code == 404
    for path, body in (
        ("commitments", {"scope_requests": ["refund"], "per_claim_cap": "1.00", "active_from": "2026-01-01"}),
        ("agreements", {"institution": "杭州仲裁委员会"}),
        ("verify", {}),
    ):
        r = await client.post(f"/api/v1/merchants/{NO_MERCHANT}/{path}", json=body, headers=h)
        assert r.status_code == 404, path


async def test_list_search_filters_and_pages(
    client: Client, staff: dict[str, Staff], pool: asyncpg.Pool
) -> None:
    tag = fresh_uscc()[-8:]
    made = [await create(client, staff, name=f"筛选测试{tag}店{i}") for i in range(3)]
    market = await create(client, staff, name=f"筛选测试{tag}商城", kind="market")
    h = staff["mediator"].headers

    r = await client.get("/api/v1/merchants", params={"q": f"筛选测试{tag}"}, headers=h)
    assert r.status_code == 200 and r.json()["total"] == 4
    r = await client.get("/api/v1/merchants", params={"q": f"筛选测试{tag}", "kind": "market"}, headers=h)
    assert [i["id"] for i in r.json()["items"]] == [market["id"]]
    r = await client.get("/api/v1/merchants", params={"q": made[1]["uscc"]}, headers=h)
    assert [i["id"] for i in r.json()["items"]] == [made[1]["id"]]
    page = await client.get(
        "/api/v1/merchants", params={"q": f"筛选测试{tag}", "limit": 2, "offset": 2}, headers=h
    )
    assert page.json()["total"] == 4 and len(page.json()["items"]) == 2
    assert (await client.get("/api/v1/merchants", params={"kind": "bank"}, headers=h)).status_code == 422
    assert (await client.get("/api/v1/merchants", params={"limit": 0}, headers=h)).status_code == 400

    # a merchant made from a complaint is unverified until someone checks it
    async with pool.acquire() as conn, conn.transaction():
        unverified_id, how = await merchants.find_or_create_for_complaint(
            conn, f"筛选测试{tag}投诉里的店", "杭州市拱墅区潮鸣路5号", None
        )
    assert how == "created"
    r = await client.get("/api/v1/merchants", params={"q": f"筛选测试{tag}", "unverified": "true"}, headers=h)
    assert [(i["id"], i["verified"]) for i in r.json()["items"]] == [(unverified_id, False)]
    r = await client.post(f"/api/v1/merchants/{unverified_id}/verify", headers=staff["supervisor"].headers)
    assert r.status_code == 200 and r.json()["verified"] is True
    r = await client.get("/api/v1/merchants", params={"q": f"筛选测试{tag}", "unverified": "true"}, headers=h)
    assert r.json()["total"] == 0


async def test_the_total_stops_at_its_cap(
    client: Client, browser: Client, staff: dict[str, Staff], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The list counts no further than its cap (or one past the page asked for): "2+" then, not every
    merchant read for a figure; a page further on is counted that far, so it still has a next page."""
    tag = fresh_uscc()[-8:]
    for i in range(4):
        await create(client, staff, name=f"计数上限{tag}店{i}")
    monkeypatch.setattr(read_merchants, "COUNT_CAP", 2)
    monkeypatch.setattr(merchant_pages, "PAGE_SIZE", 1)
    h, q = staff["mediator"].headers, f"计数上限{tag}"

    first = (await client.get("/api/v1/merchants", params={"q": q, "limit": 1}, headers=h)).json()
    assert (first["total"], first["total_is_lower_bound"], len(first["items"])) == (2, True, 1)
    deep = (await client.get("/api/v1/merchants", params={"q": q, "limit": 1, "offset": 2}, headers=h)).json()
    assert (deep["total"], deep["total_is_lower_bound"]) == (4, False)  # counted up to that page and past it
    every = (await client.get("/api/v1/merchants", params={"q": q}, headers=h)).json()
    assert (every["total"], every["total_is_lower_bound"]) == (4, False)

    page = await browser.get("/staff/merchants", params={"q": q})
    assert page.status_code == 200
    assert "共 <strong>2+</strong> 家" in page.text and "offset=1" in page.text  # and a next page


# --- commitments and arbitration clauses ----------------------------------------------------------


async def test_add_a_commitment(client: Client, staff: dict[str, Staff]) -> None:
    m = await create(client, staff, kind="platform")
    r = await client.post(
        f"/api/v1/merchants/{m['id']}/commitments",
        json={
            "scope_requests": ["refund", "return"],
            "scope_categories": ["household_appliances"],
            "per_claim_cap": "2000",
            "active_from": "2020-01-01",
        },
        headers=staff["supervisor"].headers,
    )
    assert r.status_code == 201, r.text
    c = r.json()
    assert c["scope_requests"] == ["return", "refund"] and c["scope_categories"] == ["household_appliances"]
    assert (c["per_claim_cap"], c["active_until"], c["state"]) == ("2000.00", None, "active")
    got = (await client.get(f"/api/v1/merchants/{m['id']}", headers=staff["clerk"].headers)).json()
    assert got["commitments"] == [c]


async def test_add_a_published_arbitration_clause(client: Client, staff: dict[str, Staff]) -> None:
    m = await create(client, staff)
    h = staff["admin"].headers
    r = await client.post(
        f"/api/v1/merchants/{m['id']}/agreements",
        json={"institution": "杭州仲裁委员会", "signed_on": "2026-03-01", "note": "销售合同第九条"},
        headers=h,
    )
    assert r.status_code == 201, r.text
    a = r.json()
    assert (a["kind"], a["institution"], a["signed_on"]) == ("published", "杭州仲裁委员会", "2026-03-01")
    r = await client.post(
        f"/api/v1/merchants/{m['id']}/agreements", json={"institution": "杭", "kind": "written"}, headers=h
    )
    assert fields(r) == {"kind": "not_allowed", "institution": "too_short"}
    got = (await client.get(f"/api/v1/merchants/{m['id']}", headers=h)).json()
    assert got["agreements"] == [a]


# --- staff pages ----------------------------------------------------------------------------------


@pytest.fixture
async def browser(settings: Settings, staff: dict[str, Staff]) -> Any:
    async with browser_of(settings, "t_supervisor") as b:
        yield b


async def register_on_page(
    browser: Client, page: str, name: str, uscc: str, address: str, **more: str
) -> Any:
    """The registry page's form for a new merchant, sent with the CSRF token of `page`."""
    form = {"name": name, "uscc": uscc, "address": address, **more, "_csrf_token": csrf_token(page)}
    return await browser.post("/staff/merchants", data=form)


async def test_pages_register_a_merchant_then_add_to_it(browser: Client, pool: asyncpg.Pool) -> None:
    page = await browser.get("/staff/merchants")
    assert page.status_code == 200 and "商家名录" in page.text and "新增商家" in page.text
    code = fresh_uscc()
    market = {"kind": "market", "subdistrict": "wulin"}
    r = await register_on_page(browser, page.text, "页面登记的商城", code, "杭州市拱墅区武林路1号", **market)
    assert r.status_code == 303, r.text
    location = r.headers["location"]
    assert re.fullmatch(r"/staff/merchants/\d+\?done=created", location)
    merchant_id = int(location.split("/")[-1].split("?")[0])
    detail = await browser.get(location)
    assert "商家已登记" in detail.text and "页面登记的商城" in detail.text and "商场/市场" in detail.text
    assert "保证金补缴逾期" not in detail.text

    r = await browser.post(
        f"/staff/merchants/{merchant_id}/commitments",
        data={
            "form": "commitment",
            "scope_requests": ["refund", "compensate"],
            "per_claim_cap": "500",
            "active_from": "2026-01-01",
            "_csrf_token": csrf_token(detail.text),
        },
    )
    assert r.status_code == 303 and r.headers["location"].endswith("?done=commitment")
    r = await browser.post(
        f"/staff/merchants/{merchant_id}/agreements",
        data={"form": "agreement", "institution": "杭州仲裁委员会", "_csrf_token": csrf_token(detail.text)},
    )
    assert r.status_code == 303
    detail = await browser.get(f"/staff/merchants/{merchant_id}")
    assert "500.00 元" in detail.text and "退还货款和服务费用、赔偿损失" in detail.text
    assert "全部类别" in detail.text and "杭州仲裁委员会" in detail.text

    await pool.execute("UPDATE merchants SET topup_overdue_since = now() WHERE id = $1", merchant_id)
    detail = await browser.get(f"/staff/merchants/{merchant_id}")
    assert "保证金补缴逾期" in detail.text
    listed = await browser.get("/staff/merchants", params={"q": code})
    assert f"/staff/merchants/{merchant_id}" in listed.text and "保证金补缴逾期" in listed.text


async def test_pages_show_errors_in_chinese(browser: Client) -> None:
    page = await browser.get("/staff/merchants")
    r = await browser.post(
        "/staff/merchants",
        data={"name": "某", "address": "", "kind": "exhibition", "_csrf_token": csrf_token(page.text)},
    )
    assert r.status_code == 422
    assert "商家未登记" in r.text and "至少需要2个字" in r.text and "展销会须填写结束日期" in r.text
    assert 'value="某"' in r.text

    taken = fresh_uscc()
    ok = await register_on_page(browser, page.text, "先登记的店", taken, "杭州市拱墅区朝晖路1号")
    assert ok.status_code == 303
    r = await register_on_page(browser, page.text, "后登记的店", taken, "杭州市拱墅区朝晖路2号")
    assert r.status_code == 409 and "该统一社会信用代码已登记" in r.text and "查看已登记的商家" in r.text

    merchant_id = int(ok.headers["location"].split("/")[-1].split("?")[0])
    detail = await browser.get(f"/staff/merchants/{merchant_id}")
    r = await browser.post(
        f"/staff/merchants/{merchant_id}/commitments",
        data={"form": "commitment", "per_claim_cap": "abc", "_csrf_token": csrf_token(detail.text)},
    )
    assert r.status_code == 422
    assert "请至少选择一项" in r.text and "金额格式不正确" in r.text and 'value="abc"' in r.text


async def test_pages_follow_the_roles(settings: Settings, staff: dict[str, Staff]) -> None:
    clerk = await signed_in(settings, "t_clerk")
    try:
        page = await clerk.get("/staff/merchants")
        assert page.status_code == 200 and "新增商家" not in page.text
        r = await clerk.post("/staff/merchants", data={"name": "x", "_csrf_token": csrf_token(page.text)})
        assert r.status_code == 403
    finally:
        await clerk.__aexit__(None, None, None)
    office = await signed_in(settings, "t_leading_group")
    try:
        assert (await office.get("/staff/merchants")).status_code == 403
    finally:
        await office.__aexit__(None, None, None)
