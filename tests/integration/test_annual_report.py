"""The annual report (issue 18 §3) on a fresh database: its figures are the frozen monthly returns' (latest
version, restatements included), recomputed here straight from the stored returns; the Word document has
real headings, tables and images with those numbers, no personal data, the same bytes each time, and
converts to PDF with LibreOffice; `disputes report` produces the missing months and writes both files.

A test about fixed years (2024 and 2025), so it passes `now` explicitly (STYLE habit 11)."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import io
import os
import shutil
import subprocess
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import asyncpg
import msgspec
import pytest
from docx import Document
from docx.oxml.ns import qn

from domain import annual_report as rules
from domain.roles import Role
from service.cli.report import cmd_report, render_printable
from service.settings import Settings
from service.store.staff import StaffUser
from service.usecases import annual_report, returns
from service.usecases import annual_report_document as document
from service.usecases.annual_report_commands import SaveTypicalCase
from tests.support.databases import Databases
from tests.support.statistics import SECRETS, Data, loaded_pool, utc

NOW = datetime(2026, 1, 10, 2, 0, tzinfo=UTC)  # every month of 2025 has ended
SOFFICE_MISSING = "LibreOffice Writer (soffice) is not installed: apt-get install libreoffice-writer"
SUMMARY = "消费者购买的家用电器出现质量问题，经调解，商家同意退货退款。"


async def load(conn: asyncpg.Connection) -> Data:
    data = Data(conn, prefix="AR")
    await data.closed_case("p1", utc(2024, 6, 3), "2024-06-04", "2024-08-03", "settled", "2024-06-20")
    await data.case("p2", utc(2024, 6, 5))
    for name, month, outcome, score in (
        ("a", 1, "settled", "100"),
        ("b", 1, "terminated", "60"),
        ("c", 3, "settled", "80"),
        ("d", 7, "withdrawn", None),
    ):
        received = utc(2025, month, 6)
        closed = f"2025-{month:02d}-20"
        await data.closed_case(
            name,
            received,
            f"2025-{month:02d}-07",
            f"2025-{month + 1:02d}-28",
            outcome,
            closed,
            relief_fen=10000 * month,
            consent_publish=name == "c",
            category="food" if name == "b" else "household_appliances",
            subdistrict="wulin" if name == "d" else "hushu",
        )
        if score:
            await data.survey(name, utc(2025, month, 20), utc(2025, month, 21), score=Decimal(score))
    await data.case("e", utc(2025, 3, 9), status="rejected", decided_at=utc(2025, 3, 10), rejection_ground=4)
    return data


@contextlib.asynccontextmanager
async def fresh(databases: Databases) -> AsyncIterator[tuple[asyncpg.Pool, Data]]:
    loaded: dict[str, Data] = {}

    async def keep(conn: asyncpg.Connection) -> None:
        loaded["data"] = await load(conn)

    async with loaded_pool(databases, keep) as pool:
        yield pool, loaded["data"]


@pytest.fixture(scope="module")
async def db(databases: Databases) -> AsyncIterator[tuple[asyncpg.Pool, Data]]:
    """The dataset, its months frozen by the first report built on it (the tests below need no order)."""
    async with fresh(databases) as (pool, data):
        yield pool, data


async def latest_summaries(pool: asyncpg.Pool, year: int) -> dict[date, tuple[int, dict[str, Any]]]:
    """Independently of the report: the latest version of each month's stored return."""
    rows = await pool.fetch(
        "SELECT DISTINCT ON (month) month, version, figures FROM monthly_returns "
        "WHERE month >= $1 AND month < $2 ORDER BY month, version DESC",
        date(year, 1, 1),
        date(year + 1, 1, 1),
    )
    return {r["month"]: (r["version"], r["figures"]) for r in rows}


async def test_the_report_is_the_sum_of_the_frozen_returns_restatements_included(
    databases: Databases,
) -> None:
    async with fresh(databases) as (pool, data):
        await _sum_of_the_returns(pool, data)


async def _sum_of_the_returns(pool: asyncpg.Pool, data: Data) -> None:
    march = date(2025, 3, 1)
    first = await returns.produce(pool, march, actor="test", now=NOW)
    await returns.produce(pool, date(2025, 1, 1), actor="test", now=NOW)
    # a complaint of March recorded late: March is restated (version 2), the report must take it
    async with pool.acquire() as conn:
        data.conn = conn
        await data.case("late", utc(2025, 3, 28), category="food", subdistrict="wulin")
    restated = await returns.produce(pool, march, actor="test", now=NOW, reason="补录")
    assert (first.version, restated.version, restated.restatement_of) == (1, 2, 1)

    report = await annual_report.build(pool, 2025, now=NOW, produce_missing=True, actor="test")
    produced = sorted(r.month for r in report.produced)
    assert produced == [date(2024, m, 1) for m in range(6, 13)] + [
        date(2025, m, 1) for m in (2, *range(4, 13))
    ]
    assert report.states[date(2024, 5, 1)] == rules.BEFORE_START and not report.missing

    stored = await latest_summaries(pool, 2025)
    assert stored[march][0] == 2 and len(stored) == 12
    for code in rules.SUMMED:
        assert report.current.totals[code] == sum(f["summary"][code] for _, f in stored.values()), code
    assert report.current.totals["received"] == 6  # a b c d e in their months, and the late one
    closed = sum(f["summary"]["closed"] for _, f in stored.values())
    on_time = sum(f["summary"]["closed_on_time"] for _, f in stored.values())
    assert report.current.totals["on_time_closure_rate"] == round(on_time / closed, 4)
    food = sum(
        r["count"] for _, f in stored.values() for r in f["breakdowns"]["category"] if r["code"] == "food"
    )
    assert {r["code"]: r["count"] for r in report.current.breakdowns["category"]}["food"] == food == 2
    assert report.current.satisfaction.n == 3 and report.current.satisfaction.mean == 80.0
    # the year before over the same months: only June to December 2024 have data
    assert report.previous.totals["received"] == 2 and len(report.previous.returns) == 7

    again = await annual_report.build(pool, 2025, now=NOW, produce_missing=True, actor="test")
    assert again.produced == [] and again.current.totals == report.current.totals


def docx_of(report: annual_report.AnnualReport) -> Any:
    return Document(io.BytesIO(document.render(report).docx()))


async def test_the_word_document_has_headings_tables_figures_and_no_personal_data(
    db: tuple[asyncpg.Pool, Data],
) -> None:
    pool, data = db
    supervisor = StaffUser(id=1, username="t", display_name="科长", roles=frozenset({Role.SUPERVISOR}))
    cmd = SaveTypicalCase(title="家电质量纠纷调解成功", summary=SUMMARY)
    await annual_report.save_typical_case(pool, 2025, data.ids["c"], supervisor, cmd, now=NOW)
    report = await annual_report.build(pool, 2025, now=NOW, produce_missing=True, actor="test")
    doc = docx_of(report)

    headings = [p.text for p in doc.paragraphs if p.style.name == "Heading 1"]
    assert headings[0] == "一、总体情况" and "七、典型案例" in headings and len(headings) == 8
    assert "案例1：家电质量纠纷调解成功" in [p.text for p in doc.paragraphs if p.style.name == "Heading 2"]
    assert SUMMARY in [p.text for p in doc.paragraphs]
    assert len(doc.tables) == 8
    main = {row.cells[0].text: [c.text for c in row.cells] for row in doc.tables[0].rows}
    stored = await latest_summaries(pool, 2025)
    received = sum(f["summary"]["received"] for _, f in stored.values())
    assert main["投诉登记量"][2] == str(received) and main["投诉登记量"][3] == "2"
    assert main["服务质量满意度"][2] == "80.0"
    assert len(doc.inline_shapes) == 4  # three monthly trends and the sub-districts
    section = doc.sections[0]
    assert section.page_width and section.page_height  # A4, to the twip
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    fonts = doc.styles["Normal"].element.rPr.find(qn("w:rFonts"))
    assert fonts.get(qn("w:eastAsia")) == "宋体"
    assert doc.styles["Heading 1"].element.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia")) == "黑体"

    rendered = document.render(report)
    text = "\n".join(p.text for p in doc.paragraphs) + "".join(
        c.text for t in doc.tables for r in t.rows for c in r.cells
    )
    html = render_printable(rendered, Settings().templates_dir)
    for value in (SECRETS["name"], SECRETS["phone"], SECRETS["address"], SECRETS["description"]):
        assert value not in text and value not in html
    assert "AR0000" not in text  # no tracking numbers either
    assert rendered.docx() == document.render(report).docx()  # the same returns, the same bytes


@pytest.fixture(scope="module")
def soffice() -> str:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if not found:
        if os.environ.get("CI"):
            pytest.fail(SOFFICE_MISSING)
        pytest.skip(SOFFICE_MISSING)
    return found


async def test_libreoffice_converts_the_document_to_pdf(
    db: tuple[asyncpg.Pool, Data], soffice: str, tmp_path: Path
) -> None:
    pool, _ = db
    report = await annual_report.build(pool, 2025, now=NOW, produce_missing=True, actor="test")
    source = tmp_path / "report.docx"
    source.write_bytes(document.render(report).docx())
    profile = tmp_path / "lo-profile"  # a private profile: parallel runs must not share one
    command = [soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf"]
    command += ["--outdir", str(tmp_path), str(source)]
    done = await asyncio.to_thread(
        subprocess.run, command, capture_output=True, text=True, timeout=120, check=False
    )
    pdf = tmp_path / "report.pdf"
    assert done.returncode == 0, done.stderr
    assert pdf.exists() and pdf.read_bytes().startswith(b"%PDF") and pdf.stat().st_size > 20_000


async def test_the_cli_writes_the_docx_and_the_printable_page(
    db: tuple[asyncpg.Pool, Data], settings: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pool, _ = db
    url = await pool.fetchval("SELECT current_database()")
    assert settings.database_url
    # the test's own database on the same server (the URL may carry ?host= for the embedded socket)
    own_url = urlsplit(settings.database_url)._replace(path=f"/{url}").geturl()
    mine = msgspec.structs.replace(settings, database_url=own_url)
    # in a thread: the command runs its own event loop, as from the shell
    await asyncio.to_thread(cmd_report, mine, argparse.Namespace(year="2025", out=str(tmp_path / "out")))
    printed = capsys.readouterr().out
    docx_file = tmp_path / "out" / "annual-report-2025-disputes.docx"
    html_file = tmp_path / "out" / "annual-report-2025-disputes.html"
    assert f"wrote {docx_file}" in printed and f"wrote {html_file}" in printed
    assert "12 of 12 months" in printed
    assert Document(str(docx_file)).paragraphs[0].text == "拱墅区质量发展状况年度报告（2025年）"
    html = html_file.read_text()
    assert "data:image/png;base64," in html and "@page{size:A4" in html
    with pytest.raises(SystemExit):
        await asyncio.to_thread(cmd_report, mine, argparse.Namespace(year="1999", out=str(tmp_path)))
