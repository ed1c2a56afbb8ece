"""Staff pages in a browser without JavaScript: sign in, the queue, a case, decisions, the notice."""

from __future__ import annotations

import re
from typing import Any

import asyncpg
import pytest
from litestar.testing import AsyncTestClient

from service.app import create_app
from service.settings import Settings
from tests.support.casework import browser_of
from tests.support.clock import days_ago
from tests.support.consumer import track_page
from tests.support.factories import complaint_body
from tests.support.html import csrf_token
from tests.support.staff import PASSWORD, ROLES, Staff, sign_in_form, signed_in

Client = AsyncTestClient  # type: ignore[type-arg]


@pytest.fixture
async def supervisor_browser(settings: Settings, staff: dict[str, Staff]) -> Any:
    async with browser_of(settings, "t_supervisor") as browser:
        yield browser


async def test_pages_need_a_session(client: Client) -> None:
    for path in ("/staff", "/staff/cases", "/staff/cases/1", "/staff/complaints/new"):
        r = await client.get(path, follow_redirects=False)
        assert r.status_code == 303, path
        assert r.headers["location"].startswith("/staff/login?next=")


async def test_sign_in_is_refused_without_csrf_token(client: Client, staff: dict[str, Staff]) -> None:
    r = await client.post("/staff/login", data={"username": "t_supervisor", "password": PASSWORD})
    assert r.status_code == 403


async def test_wrong_password_on_the_page(client: Client, staff: dict[str, Staff]) -> None:
    page = await client.get("/staff/login")
    r = await client.post(
        "/staff/login",
        data={"username": "t_clerk", "password": "wrong-password", "_csrf_token": csrf_token(page.text)},
    )
    assert r.status_code == 401
    assert "用户名或密码不正确" in r.text and 'value="t_clerk"' in r.text


async def test_login_never_redirects_off_site(settings: Settings, staff: dict[str, Staff]) -> None:
    client: Client = AsyncTestClient(app=create_app(settings))
    client.follow_redirects = False
    async with client:
        r = await sign_in_form(client, "t_mediator", next_page="//evil.example/x")
    assert r.status_code == 303 and r.headers["location"] == "/staff"


PAGES = [
    ("/staff/cases", {"clerk", "mediator", "supervisor"}),
    ("/staff/complaints/new", {"clerk", "supervisor"}),
]


@pytest.mark.parametrize("role", ROLES)
async def test_page_role_matrix(settings: Settings, staff: dict[str, Staff], role: str) -> None:
    browser = await signed_in(settings, f"t_{role}")
    try:
        home = await browser.get("/staff")
        assert home.status_code == 200
        for path, allowed in PAGES:
            r = await browser.get(path)
            assert r.status_code == (200 if role in allowed else 403), (role, path)
    finally:
        await browser.__aexit__(None, None, None)


async def test_supervisor_finds_a_fresh_complaint_and_accepts_it(
    client: Client, supervisor_browser: Client, pool: asyncpg.Pool
) -> None:
    body = complaint_body(merchant__name="拱墅区新鲜水果店", subdistrict="chaoming")
    receipt = (await client.post("/api/v1/complaints", json=body)).json()
    # filtered to a sub-district no other test files in: the first page of fifty holds it however many
    # complaints the session's other tests left waiting
    queue = await supervisor_browser.get("/staff/cases?status=received&subdistrict=chaoming")
    assert receipt["tracking_no"] in queue.text
    case_id = await pool.fetchval("SELECT id FROM cases WHERE tracking_no = $1", receipt["tracking_no"])
    page = await supervisor_browser.get(f"/staff/cases/{case_id}")
    assert page.status_code == 200
    assert "拱墅区新鲜水果店" in page.text and "13812345678" in page.text  # staff see the parties
    assert f"/staff/cases/{case_id}/accept" in page.text and f"/staff/cases/{case_id}/reject" in page.text
    r = await supervisor_browser.post(
        f"/staff/cases/{case_id}/accept",
        data={"note": "", "_csrf_token": csrf_token(page.text)},
    )
    assert r.status_code == 303 and r.headers["location"].endswith("done=accepted")
    after = await supervisor_browser.get(r.headers["location"])
    assert "已受理" in after.text

    assert "已受理" in await track_page(client, receipt)


async def test_rejection_on_the_page_with_errors_then_the_notice(
    client: Client, supervisor_browser: Client, pool: asyncpg.Pool
) -> None:
    receipt = (await client.post("/api/v1/complaints", json=complaint_body())).json()
    case_id = await pool.fetchval("SELECT id FROM cases WHERE tracking_no = $1", receipt["tracking_no"])
    page = await supervisor_browser.get(f"/staff/cases/{case_id}")
    token = csrf_token(page.text)
    missing = await supervisor_browser.post(
        f"/staff/cases/{case_id}/reject", data={"ground": "4", "_csrf_token": token}
    )
    assert missing.status_code == 422 and "请写明不予受理的具体理由" in missing.text
    done = await supervisor_browser.post(
        f"/staff/cases/{case_id}/reject",
        data={"ground": "4", "note": "购买已超过三年。", "_csrf_token": token},
    )
    assert done.status_code == 303
    notice = await supervisor_browser.get(f"/staff/cases/{case_id}/notice")
    assert notice.status_code == 200
    assert "不予受理告知书" in notice.text and receipt["tracking_no"] in notice.text
    assert "第十六条" in notice.text and "人民法院" in notice.text and "购买已超过三年。" in notice.text

    seen = await track_page(client, receipt)
    assert "不予受理" in seen and "购买已超过三年。" in seen and "人民法院" in seen


async def test_a_clerk_records_a_counter_complaint_on_the_page(
    settings: Settings, staff: dict[str, Staff], pool: asyncpg.Pool
) -> None:
    browser = await signed_in(settings, "t_clerk")
    try:
        form = await browser.get("/staff/complaints/new")
        assert 'name="channel"' in form.text
        fields = {
            "channel": "counter",
            "consumer.name": "周五",
            "consumer.phone": "13600002222",
            "consumer.address": "杭州市拱墅区石祥路8号",
            "merchant.name": "某某眼镜店",
            "merchant.address": "杭州市拱墅区湖墅南路8号",
            "quality_domain": "product",
            "category": "other_goods",
            "problem_type": "quality",
            "purchase_date": days_ago(25).isoformat(),
            "amount_paid": "680.00",
            "claim_amount": "680.00",
            "requests": ["replace"],
            "description": "配的眼镜度数与验光单不符，要求重配。",
            "_csrf_token": csrf_token(form.text),
            "form_key": re.search(r'name="form_key" value="([^"]+)"', form.text).group(1),  # type: ignore[union-attr]
        }
        r = await browser.post("/staff/complaints/new", data=fields)
        assert r.status_code == 201, r.text
        tracking_no = re.search(r"GS\d{8}-\d{6}", r.text).group(0)  # type: ignore[union-attr]
        row = await pool.fetchrow(
            "SELECT channel, recorded_by FROM cases WHERE tracking_no = $1", tracking_no
        )
        assert row["channel"] == "counter" and row["recorded_by"] == staff["clerk"].user_id
    finally:
        await browser.__aexit__(None, None, None)


async def test_sign_out_ends_the_session(settings: Settings, staff: dict[str, Staff]) -> None:
    browser = await signed_in(settings, "t_mediator")
    try:
        page = await browser.get("/staff/cases")
        r = await browser.post(
            "/staff/logout", data={"_csrf_token": csrf_token(page.text)}, follow_redirects=False
        )
        assert r.status_code == 303
        assert (await browser.get("/staff/cases", follow_redirects=False)).status_code == 303
    finally:
        await browser.__aexit__(None, None, None)
