"""The consumer's pages, as a phone browser without JavaScript would use them."""

from __future__ import annotations

import re

import asyncpg
from litestar.testing import AsyncTestClient

from tests.support.consumer import form_fields, open_form, open_tracking
from tests.support.html import csrf_token, hidden
from tests.support.samples import JPEG

Client = AsyncTestClient  # type: ignore[type-arg]


async def test_home_links_to_the_form_and_tracking(client: Client) -> None:
    r = await client.get("/")
    assert r.status_code == 200
    assert 'href="/complaints/new"' in r.text and 'href="/track"' in r.text
    assert 'lang="zh-CN"' in r.text and 'name="viewport"' in r.text


async def test_form_offers_every_field_in_steps(client: Client) -> None:
    html = await open_form(client)
    for name in form_fields():
        assert f'name="{name}"' in html, name
    for name in (
        "evidence",
        "consents.entrusted_mediation",
        "consents.publish",
        "reports_violation",
        "platform.name",
    ):
        assert f'name="{name}"' in html, name
    assert html.count("<fieldset") >= 6
    assert 'enctype="multipart/form-data"' in html and "拱宸桥街道" in html


async def test_filing_through_the_form_then_tracking_it(client: Client, pool: asyncpg.Pool) -> None:
    html = await open_form(client)
    fields = form_fields(_csrf_token=csrf_token(html), form_key=hidden(html, "form_key"))
    r = await client.post(
        "/complaints/new", data=fields, files=[("evidence", ("receipt.jpg", JPEG, "image/jpeg"))]
    )
    assert r.status_code == 201, r.text
    assert r.headers["cache-control"] == "no-store"
    tracking_no = re.search(r"GS\d{8}-\d{6}", r.text).group(0)  # type: ignore[union-attr]
    row = await pool.fetchrow("SELECT id, channel FROM cases WHERE tracking_no = $1", tracking_no)
    assert row["channel"] == "web"
    assert await pool.fetchval("SELECT count(*) FROM evidence WHERE case_id = $1", row["id"]) == 1
    code = next(c for c in re.findall(r"[34679ACDEFGHJKMNPQRTWXY]{8}", r.text) if c not in tracking_no)

    result = await open_tracking(client, tracking_no.lower(), code)
    assert result.status_code == 200, result.text
    assert tracking_no in result.text and "投诉已登记" in result.text


async def test_resubmitting_the_same_form_files_once(client: Client, pool: asyncpg.Pool) -> None:
    html = await open_form(client)
    fields = form_fields(_csrf_token=csrf_token(html), form_key=hidden(html, "form_key"))
    first = await client.post("/complaints/new", data=fields)
    again = await client.post("/complaints/new", data=fields)
    numbers = [re.search(r"GS\d{8}-\d{6}", r.text).group(0) for r in (first, again)]  # type: ignore[union-attr]
    assert numbers[0] == numbers[1]
    assert await pool.fetchval("SELECT count(*) FROM cases WHERE tracking_no = $1", numbers[0]) == 1


async def test_errors_are_shown_in_chinese_next_to_fields_and_input_is_kept(client: Client) -> None:
    html = await open_form(client)
    fields = form_fields(**{"consumer.phone": "12345", "amount_paid": "abc", "_csrf_token": csrf_token(html)})
    r = await client.post("/complaints/new", data=fields)
    assert r.status_code == 422
    assert "电话号码格式不正确" in r.text and "金额格式不正确" in r.text
    assert 'value="12345"' in r.text and 'value="李四"' in r.text and "菜品中发现异物" in r.text
    assert 'aria-invalid="true"' in r.text


async def test_a_wrong_file_is_an_error_on_the_page(client: Client) -> None:
    html = await open_form(client)
    r = await client.post(
        "/complaints/new",
        data=form_fields(_csrf_token=csrf_token(html)),
        files=[("evidence", ("photo.jpg", b"MZ\x90\x00 not a photo", "image/jpeg"))],
    )
    assert r.status_code == 422
    assert "不是可接受的格式" in r.text


async def test_form_without_csrf_token_is_refused(client: Client, pool: asyncpg.Pool) -> None:
    await open_form(client)
    before = await pool.fetchval("SELECT count(*) FROM cases")
    r = await client.post("/complaints/new", data=form_fields())
    assert r.status_code == 403
    assert "刷新页面" in r.text
    assert await pool.fetchval("SELECT count(*) FROM cases") == before


async def test_tracking_with_a_wrong_code_says_so_in_chinese(client: Client) -> None:
    r = await open_tracking(client, "GS20261126-000001", "AAAAAAAA")
    assert r.status_code == 404
    assert "投诉编号或查询码不正确" in r.text


async def test_unknown_page_is_a_chinese_404(client: Client) -> None:
    r = await client.get("/no/such/page")
    assert r.status_code == 404 and "未找到" in r.text
