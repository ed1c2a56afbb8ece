"""Product risk signals over HTTP: the product's fields on the public form, the staff form and the API
(and back on the staff case view); who may see and act on signals; the list, the detail and the actions
through the API and the page (422 with the field's message, 409 once decided)."""

from __future__ import annotations

import re
import uuid
from typing import Any

import asyncpg

from service.settings import Settings
from tests.support.casework import browser_of, new_merchant, statuses_by_role
from tests.support.consumer import form_fields, open_form
from tests.support.factories import complaint_body
from tests.support.html import csrf_token, hidden
from tests.support.staff import Client, Staff

NO_SIGNAL = 999_999_999


async def product_of(pool: asyncpg.Pool, tracking_no: str) -> asyncpg.Record:
    return await pool.fetchrow(
        "SELECT id, product_brand, product_model, product_batch, product_injury, product_key FROM cases"
        " WHERE tracking_no = $1",
        tracking_no,
    )


def tracking_no_in(html: str) -> str:
    return re.search(r"GS\d{8}-\d{6}", html).group(0)  # type: ignore[union-attr]


async def test_the_public_form_takes_the_product_and_checks_its_lengths(
    client: Client, pool: asyncpg.Pool
) -> None:
    html = await open_form(client)
    assert 'name="product.brand"' in html and 'name="product.batch"' in html and "涉及的产品" in html
    base = {"_csrf_token": csrf_token(html), "form_key": hidden(html, "form_key")}
    too_long = form_fields(**base, **{"product.brand": "品" * 51, "product.model": "X1"})
    refused = await client.post("/complaints/new", data=too_long)
    assert refused.status_code == 422 and "不能超过50个字" in refused.text
    assert 'id="product-brand-error"' in refused.text and 'value="X1"' in refused.text  # kept as typed

    product = {"product.brand": "ＳＵＰＯＲ", "product.model": "SW-17S57A", "product.batch": "20260315"}
    # facts of its own: the duplicate check would return another test's receipt for the shared defaults
    facts = "上周在该店购买的电饭煲内胆涂层脱落，要求退货（产品测试）。"
    fields = form_fields(**base, **product, **{"product.injury": "on"}, description=facts)
    filed = await client.post("/complaints/new", data=fields)
    assert filed.status_code == 201, filed.text
    row = await product_of(pool, tracking_no_in(filed.text))
    assert (row["product_brand"], row["product_model"], row["product_batch"]) == (
        "ＳＵＰＯＲ",
        "SW-17S57A",
        "20260315",
    )
    assert row["product_injury"] is True and row["product_key"] == "supor|sw17s57a"

    other = "三天前在该店就餐，菜品不新鲜，店家拒绝退款（未填产品）。"
    plain = await client.post(
        "/complaints/new", data=form_fields(_csrf_token=base["_csrf_token"], description=other)
    )
    assert plain.status_code == 201  # all optional
    row = await product_of(pool, tracking_no_in(plain.text))
    assert row["product_key"] is None and row["product_injury"] is False


async def test_the_api_and_the_staff_form_take_it_and_the_case_shows_it(
    client: Client, pool: asyncpg.Pool, staff: dict[str, Staff], settings: Settings
) -> None:
    product = {"brand": "Midea", "model": "KFR-35GW", "batch": "2026-03", "injury": False}
    filed = await client.post("/api/v1/complaints", json=complaint_body(product=product))
    assert filed.status_code == 201, filed.text
    case_id = (await product_of(pool, filed.json()["tracking_no"]))["id"]
    seen = await client.get(f"/api/v1/cases/{case_id}", headers=staff["clerk"].headers)
    assert seen.json()["product"] == product
    bad = await client.post("/api/v1/complaints", json=complaint_body(product={"model": "M" * 81}))
    assert bad.status_code == 422
    assert [e["field"] for e in bad.json()["errors"]] == ["product.model"]
    wrong_type = await client.post("/api/v1/complaints", json=complaint_body(product={"injury": "yes"}))
    assert wrong_type.status_code == 422

    recorded = await client.post(
        "/api/v1/cases",
        json=complaint_body(channel="phone", product={"brand": "格力", "model": "KFR-26GW"}),
        headers=staff["clerk"].headers,
    )
    assert recorded.status_code == 201, recorded.text
    assert (await product_of(pool, recorded.json()["tracking_no"]))["product_key"] == "格力|kfr26gw"

    async with browser_of(settings, "t_clerk") as clerk:
        form = await clerk.get("/staff/complaints/new")
        assert "消费者称该产品造成人身伤害" in form.text
        fields = form_fields(
            channel="counter",
            description="来电称在该店购买的电饭煲内胆脱层，要求退货（窗口登记，带产品）。",
            _csrf_token=csrf_token(form.text),
            form_key=hidden(form.text, "form_key"),
            **{"product.brand": "美的", "product.model": "MB-FB40", "product.injury": "on"},
        )
        done = await clerk.post("/staff/complaints/new", data=fields)
        assert done.status_code == 201, done.text
        row = await product_of(pool, tracking_no_in(done.text))
        assert (row["product_brand"], row["product_injury"]) == ("美的", True)
        page = await clerk.get(f"/staff/cases/{row['id']}")
        shown = page.text.split('id="case-product"', 1)[1].split("</dl>", 1)[0]
        assert "美的" in shown and "MB-FB40" in shown and "消费者称造成人身伤害" in shown


async def test_only_supervisors_see_and_act_on_signals(client: Client, staff: dict[str, Staff]) -> None:
    supervisors_only = {"anonymous": 401, "clerk": 403, "mediator": 403, "leading_group": 403, "admin": 403}
    listed = await statuses_by_role(client, staff, "/api/v1/product-signals")
    assert listed == {**supervisors_only, "supervisor": 200}
    one = await statuses_by_role(client, staff, f"/api/v1/product-signals/{NO_SIGNAL}")
    assert one == {**supervisors_only, "supervisor": 404}
    decide = f"/api/v1/product-signals/{NO_SIGNAL}/decide"
    assert await statuses_by_role(client, staff, decide, {"decision": "spot_check"}) == {
        **supervisors_only,
        "supervisor": 404,
    }


async def signal_on(client: Client, pool: asyncpg.Pool, staff: dict[str, Staff]) -> tuple[int, str]:
    """Three complaints naming a new product against two new merchants, accepted through the API: the
    third acceptance raises the signal."""
    brand = f"Api{uuid.uuid4().hex[:6]}"
    shops = [await new_merchant(pool, f"拱墅区信号接口测试店{i}") for i in range(2)]
    for i in range(3):
        body = complaint_body(product={"brand": brand, "model": "X-100", "injury": i == 0})
        r = await client.post("/api/v1/complaints", json=body)
        case_id = (await product_of(pool, r.json()["tracking_no"]))["id"]
        await pool.execute("UPDATE cases SET merchant_id = $2 WHERE id = $1", case_id, shops[i % 2])
        ok = await client.post(f"/api/v1/cases/{case_id}/accept", headers=staff["supervisor"].headers)
        assert ok.status_code == 200, ok.text
    signal_id: int = await pool.fetchval("SELECT id FROM product_signals WHERE brand = $1", brand)
    return signal_id, brand


async def test_the_list_the_detail_and_the_actions(
    client: Client, pool: asyncpg.Pool, staff: dict[str, Staff]
) -> None:
    signal_id, brand = await signal_on(client, pool, staff)
    sup = staff["supervisor"].headers
    listed = (await client.get("/api/v1/product-signals", headers=sup)).json()
    shown: dict[str, Any] = next(s for s in listed["open"] if s["id"] == signal_id)
    assert (shown["brand"], shown["model"], shown["count"], shown["injuries"]) == (brand, "X-100", 3, 1)
    assert len(shown["merchants"]) == 2 and shown["category_label"] == "家用电器"
    assert "consumer" not in str(shown) and "张三" not in str(shown)

    url = f"/api/v1/product-signals/{signal_id}/decide"
    no_reason = await client.post(url, json={"decision": "dismissed"}, headers=sup)
    assert no_reason.status_code == 422
    (error,) = no_reason.json()["errors"]
    assert error["field"] == "note" and error["message"] == "不予处置的，请写明理由"
    ok = await client.post(url, json={"decision": "spot_check", "note": "列入季度抽查"}, headers=sup)
    assert ok.status_code == 200 and ok.json() == {"id": signal_id, "decision": "spot_check"}
    again = await client.post(url, json={"decision": "dismissed", "note": "x"}, headers=sup)
    assert again.status_code == 409

    detail = (await client.get(f"/api/v1/product-signals/{signal_id}", headers=sup)).json()
    assert detail["decision"] == "spot_check" and detail["decided_by"] == "测试t_supervisor"
    assert [e["kind"] for e in detail["events"]] == ["product_signal_raised", "product_signal_spot_check"]
    assert detail["events"][-1]["actor_name"] == "测试t_supervisor"


async def test_the_page_and_its_form(
    client: Client, pool: asyncpg.Pool, staff: dict[str, Staff], settings: Settings
) -> None:
    signal_id, brand = await signal_on(client, pool, staff)
    async with browser_of(settings, "t_mediator") as mediator:
        home = await mediator.get("/staff/cases")
        assert "/staff/product-signals" not in home.text  # no link for mediators
        assert (await mediator.get("/staff/product-signals")).status_code == 403
        form = {"decision": "spot_check", "_csrf_token": csrf_token(home.text)}
        assert (
            await mediator.post(f"/staff/product-signals/{signal_id}/decide", data=form)
        ).status_code == 403

    async with browser_of(settings, "t_supervisor") as supervisor:
        page = await supervisor.get("/staff/product-signals")
        assert page.status_code == 200 and brand in page.text and 'href="/staff/product-signals"' in page.text
        for words in ("移送监督抽查", "通报缺陷产品召回管理机构", "不予处置"):
            assert words in page.text
        token, url = csrf_token(page.text), f"/staff/product-signals/{signal_id}/decide"
        failed = await supervisor.post(url, data={"decision": "dismissed", "note": "", "_csrf_token": token})
        assert failed.status_code == 422 and "不予处置的，请写明理由" in failed.text
        assert f'id="decide-{signal_id}-note-error"' in failed.text
        done = await supervisor.post(url, data={"decision": "recall_notice", "_csrf_token": token})
        assert done.status_code == 303
        location = done.headers["location"]
        assert location == f"/staff/product-signals?done=product_signal_recall_notice#signal-{signal_id}"
        after = await supervisor.get(location)
        assert "已通报缺陷产品召回管理机构" in after.text
        detail = await supervisor.get(f"/staff/product-signals/{signal_id}")
        assert detail.status_code == 200 and "测试t_supervisor" in detail.text and brand in detail.text
