"""The figures are honest (issue 12 §5, DESIGN §3): on-time acceptance counts every complaint whose
deadline fell in the period, satisfaction's n, replies and response rate are one population, and the
return's definitions sheet reads and prints as a Chinese page.

Rows are inserted with SQL (tests/integration/test_returns.py's Data) on a database of their own; the
dates are literal because the tests are about those months, and `today`/`now` are passed explicitly.
"""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime
from decimal import Decimal

import asyncpg
import pytest
from litestar.testing import AsyncTestClient

from domain import indicators as ind
from service import exports
from service.app import create_app
from service.settings import Settings
from service.usecases import auth, returns
from tests.support.databases import Databases
from tests.support.staff import sign_in_form
from tests.support.statistics import Data, d, loaded_pool, utc

MAY, JUNE, JULY = date(2026, 5, 1), date(2026, 6, 1), date(2026, 7, 1)
TODAY = date(2026, 7, 10)  # July runs; May and June have ended
NOW = datetime(2026, 7, 10, 2, 0, tzinfo=UTC)
NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}


async def load(conn: asyncpg.Connection) -> Data:
    data = Data(conn, prefix="H")
    # --- acceptance deadlines falling in May: two on time, one decided late, two never decided ---------
    await data.case("a", utc(2026, 5, 4), acceptance_due=d("2026-05-13"), decided_at=utc(2026, 5, 6))
    await data.case("b", utc(2026, 5, 6), acceptance_due=d("2026-05-15"), decided_at=utc(2026, 5, 15))
    await data.case("c", utc(2026, 5, 7), acceptance_due=d("2026-05-18"), decided_at=utc(2026, 5, 25))
    await data.case("d", utc(2026, 5, 12), acceptance_due=d("2026-05-21"))  # sits undecided
    await data.case("e", utc(2026, 4, 28), acceptance_due=d("2026-05-08"))  # April's complaint, May's limit
    # --- July, still running: one past its deadline, one not yet due -----------------------------------
    await data.case("f", utc(2026, 7, 1), acceptance_due=d("2026-07-09"))  # due yesterday: late already
    await data.case("g", utc(2026, 7, 6), acceptance_due=d("2026-07-15"))  # may still be decided in time

    # --- surveys sent in May: four; one reopened case -------------------------------------------------
    closed = {"status": "closed", "route": "mediation", "outcome": "settled", "decided_at": utc(2026, 4, 2)}
    early = {"acceptance_due": d("2026-04-10")}  # outside every month counted above
    for name, at in (("s1", utc(2026, 5, 10)), ("s2", utc(2026, 5, 11)), ("s3", utc(2026, 5, 12))):
        await data.case(name, utc(2026, 4, 1), **closed, **early, closed_at=at)
    # r: closed in May, its survey answered 40 (below 60: a reopen request, accepted), reopened and
    #    closed again in June. It has one survey and one answer: May's reply; June counts no second one.
    await data.case("r", utc(2026, 4, 1), **closed, **early, closed_at=utc(2026, 6, 20))
    await data.survey("s1", utc(2026, 5, 10), utc(2026, 5, 12), overall=100, score=Decimal(100))
    await data.survey("s2", utc(2026, 5, 11), utc(2026, 6, 2), overall=80, score=Decimal(80))  # late answer
    await data.survey("s3", utc(2026, 5, 12), utc(2026, 5, 13))  # every question "don't know": no score
    await data.survey("r", utc(2026, 5, 20), utc(2026, 5, 21), overall=30, fairness=60, score=Decimal(45))
    await conn.execute(
        "INSERT INTO appeals (case_id, kind, reason, requested_at, decided_at, decision) "
        "VALUES ($1, 'reopen', '不满意', '2026-05-22T02:00Z', '2026-05-25T02:00Z', 'accepted')",
        data.ids["r"],
    )
    return data


@pytest.fixture(scope="module")
async def db(databases: Databases) -> AsyncIterator[asyncpg.Pool]:
    async with loaded_pool(databases, load) as pool:
        yield pool


async def months(db: asyncpg.Pool) -> dict[date, dict[str, ind.Value]]:
    series = await returns.indicators(db, MAY, JULY, today=TODAY)
    return {m.month: m.values for m in series.months}


async def test_an_undecided_complaint_past_its_deadline_is_late_not_left_out(db: asyncpg.Pool) -> None:
    may = (await months(db))[MAY]
    assert may["acceptance_due"] == 5  # a b c d e: every deadline that fell in May
    assert may["acceptance_on_time"] == 2  # a, and b on its last day
    assert may["acceptance_overdue_undecided"] == 2  # d and e
    assert may["on_time_acceptance_rate"] == 0.4  # 2 / 5, where deciding-month counting said 2 / 3
    assert (may["decided"], may["decided_on_time"]) == (3, 2)  # decisions made in May, as before


async def test_the_running_month_counts_what_is_due_by_today(db: asyncpg.Pool) -> None:
    july = (await months(db))[JULY]
    # f's deadline passed yesterday without a decision: late; g's has not come: not counted yet
    assert (july["acceptance_due"], july["acceptance_overdue_undecided"], july["acceptance_on_time"]) == (
        1,
        1,
        0,
    )
    assert july["on_time_acceptance_rate"] == 0.0


async def test_the_frozen_return_says_the_same(db: asyncpg.Pool) -> None:
    ret = await returns.produce(db, MAY, actor="cli", now=NOW)
    s = ret.figures["summary"]
    assert ret.figures["definitions"] == ind.VERSION == "v2"
    assert (s["acceptance_due"], s["acceptance_on_time"], s["on_time_acceptance_rate"]) == (5, 2, 0.4)


async def test_satisfaction_n_replies_and_response_rate_agree(db: asyncpg.Pool) -> None:
    by_month = await months(db)
    may, june = by_month[MAY], by_month[JUNE]
    assert may["satisfaction_sent"] == 4  # s1 s2 s3 r
    assert may["satisfaction_responded"] == 4  # s2's answer came in June: still May's survey
    assert may["satisfaction_unscored"] == 1  # s3
    assert may["satisfaction_n"] == 3  # 100, 80, 45
    assert may["satisfaction_n"] + may["satisfaction_unscored"] == may["satisfaction_responded"]
    assert may["satisfaction_response_rate"] == ind.rate(
        may["satisfaction_responded"], may["satisfaction_sent"]
    )  # type: ignore[arg-type]
    assert may["satisfaction_mean"] == 75.0  # (100 + 80 + 45) / 3
    # the reopened case closed again in June: no second survey, no second reply, not counted again
    assert (
        june["closed"],
        june["satisfaction_sent"],
        june["satisfaction_responded"],
        june["satisfaction_n"],
    ) == (
        1,
        0,
        0,
        0,
    )


async def test_the_definitions_say_how_replies_are_counted(db: asyncpg.Pool) -> None:
    defs = {x.code: x for x in await returns.definitions(db)}
    assert "重新办理的案件没有第二份答卷，不计为新的回复" in defs["satisfaction_responded"].formula
    assert "不再发出第二份" in defs["satisfaction_sent"].formula
    assert "期限已过仍未决定的都计为未按时" in defs["on_time_acceptance_rate"].formula
    assert defs["on_time_acceptance_rate"].numerator == "acceptance_on_time"
    assert defs["on_time_acceptance_rate"].denominator == "acceptance_due"
    # the v1 definitions stay, for the returns made under them
    assert {x.code for x in await returns.definitions(db, "v1")} >= {"satisfaction_answered"}


def sheet_xml(data: bytes, name: str) -> tuple[ET.Element, ET.Element, list[str]]:
    """A sheet's XML, the styles and the shared strings of an .xlsx."""
    zf = zipfile.ZipFile(io.BytesIO(data))
    workbook = ET.fromstring(zf.read("xl/workbook.xml"))
    names = [s.get("name") for s in workbook.iter(f"{{{NS['m']}}}sheet")]
    root = ET.fromstring(zf.read(f"xl/worksheets/sheet{names.index(name) + 1}.xml"))
    styles = ET.fromstring(zf.read("xl/styles.xml"))
    shared: list[str] = []
    if "xl/sharedStrings.xml" in zf.namelist():
        sst = ET.fromstring(zf.read("xl/sharedStrings.xml"))
        shared = ["".join(t.text or "" for t in si.iter(f"{{{NS['m']}}}t")) for si in sst]
    return root, styles, shared


async def test_the_definitions_sheet_is_chinese_first_and_fits_an_a4_page(db: asyncpg.Pool) -> None:
    ret = await returns.produce(db, MAY, actor="cli", now=NOW)
    report = await returns.report(db, MAY)
    tables = exports.tables(report.ret, report.definitions)
    notes = tables[-1]
    assert notes.sheet == "数据说明"
    headers = [c.header for c in notes.columns]
    assert headers[:2] == ["指标", "口径"] and headers[-2:] == ["代码", "英文名称"]  # Chinese first
    assert all(re.search(r"[\u4e00-\u9fff]", h) for h in headers)
    assert ("生成时间", "2026年7月10日 10:00（北京时间）") in notes.preamble

    root, styles, shared = sheet_xml(exports.xlsx_bytes(tables), "数据说明")
    setup = root.find("m:pageSetup", NS)
    assert setup is not None and setup.get("paperSize") == "9" and setup.get("orientation") == "landscape"
    assert setup.get("fitToHeight") == "0"  # one page wide, as many pages tall as needed
    fit = root.find("m:sheetPr/m:pageSetUpPr", NS)
    assert fit is not None and fit.get("fitToPage") == "1"
    widths = [  # one <col> may stand for several columns of one width
        float(c.get("width") or 0)
        for c in root.iter(f"{{{NS['m']}}}col")
        for _ in range(int(c.get("min") or 0), int(c.get("max") or 0) + 1)
    ]
    assert len(widths) == len(headers)
    # less each column's padding, the widths fit the printable width of A4 landscape at 100%
    assert sum(w - 0.72 for w in widths) <= exports.A4_LANDSCAPE_WIDTH
    # the long texts wrap in their cells (a cell's own style decides, not the column's)
    wrapping = {
        i
        for i, xf in enumerate(styles.find("m:cellXfs", NS) or [])
        if (a := xf.find("m:alignment", NS)) is not None and a.get("wrapText") == "1"
    }

    def text(c: ET.Element) -> str:  # constant-memory writing stores strings inline
        if c.get("t") == "s":
            return shared[int(c.findtext("m:v", "", NS))]
        return "".join(t.text or "" for t in c.iter(f"{{{NS['m']}}}t"))

    cells = {text(c): c for c in root.iter(f"{{{NS['m']}}}c")}
    formula = cells[ind.BY_CODE["on_time_acceptance_rate"].formula]
    assert formula.get("r", "").startswith("B") and int(formula.get("s") or 0) in wrapping
    digest = cells[ret.content_hash]  # the hash sits in the preamble, in a wrapping cell too
    assert digest.get("r", "").startswith("B") and int(digest.get("s") or 0) in wrapping


def test_times_are_written_the_chinese_way() -> None:
    assert exports.datetime_zh(datetime(2026, 12, 1, 19, 18, tzinfo=UTC)) == "2026年12月2日 03:18"


async def test_the_returns_list_writes_times_the_chinese_way(settings: Settings, pool: asyncpg.Pool) -> None:
    await returns.produce(pool, date(2020, 5, 1), actor="cli", now=datetime(2020, 6, 1, 19, 18, tzinfo=UTC))
    await auth.add_user(
        pool, "hf_supervisor", ["supervisor"], "correct horse battery staple", display_name="科长"
    )
    async with AsyncTestClient(app=create_app(settings)) as browser:
        r = await sign_in_form(
            browser,
            "hf_supervisor",
            password="correct horse battery staple",
            next_page="/staff/returns",
            follow=True,
        )
        assert r.status_code == 200, r.text
        assert "2020年6月2日 03:18" in r.text and "2020-06-02 03:18" not in r.text
