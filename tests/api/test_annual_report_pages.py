"""The annual report pages (issue 18 §3) on a database of the module's own: who may read the report and
download its Word document, the supervisor's typical-case form (422 on the consumer's personal data, an
event in the case's history for saving and removing), and freezing the missing months from the page."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import date

import asyncpg
import msgspec
import pytest
from docx import Document

from service.settings import Settings
from service.usecases import auth
from tests.support.databases import Databases, open_pool
from tests.support.html import csrf_token
from tests.support.staff import PASSWORD, ROLES, Client, signed_in
from tests.support.statistics import SECRETS, Data, at_ten, decided

READERS = {"leading_group", "supervisor"}


@dataclass
class Office:
    settings: Settings
    pool: asyncpg.Pool
    year: int
    consented: int
    private: int
    tracking: dict[str, str]
    browsers: dict[str, Client]


async def load(conn: asyncpg.Connection, year: int) -> Data:
    data = Data(conn, prefix="RP")
    for name, consent in (("consented", True), ("private", False)):
        received = at_ten(f"{year}-06-0{2 if consent else 3}")
        facts = {"status": "closed", "route": "mediation", "outcome": "settled", "consent_publish": consent}
        closed = {"closed_at": at_ten(f"{year}-06-20"), "mediation_due": date(year, 8, 1)}
        await data.case(name, received, **facts, **closed, **decided(f"{year}-06-04"))
    return data


@pytest.fixture(scope="module")
async def office(databases: Databases, settings: Settings, today_local_module: date) -> AsyncIterator[Office]:
    year = today_local_module.year - 1  # a year that has ended, whatever today is
    url = await databases.create(migrated=True)
    mine = msgspec.structs.replace(settings, database_url=url)
    async with open_pool(url, max_size=3) as pool:
        async with pool.acquire() as conn, conn.transaction():
            data = await load(conn, year)
        tracking = {
            n: await pool.fetchval("SELECT tracking_no FROM cases WHERE id = $1", i)
            for n, i in data.ids.items()
        }
        browsers = {}
        for role in ROLES:
            await auth.add_user(pool, f"ar_{role}", [role], PASSWORD, display_name=f"测试{role}")
            browsers[role] = await signed_in(mine, f"ar_{role}", next_page="/staff")
        yield Office(mine, pool, year, data.ids["consented"], data.ids["private"], tracking, browsers)
        for browser in browsers.values():
            await browser.__aexit__(None, None, None)


@pytest.fixture(scope="module")
def today_local_module() -> date:
    from tests.support import clock

    return clock.today_local()


async def test_the_report_pages_are_for_the_leading_group_and_supervisors(office: Office) -> None:
    for role, browser in office.browsers.items():
        index = await browser.get("/staff/reports")
        page = await browser.get(f"/staff/reports/{office.year}")
        expected = 200 if role in READERS else 403
        assert (index.status_code, page.status_code) == (expected, expected), role
        home = await browser.get("/staff")
        assert ('href="/staff/reports"' in home.text) == (role in READERS), role
    page = (await office.browsers["leading_group"].get(f"/staff/reports/{office.year}")).text
    assert f"拱墅区质量发展状况年度报告（{office.year}年）" in page and "@page{size:A4" in page
    assert "data:image/png;base64," in page and f'href="/staff/reports/{office.year}.docx"' in page
    assert office.tracking["consented"] not in page  # the leading group sees figures, never a case
    assert str(office.year) in (await office.browsers["leading_group"].get("/staff/reports")).text


async def test_the_word_document_downloads_and_a_bad_year_is_a_422(office: Office) -> None:
    browser = office.browsers["leading_group"]
    r = await browser.get(f"/staff/reports/{office.year}.docx")
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in r.headers["content-disposition"] and r.headers["cache-control"] == "no-store"
    doc = Document(io.BytesIO(r.content))
    assert doc.paragraphs[0].text == f"拱墅区质量发展状况年度报告（{office.year}年）"
    for bad in ("1999", "20x6", str(office.year + 2)):
        assert (await browser.get(f"/staff/reports/{bad}")).status_code == 422, bad
    assert (await browser.get(f"/staff/reports/{office.year}.pdf")).status_code == 404


async def events(pool: asyncpg.Pool, case_id: int) -> list[str]:
    rows = await pool.fetch("SELECT kind FROM case_events WHERE case_id = $1 ORDER BY id", case_id)
    return [r["kind"] for r in rows]


async def post(browser: Client, path: str, **fields: str) -> tuple[int, str, str]:
    token = csrf_token((await browser.get("/staff/login")).text)
    r = await browser.post(path, data={"_csrf_token": token, **fields})
    return r.status_code, r.headers.get("location", ""), r.text


async def test_a_supervisor_writes_a_typical_case_without_personal_data(office: Office) -> None:
    browser, year, case_id = office.browsers["supervisor"], office.year, office.consented
    page = (await browser.get(f"/staff/reports/{year}")).text
    assert office.tracking["consented"] in page and office.tracking["private"] not in page
    path = f"/staff/reports/{year}/typical-cases/{case_id}"

    status, _, text = await post(browser, path, title="家电纠纷", summary=f"消费者{SECRETS['name']}购买电器")
    assert status == 422 and "案例摘要含有消费者的姓名" in text
    status, _, text = await post(browser, path, title="家电纠纷", summary=f"住址{SECRETS['address']}")
    assert status == 422 and "住址" in text
    assert "typical_case_saved" not in await events(office.pool, case_id)
    assert await office.pool.fetchval("SELECT count(*) FROM typical_cases") == 0

    summary = "消费者购买的家用电器出现质量问题，经调解商家同意退货。"
    status, location, _ = await post(browser, path, title="家电纠纷调解成功", summary=summary)
    assert status == 303 and location.startswith(f"/staff/reports/{year}?done=typical_case_saved")
    assert (await events(office.pool, case_id))[-1] == "typical_case_saved"
    report = (await office.browsers["leading_group"].get(f"/staff/reports/{year}")).text
    assert "案例1：家电纠纷调解成功" in report and summary in report

    status, _, text = await post(
        browser, f"/staff/reports/{year}/typical-cases/{office.private}", title="t", summary="s"
    )
    assert status == 422 and "消费者同意公开" in text  # no consent: not a typical case
    status, location, _ = await post(browser, f"{path}/remove")
    assert status == 303 and (await events(office.pool, case_id))[-1] == "typical_case_removed"
    assert (await post(browser, f"{path}/remove"))[0] == 404
    for role in ("leading_group", "mediator"):
        assert (await post(office.browsers[role], path, title="x", summary="y"))[0] == 403


async def test_the_missing_months_are_frozen_from_the_page_by_who_may_produce_returns(office: Office) -> None:
    year = office.year
    page = (await office.browsers["supervisor"].get(f"/staff/reports/{year}")).text
    assert "缺少月报" in page and f'action="/staff/reports/{year}/returns"' in page
    assert (await post(office.browsers["leading_group"], f"/staff/reports/{year}/returns"))[0] == 403
    status, location, _ = await post(office.browsers["supervisor"], f"/staff/reports/{year}/returns")
    frozen = await office.pool.fetchval(
        "SELECT count(*) FROM monthly_returns WHERE month >= $1", date(year, 6, 1)
    )
    assert status == 303 and location == f"/staff/reports/{year}?produced={frozen}"
    assert frozen == 7  # June to December: nothing before the first complaint, nothing of this year
    page = (await office.browsers["leading_group"].get(location)).text
    assert (
        f"{year}-06：已报送" in page and "缺少月报" not in page.split("所用月报", 1)[1].split("</ul>", 1)[0]
    )
