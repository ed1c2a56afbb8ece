"""Statistics through HTTP: who may read indicators and returns (the leading group: statistics only, never a
case), producing a return on demand, the JSON, spreadsheet, CSV and report page of July 2021 — a month of
the session database that only this module writes — and a scan of all of them for personal data."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime
from decimal import Decimal

import asyncpg
import pytest
from litestar.testing import AsyncTestClient

from domain.identifiers import uscc_check_char
from service.settings import Settings
from tests.support.casework import browser_of
from tests.support.clock import this_month
from tests.support.html import csrf_token
from tests.support.staff import ROLES, Staff, signed_in
from tests.support.statistics import SECRETS, SHEETS, Data, decided, read_xlsx, utc

Client = AsyncTestClient  # type: ignore[type-arg]
MONTH = "2021-07"
USCC = "91330105MA2H7777"
USCC += "0" + uscc_check_char(USCC + "0")


@pytest.fixture(scope="module")
async def july(pool: asyncpg.Pool, staff: dict[str, Staff]) -> Data:
    """July 2021: three complaints with personal details everywhere the schema allows them."""
    async with pool.acquire() as conn, conn.transaction():
        data = Data(conn, prefix="STATS2107-")
        x = await conn.fetchval(
            "INSERT INTO merchants (name, uscc, address, contact_name, contact_phone) "
            "VALUES ('拱墅统计测试电器有限公司', $1, '湖墅南路9号', $2, $3) RETURNING id",
            USCC,
            SECRETS["name"],
            SECRETS["phone"],
        )
        mine = {"merchant_id": x, "merchant_uscc": USCC, "merchant_name": "统计测试电器"}
        settled = {**mine, "relief_fen": 12300}
        await data.closed_case(
            "a", utc(2021, 7, 5), "2021-07-06", "2021-09-30", "settled", "2021-07-20", **settled
        )
        fp = {"status": "first_payment", "route": "first_payment"}
        await data.case("b", datetime(2021, 7, 8, 2, tzinfo=UTC), **mine, **fp, **decided("2021-07-09"))
        await data.case(
            "c",
            datetime(2021, 7, 9, 2, tzinfo=UTC),
            status="rejected",
            decided_at=datetime(2021, 7, 20, 2, tzinfo=UTC),
            rejection_ground=5,
            category="food",
            subdistrict="wulin",
        )
        await data.first_payment(
            "b", x, "paid_by_merchant", date(2021, 7, 14), paid_fen=9900, paid_on=date(2021, 7, 12)
        )
        await data.survey(
            "a",
            datetime(2021, 7, 20, 2, tzinfo=UTC),
            datetime(2021, 7, 21, 2, tzinfo=UTC),
            overall=80,
            timeliness=None,
            score=Decimal(80),
        )
        await conn.execute(
            "INSERT INTO enforcement_referrals (case_id, description, created_at) VALUES ($1, $2, $3)",
            data.ids["c"],
            SECRETS["report"],
            datetime(2021, 7, 9, 3, tzinfo=UTC),
        )
    return data


@pytest.fixture(scope="module")
async def leading_group_browser(settings: Settings, staff: dict[str, Staff]) -> AsyncIterator[Client]:
    async with browser_of(settings, staff["leading_group"].username, next_page="/staff") as b:
        yield b


READERS = {"leading_group", "supervisor"}


@pytest.mark.parametrize("role", ROLES)
async def test_who_may_read_statistics(api: Client, staff: dict[str, Staff], july: Data, role: str) -> None:
    expected = 200 if role in READERS else 403
    headers = staff[role].headers
    assert (await api.get("/api/v1/indicators", headers=headers)).status_code == expected
    assert (await api.get("/api/v1/returns", headers=headers)).status_code == expected
    assert (await api.get(f"/api/v1/returns/{MONTH}.xlsx", headers=headers)).status_code in (
        (404, 200) if expected == 200 else (403,)
    )
    # producing or restating a return is for supervisors and admins, not the leading group (issue 13)
    assert (await api.post("/api/v1/returns/2021-06", headers=headers)).status_code in (
        (200, 201) if role in {"supervisor", "admin"} else (403,)
    )


async def test_statistics_need_a_token(api: Client) -> None:
    for path in ("/api/v1/indicators", "/api/v1/returns", f"/api/v1/returns/{MONTH}"):
        assert (await api.get(path)).status_code == 401
    assert (await api.post(f"/api/v1/returns/{MONTH}")).status_code == 401


async def test_the_leading_group_reads_statistics_but_no_case(
    api: Client, staff: dict[str, Staff], july: Data
) -> None:
    lg = staff["leading_group"].headers
    assert (await api.get("/api/v1/cases", headers=lg)).status_code == 403
    assert (await api.get(f"/api/v1/cases/{july.ids['a']}", headers=lg)).status_code == 403
    r = await api.get("/api/v1/indicators?from=2021-06&to=2021-08", headers=lg)
    assert r.status_code == 200
    body = r.json()
    assert (body["from"], body["to"], body["definitions_version"]) == ("2021-06", "2021-08", "v2")
    july_values = body["months"][1]
    assert july_values["month"] == MONTH and not july_values["partial"]
    assert july_values["values"]["received"] == 3
    assert july_values["values"]["rejected"] == 1
    assert july_values["values"]["first_payments_fen"] == 9900
    assert july_values["values"]["recovered_fen"] == 9900 + 12300
    assert july_values["values"]["satisfaction_n"] == 1 and july_values["values"]["satisfaction_mean"] == 80.0
    assert {d["code"] for d in body["definitions"]} >= {"received", "satisfaction_mean", "recovered_fen"}


@pytest.mark.parametrize(
    "query",
    [
        "from=2021-13",
        "to=21-07",
        "from=2021-08&to=2021-07",
        "from=2019-01&to=2019-06",
        "from=2021-01&to=2023-12",
        "to=2099-01",
    ],
)
async def test_indicators_refuse_a_bad_range(api: Client, staff: dict[str, Staff], query: str) -> None:
    r = await api.get(f"/api/v1/indicators?{query}", headers=staff["supervisor"].headers)
    assert r.status_code == 422, r.text
    assert r.json()["errors"][0]["field"] in ("from", "to")


async def test_produce_read_and_download(api: Client, staff: dict[str, Staff], july: Data) -> None:
    sup = staff["supervisor"].headers
    assert (await api.get(f"/api/v1/returns/{MONTH}", headers=sup)).status_code == 404
    first = await api.post(f"/api/v1/returns/{MONTH}", headers=sup)
    assert first.status_code == 201, first.text
    body = first.json()
    assert (body["month"], body["version"], body["created"], body["restatement_of"]) == (MONTH, 1, True, None)
    assert body["created_by"] == f"staff:{staff['supervisor'].user_id}"
    refused = await api.post(f"/api/v1/returns/{MONTH}", headers=staff["leading_group"].headers)
    assert refused.status_code == 403
    again = await api.post(f"/api/v1/returns/{MONTH}", headers=staff["admin"].headers, json={})
    assert again.status_code == 200 and again.json()["version"] == 1 and not again.json()["created"]
    got = await api.get(f"/api/v1/returns/{MONTH}", headers=staff["leading_group"].headers)
    assert got.status_code == 200 and got.headers["cache-control"] == "private, no-store"
    ret = got.json()
    assert ret["content_hash"] == body["content_hash"] and len(ret["content_hash"]) == 64
    s = ret["figures"]["summary"]
    assert (s["received"], s["accepted"], s["rejected"], s["closed"], s["reports_split"]) == (3, 2, 1, 1, 1)
    assert ret["figures"]["merchants"][0] == {
        "rank": 1,
        "code": ret["figures"]["merchants"][0]["code"],
        "name": "拱墅统计测试电器有限公司",
        "uscc": USCC,
        "complaints": 2,
        "replies_due": 1,
        "replies_on_time": 1,
        "on_time_reply_rate": 1.0,
    }

    xlsx = await api.get(f"/api/v1/returns/{MONTH}.xlsx", headers=sup)
    assert xlsx.status_code == 200
    assert xlsx.headers["content-type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml"
    )
    assert "quality-disputes-2021-07-v1.xlsx" in xlsx.headers["content-disposition"]
    sheets = read_xlsx(xlsx.content)
    assert list(sheets) == SHEETS
    merchants = sheets["经营者"]["rows"]
    top = next(row for row in merchants if row and row[0] == ("n", "1"))
    assert top[:4] == [("n", "1"), ("s", "拱墅统计测试电器有限公司"), ("s", USCC), ("n", "2")]
    archive = await api.get(f"/api/v1/returns/{MONTH}.csv.zip", headers=sup)
    assert archive.status_code == 200 and archive.headers["content-type"].startswith("application/zip")
    with zipfile.ZipFile(io.BytesIO(archive.content)) as zf:
        assert len(zf.namelist()) == 9
        assert all(zf.read(n).startswith(b"\xef\xbb\xbf") for n in zf.namelist())
    old = await api.get(f"/api/v1/returns/{MONTH}?version=2", headers=sup)
    assert old.status_code == 404
    assert (await api.get("/api/v1/returns/2021-7", headers=sup)).status_code == 422
    assert (await api.get("/api/v1/returns/2021-07.pdf", headers=sup)).status_code == 422
    listed = (await api.get("/api/v1/returns", headers=sup)).json()
    assert any(item["month"] == MONTH and item["version"] == 1 for item in listed)


async def test_the_current_month_cannot_be_returned(api: Client, staff: dict[str, Staff]) -> None:
    r = await api.post(f"/api/v1/returns/{this_month()}", headers=staff["supervisor"].headers)
    assert r.status_code == 422 and r.json()["errors"][0]["code"] == "month_not_ended"


async def test_pages(
    leading_group_browser: Client, settings: Settings, staff: dict[str, Staff], july: Data
) -> None:
    b = leading_group_browser
    r = await b.get("/staff/indicators?from=2021-06&to=2021-08")
    assert r.status_code == 200 and "<svg" in r.text and "<script" not in r.text
    assert "满意度" in r.text and "95%置信区间" in r.text and "n=1" in r.text
    listing = await b.get("/staff/returns")
    assert listing.status_code == 200
    # the leading group reads returns; producing one is for a supervisor (issue 13): no form, and 403
    assert 'action="/staff/returns"' not in listing.text
    form = {"month": MONTH, "reason": "", "_csrf_token": csrf_token(listing.text)}  # the sign-out form's
    refused = await b.post("/staff/returns", data=form)
    assert refused.status_code == 403
    sup = await signed_in(settings, staff["supervisor"].username, next_page="/staff")
    try:
        token = csrf_token((await sup.get("/staff/returns")).text)
        made = await sup.post("/staff/returns", data={"month": MONTH, "reason": "", "_csrf_token": token})
        assert made.status_code == 303
        assert made.headers["location"].startswith(f"/staff/returns/{MONTH}?notice=")
        bad = await sup.post("/staff/returns", data={"month": "2021-13", "_csrf_token": token})
        assert bad.status_code == 422 and "月份格式" in bad.text
    finally:
        await sup.__aexit__(None, None, None)
    page = await b.get(f"/staff/returns/{MONTH}")
    assert page.status_code == 200 and page.text.count("<svg") >= 5 and "<script" not in page.text
    assert "@page" in page.text and "size:A4" in page.text.replace(" ", "")
    assert "拱墅统计测试电器有限公司" in page.text and USCC in page.text
    download = await b.get(f"/staff/returns/{MONTH}.xlsx")
    assert download.status_code == 200 and download.content[:2] == b"PK"
    missing = await b.get("/staff/returns/2021-05")
    assert missing.status_code == 404 and "尚未生成" in missing.text
    clerk = await signed_in(settings, staff["clerk"].username, next_page="/staff")
    try:
        assert (await clerk.get("/staff/indicators")).status_code == 403
        assert (await clerk.get(f"/staff/returns/{MONTH}")).status_code == 403
    finally:
        await clerk.__aexit__(None, None, None)


async def test_no_personal_data_anywhere(
    api: Client, leading_group_browser: Client, staff: dict[str, Staff], july: Data
) -> None:
    sup = staff["supervisor"].headers
    await api.post(f"/api/v1/returns/{MONTH}", headers=sup)
    texts: dict[str, str] = {}
    for path in (f"/api/v1/returns/{MONTH}", "/api/v1/indicators?from=2021-06&to=2021-08", "/api/v1/returns"):
        r = await api.get(path, headers=sup)
        assert r.status_code == 200
        texts[path] = json.dumps(r.json(), ensure_ascii=False)
    for path in (f"/api/v1/returns/{MONTH}.xlsx", f"/api/v1/returns/{MONTH}.csv.zip"):
        r = await api.get(path, headers=sup)
        with zipfile.ZipFile(io.BytesIO(r.content)) as zf:
            for name in zf.namelist():  # every cell: the sheet XML, shared strings, CSV files
                texts[f"{path}:{name}"] = zf.read(name).decode("utf-8", "replace")
    for path in (f"/staff/returns/{MONTH}", "/staff/indicators?from=2021-06&to=2021-08", "/staff/returns"):
        r = await leading_group_browser.get(path)
        assert r.status_code == 200
        texts[path] = r.text
    assert any("拱墅统计测试电器有限公司" in t for t in texts.values())  # businesses are not personal data
    for where, text in texts.items():
        for what, value in SECRETS.items():
            assert value not in text, f"{what} found in {where}"
