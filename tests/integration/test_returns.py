"""Indicators and monthly returns on a fresh database holding a small hand-made dataset: every figure of
January 2026 is worked out by hand below; February and December give month-over-month, March is empty.

Rows are inserted with SQL directly (dates, statuses and outcomes chosen), times in UTC as stored.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import zipfile
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import asyncpg
import pytest

from domain import indicators as ind
from domain.identifiers import uscc_check_char
from service import exports
from service.cli.export import cmd_export
from service.settings import Settings
from service.store import statistics
from service.store.sql import SQL
from service.usecases import intake, returns
from tests.support.databases import Databases
from tests.support.factories import complaint_body
from tests.support.statistics import SECRETS, SHEETS, Data, d, decided, loaded_pool, read_xlsx, utc
from workers.returns import monthly_return_job

USCC_X = "91330105MA2H0000X"[:17]
USCC_X += uscc_check_char(USCC_X)
USCC_Y = "91330105MA2H0001Y"[:17]
USCC_Y += uscc_check_char(USCC_Y)


async def load(conn: asyncpg.Connection) -> Data:
    data = Data(conn)
    x = await conn.fetchval(
        "INSERT INTO merchants (name, uscc, address) VALUES ($1, $2, '湖墅南路1号') RETURNING id",
        "杭州甲电器有限公司",
        USCC_X,
    )
    to_x = {"merchant_id": x, "merchant_name": "甲电器（湖墅店）", "merchant_uscc": USCC_X}
    to_y = {"merchant_name": "杭州乙餐饮有限公司", "merchant_uscc": USCC_Y}  # not in the registry

    async def noted(sql: str, name: str) -> Any:
        """Runs an INSERT of a row about the named case ($1) that carries the secret note ($2)."""
        return await conn.fetchval(sql, data.ids[name], SECRETS["note"])

    # --- received in January 2026 (local): A B C D H K N O P = 9 -------------------------------------
    # A: decided on time, mediation, settled 20 Jan (15 days), relief 399.00; survey all 100.
    await data.closed_case(
        "A", utc(2026, 1, 5), "2026-01-07", "2026-03-08", "settled", "2026-01-20", **to_x, relief_fen=39900
    )
    # B: decided late (due 15 Jan), closed in February (a later month than received): terminated on time.
    await data.closed_case(
        "B",
        utc(2026, 1, 6),
        "2026-01-20",
        "2026-03-01",
        "terminated",
        "2026-02-10",
        channel="phone",
        quality_domain="service",
        category="catering_lodging",
        problem_type="contract",
        subdistrict="wulin",
        **to_y,
        acceptance_due=d("2026-01-15"),
    )
    # C: rejected on ground 4 (time-barred), on time; no sub-district given.
    await data.case(
        "C",
        utc(2026, 1, 8),
        status="rejected",
        category="food",
        problem_type="food_safety",
        subdistrict=None,
        merchant_name="丙食品店",
        decided_at=utc(2026, 1, 9),
        rejection_ground=4,
    )
    # D: first payment paid by the merchant (200.00 on 14 Jan, reply due 17 Jan), closed 15 Jan with relief
    #    250.00 (50.00 beyond the first payment); no mediation deadline: on time. Survey with a "don't know".
    first_payment = {**to_x, "route": "first_payment", "channel": "counter", "problem_type": "after_sales"}
    paid = {**first_payment, "relief_fen": 25000}
    await data.closed_case(
        "D", utc(2026, 1, 10), "2026-01-12", None, "paid_by_merchant", "2026-01-15", **paid
    )
    # H: a report split off (12 Jan); closed as referred to enforcement on 28 Jan (16 days).
    cosmetics = {**to_x, "category": "cosmetics", "problem_type": "safety"}
    await data.closed_case(
        "H", utc(2026, 1, 12), "2026-01-13", None, "referred_to_enforcement", "2026-01-28", **cosmetics
    )
    # K: received 00:30 on 1 January in Beijing (16:30 UTC on 31 December): January's. Undecided.
    await data.case(
        "K",
        utc(2025, 12, 31, 16, 30),
        channel="letter",
        quality_domain="engineering",
        category="building_materials",
        subdistrict="banshan",
    )
    # N, O, P: against X, accepted on time; first-payment notices refused in time, missed, pending.
    for name, day in (("N", 20), ("O", 21), ("P", 22)):
        fp = {"status": "first_payment", "route": "first_payment"}
        await data.case(name, utc(2026, 1, day), **to_x, **fp, **decided(f"2026-01-{day + 1}"))

    # --- received earlier ------------------------------------------------------------------------------
    # E: the paused case — mediation due 24 Dec without the pause, 15 Jan with it; closed 12 Jan (84 days).
    await data.closed_case(
        "E", utc(2025, 10, 20), "2025-10-22", "2026-01-15", "settled", "2026-01-12", relief_fen=10000
    )
    await noted(
        "INSERT INTO case_pauses (case_id, reason, note, started_on, ended_on) "
        "VALUES ($1, 'testing', $2, '2025-11-10', '2025-11-30')",
        "E",
    )
    # F: closed late (due 9 Jan, closed 16 Jan, 74 days), terminated.
    await data.closed_case("F", utc(2025, 11, 3), "2025-11-04", "2026-01-09", "terminated", "2026-01-16")
    await noted(
        "INSERT INTO terminations (case_id, reason, note, terminated_on, notice_due) "
        "VALUES ($1, 3, $2, '2026-01-16', '2026-01-25')",
        "F",
    )
    # G: the reopened case — first closed 20 Dec, reopened (outcome and closing cleared), closed again
    #    25 Jan as withdrawn (55 days): counted in January only.
    await data.closed_case("G", utc(2025, 12, 1), "2025-12-02", "2026-01-30", "withdrawn", "2026-01-25")
    await noted(
        "INSERT INTO appeals (case_id, kind, reason, requested_at, decided_at, decision) "
        "VALUES ($1, 'reopen', $2, '2025-12-28T02:00Z', '2026-01-05T02:00Z', 'accepted')",
        "G",
    )
    # I: arbitration — referred 8 Jan, award for the consumer 26 Jan, closed 27 Jan (48 days) with 500.00.
    award = {"route": "arbitration", "relief_fen": 50000}
    await data.closed_case(
        "I", utc(2025, 12, 10), "2025-12-11", None, "award_for_consumer", "2026-01-27", **award
    )
    agreement = await noted(
        "INSERT INTO arbitration_agreements (case_id, kind, institution, note) "
        "VALUES ($1, 'written', '杭州仲裁委员会', $2) RETURNING id",
        "I",
    )
    await conn.execute(
        "INSERT INTO arbitration_referrals (case_id, agreement_id, institution, referred_on, award_on, "
        "award_for, award_amount_fen) "
        "VALUES ($1, $2, '杭州仲裁委员会', '2026-01-08', '2026-01-26', 'consumer', 50000)",
        data.ids["I"],
        agreement,
    )
    # J: paid 300.00 from the deposit on 10 Jan after the merchant missed its deadline; still open.
    fp = {"status": "first_payment", "route": "first_payment"}
    await data.case("J", utc(2025, 12, 15), **fp, **decided("2025-12-16"))
    # M: closed in December (settled); its survey is answered in January (score 90).
    await data.closed_case("M", utc(2025, 11, 20), "2025-11-21", "2026-01-20", "settled", "2025-12-18")

    # --- February ----------------------------------------------------------------------------------------
    # L: 16:30 UTC on 31 January is 00:30 on 1 February in Beijing: February's.
    await data.case("L", utc(2026, 1, 31, 16, 30), channel="transfer")

    # --- first payments --------------------------------------------------------------------------------
    await data.first_payment(
        "D", x, "paid_by_merchant", d("2026-01-17"), paid_fen=20000, paid_on=d("2026-01-14")
    )
    await data.first_payment("N", x, "refused", d("2026-01-26"))
    await data.first_payment("O", x, "deadline_missed", d("2026-01-26"), reply_overdue_at=utc(2026, 1, 27))
    await data.first_payment("P", x, "notified", d("2099-01-01"))
    await data.first_payment(
        "J",
        x,
        "paid_from_deposit",
        d("2025-12-21"),
        reply_overdue_at=utc(2025, 12, 22),
        paid_fen=30000,
        paid_on=d("2026-01-10"),
    )

    # --- reports split off: H's on 12 Jan; A's at 01:00 on 1 Feb in Beijing (February's) ----------------
    for name, at in (("H", utc(2026, 1, 12, 4)), ("A", utc(2026, 1, 31, 17))):
        await conn.execute(
            "INSERT INTO enforcement_referrals (case_id, description, created_at) VALUES ($1, $2, $3)",
            data.ids[name],
            SECRETS["report"],
            at,
        )
    await noted(
        "INSERT INTO offers (case_id, from_party, remedy, amount_fen, answer_by, note, status, created_by) "
        "VALUES ($1, 'merchant', 'refund', 39900, '2026-01-19', $2, 'accepted', 'staff:1') RETURNING id",
        "A",
    )
    offer = await conn.fetchval("SELECT id FROM offers WHERE case_id = $1", data.ids["A"])
    await conn.execute(
        "INSERT INTO settlements (case_id, offer_id, terms, remedy, amount_fen, perform_by) "
        "VALUES ($1, $2, $3, 'refund', 39900, '2026-01-25')",
        data.ids["A"],
        offer,
        SECRETS["terms"],
    )

    # --- surveys ---------------------------------------------------------------------------------------
    full = {k: 100 for k in ("timeliness", "fairness", "attitude", "outcome", "overall")}
    await data.survey("A", utc(2026, 1, 20), utc(2026, 1, 22), **full, score=Decimal(100))
    # D: fairness "don't know" (NULL): score = (80 + 100 + 60 + 80) / 4 = 80
    await data.survey(
        "D",
        utc(2026, 1, 15),
        utc(2026, 1, 16),
        timeliness=80,
        fairness=None,
        attitude=100,
        outcome=60,
        overall=80,
        score=Decimal(80),
    )
    await data.survey("E", utc(2026, 1, 12), utc(2026, 1, 13))  # every answer "don't know": no score
    await data.survey("F", utc(2026, 1, 16))  # not answered
    await data.survey(
        "G", utc(2026, 1, 25), utc(2026, 2, 2), overall=60, score=Decimal(60)
    )  # February's answer
    await data.survey("H", utc(2026, 1, 28))  # not answered
    await data.survey("M", utc(2025, 12, 18), utc(2026, 1, 3), overall=80, fairness=100, score=Decimal(90))
    return data


@pytest.fixture(scope="module")
async def db(databases: Databases) -> AsyncIterator[asyncpg.Pool]:
    async with loaded_pool(databases, load) as pool:
        yield pool


JANUARY = date(2026, 1, 1)
NOW = datetime(2026, 4, 2, 1, 0, tzinfo=UTC)
JANUARY_SUMMARY: dict[str, Any] = {
    "received": 9,  # A B C D H K N O P (K by Beijing time; L is February's)
    "decided": 8,  # A B C D H N O P
    "accepted": 7,
    "rejected": 1,
    "decided_on_time": 7,  # B decided 20 Jan, due 15 Jan
    # definitions v2 (issue 12): every complaint whose deadline fell in January, K's undecided one too
    "acceptance_due": 9,  # A 14 B 15 C 17 D 19 H 21 K 10 N 29 O 30 P 31 Jan (L's is February's)
    "acceptance_on_time": 7,  # all but B (decided late) and K
    "acceptance_overdue_undecided": 1,  # K: still undecided, past its deadline: late, not left out
    "on_time_acceptance_rate": 0.7778,  # 7 / 9 (v1 left K out: 7 / 8)
    "reports_split": 1,  # H (A's is February's by Beijing time)
    "enforcement_conversions": 1,  # H
    "closed": 7,  # A D E F G H I (B closes in February; M in December)
    "closed_on_time": 6,  # F is late; E on time thanks to its pause; D H I have no mediation deadline
    "on_time_closure_rate": 0.8571,
    "median_handling_days": 48.0,  # 5 15 16 [48] 55 74 84
    "mediation_settled": 2,  # A E
    "mediation_terminated": 1,  # F
    "mediation_success_rate": 0.6667,
    "first_payments": 2,  # D (merchant), J (deposit)
    "first_payments_fen": 50000,
    "first_payments_by_merchant": 1,
    "first_payments_by_merchant_fen": 20000,
    "first_payments_from_deposit": 1,
    "first_payments_from_deposit_fen": 30000,
    "arbitration_referrals": 1,
    "arbitration_awards": 1,
    "arbitration_awards_for_consumer": 1,
    "relief_beyond_first_payment_fen": 104900,  # A 39900 + D (25000 − 20000) + E 10000 + I 50000
    "recovered_fen": 154900,  # 50000 first payments + 104900
    # definitions v2 (issue 12): one population, the surveys sent in January, for every figure below
    "satisfaction_sent": 6,  # A D E F G H (I has none; M's was sent in December)
    "satisfaction_responded": 4,  # A D E (all "don't know") G (answered in February)
    "satisfaction_response_rate": 0.6667,
    "satisfaction_unscored": 1,  # E
    "satisfaction_n": 3,  # A 100, D 80, G 60: responded − unscored
    "satisfaction_mean": 80.0,
    "satisfaction_ci_low": 30.31,  # 80 − 4.303 × 20 / √3
    "satisfaction_ci_high": 100.0,  # 129.69, clipped
}


async def test_every_indicator_of_january_by_hand(db: asyncpg.Pool) -> None:
    series = await returns.indicators(db, date(2025, 12, 1), date(2026, 3, 1), today=date(2026, 4, 2))
    by_month = {m.month: m for m in series.months}
    assert list(by_month) == [date(2025, 12, 1), JANUARY, date(2026, 2, 1), date(2026, 3, 1)]
    assert by_month[JANUARY].values == JANUARY_SUMMARY
    february = by_month[date(2026, 2, 1)].values
    assert (february["received"], february["closed"], february["closed_on_time"]) == (1, 1, 1)
    assert february["median_handling_days"] == 35.0  # B: 6 Jan → 10 Feb
    # G's answer came in February, but its survey was sent in January: January's (definitions v2)
    assert (february["reports_split"], february["satisfaction_n"], february["satisfaction_mean"]) == (
        1,
        0,
        None,
    )
    assert february["satisfaction_ci_low"] is None
    december = by_month[date(2025, 12, 1)].values
    assert december["received"] == 3  # G I J (K is January's)
    assert december["closed"] == 1  # M; G's first closing was undone by the reopening
    # month over month, live: January against December
    mom = by_month[JANUARY].mom
    assert mom is not None
    assert mom["received"] == {"base": 3, "change": 6, "relative": 2.0}
    assert mom["on_time_closure_rate"]["change"] == round(0.8571 - 1.0, 4)
    assert by_month[JANUARY].yoy is None  # January 2025 is before the first complaint


async def test_a_month_with_no_cases(db: asyncpg.Pool) -> None:
    ret = await returns.produce(db, date(2026, 3, 1), actor="cli", now=NOW)
    s = ret.figures["summary"]
    assert (
        s["received"] == s["closed"] == s["first_payments"] == s["satisfaction_n"] == s["recovered_fen"] == 0
    )
    assert s["on_time_acceptance_rate"] is None and s["median_handling_days"] is None
    assert s["satisfaction_mean"] is None
    assert [r["count"] for r in ret.figures["breakdowns"]["subdistrict"]] == [0] * 19  # 18 + 未填写
    assert ret.figures["breakdowns"]["category"] == [] and ret.figures["merchants"] == []
    assert ret.figures["comparisons"] == {"mom": None, "yoy": None}  # no February return yet
    tables = exports.tables(ret, await returns.definitions(db))
    assert exports.xlsx_bytes(tables)[:2] == b"PK"


async def test_the_return_of_january(db: asyncpg.Pool) -> None:
    december = await returns.produce(db, date(2025, 12, 1), actor="staff:1", now=NOW)
    ret = await returns.produce(db, JANUARY, actor="staff:1", now=NOW)
    assert ret.created and ret.version == 1 and ret.restatement_of is None and ret.changes is None
    f = ret.figures
    assert f["summary"] == JANUARY_SUMMARY
    assert f["month"] == "2026-01" and f["definitions"] == "v2"
    assert f["period"] == {"from": "2026-01-01", "to": "2026-01-31", "timezone": "Asia/Shanghai"}
    assert ret.content_hash == ind.content_hash(f)

    def counts(rows: list[dict[str, Any]]) -> dict[str, int]:
        return {r["code"]: r["count"] for r in rows if r["count"]}

    b = f["breakdowns"]
    assert counts(b["quality_domain"]) == {"product": 7, "service": 1, "engineering": 1}
    assert counts(b["problem_type"]) == {
        "quality": 5,
        "contract": 1,
        "food_safety": 1,
        "after_sales": 1,
        "safety": 1,
    }
    assert counts(b["subdistrict"]) == {"hushu": 6, "wulin": 1, "banshan": 1, "_none": 1}
    assert counts(b["channel"]) == {"web": 6, "phone": 1, "counter": 1, "letter": 1}
    assert counts(b["route"]) == {"mediation": 3, "first_payment": 4, "_none": 2}
    assert [(r["rank"], r["code"], r["count"]) for r in b["category"]] == [
        (1, "household_appliances", 5),
        (2, "building_materials", 1),
        (3, "catering_lodging", 1),
        (4, "cosmetics", 1),
        (5, "food", 1),
    ]
    assert b["category"][0]["label"] == "家用电器" and b["category"][0]["kind"] == "商品"
    assert b["category"][0]["share"] == 0.5556
    assert counts(f["outcomes"]) == {
        "settled": 2,
        "paid_by_merchant": 1,
        "terminated": 1,
        "withdrawn": 1,
        "referred_to_enforcement": 1,
        "award_for_consumer": 1,
    }
    assert counts(f["rejections_by_ground"]) == {"4": 1}
    assert counts(f["arbitration_awards"]) == {"consumer": 1}
    top = f["merchants"][0]
    assert (top["name"], top["uscc"], top["complaints"]) == (
        "杭州甲电器有限公司",
        USCC_X,
        6,
    )  # the registry's
    assert (top["replies_due"], top["replies_on_time"], top["on_time_reply_rate"]) == (3, 2, 0.6667)
    assert {(m["name"], m["uscc"], m["complaints"]) for m in f["merchants"][1:]} == {
        ("杭州乙餐饮有限公司", USCC_Y, 1),
        ("丙食品店", None, 1),
        ("丁建材商行", None, 1),
    }
    # month over month against December's stored return; no return of January 2025
    assert (
        f["comparisons"]["mom"]["month"] == "2025-12"
        and f["comparisons"]["mom"]["version"] == december.version
    )
    assert f["comparisons"]["mom"]["deltas"]["received"] == {"base": 3, "change": 6, "relative": 2.0}
    assert f["comparisons"]["yoy"] is None

    # the files hold the same tables
    defs = await returns.definitions(db)
    tables = exports.tables(ret, defs)
    assert [t.sheet for t in tables] == SHEETS
    sheets = read_xlsx(exports.xlsx_bytes(tables))
    assert list(sheets) == [t.sheet for t in tables]
    overview = sheets["总览"]
    row = next(r for r in overview["rows"] if r and r[0] == ("s", "按期办结率"))
    assert row[2] == ("n", "0.8571")  # a number, formatted as a percentage
    received = next(r for r in overview["rows"] if r and r[0] == ("s", "投诉登记量"))
    assert received[2] == ("n", "9") and received[5] == ("n", "3") and received[6] == ("n", "6")
    recovered = next(r for r in overview["rows"] if r and r[0] == ("s", "挽回经济损失"))
    assert recovered[2] == ("n", "0.1549")  # 万元
    assert overview["frozen"] and all(s["frozen"] for s in sheets.values())
    notes = sheets["数据说明"]
    assert any(r[:2] == [("s", "内容哈希（SHA-256）"), ("s", ret.content_hash)] for r in notes["rows"])
    archive = zipfile.ZipFile(io.BytesIO(exports.csv_zip_bytes(tables)))
    assert [n.removesuffix(".csv") for n in archive.namelist()] == [t.key for t in tables]
    overview_csv = archive.read("01_总览.csv")
    assert overview_csv.startswith(b"\xef\xbb\xbf")
    text = overview_csv.decode("utf-8-sig")
    assert "按期办结率,%,85.71%" in text and "挽回经济损失,万元,0.1549" in text
    assert "服务质量满意度,分,80.00,90.00,样本不足以判断" in text

    # producing it again with nothing changed: the same version, nothing stored
    again = await returns.produce(db, JANUARY, actor="staff:2", now=NOW + timedelta(days=1))
    assert not again.created and again.version == 1 and again.content_hash == ret.content_hash
    assert await db.fetchval("SELECT count(*) FROM monthly_returns WHERE month = $1", JANUARY) == 1

    # a late answer to F's survey and a case moved to another sub-district: a restatement
    f_case, k_case = await case_id_of(db, "F"), await case_id_of(db, "K")
    await db.execute(
        "UPDATE surveys SET answered_at = $2, overall = 100, score = 100 WHERE case_id = $1",
        f_case,
        utc(2026, 2, 5),
    )
    await db.execute("UPDATE cases SET subdistrict = 'xiangfu' WHERE id = $1", k_case)
    try:
        await restated(db, ret)
    finally:  # the other tests read the data as loaded
        await db.execute(
            "UPDATE surveys SET answered_at = NULL, overall = NULL, score = NULL WHERE case_id = $1", f_case
        )
        await db.execute("UPDATE cases SET subdistrict = 'banshan' WHERE id = $1", k_case)


async def restated(db: asyncpg.Pool, ret: returns.Return) -> None:
    v2 = await returns.produce(db, JANUARY, actor="staff:2", now=NOW + timedelta(days=2), reason="迟到的回访")
    assert v2.created and v2.version == 2 and v2.restatement_of == 1 and v2.reason == "迟到的回访"
    changed = {c["path"]: (c["old"], c["new"]) for c in v2.changes or []}
    assert changed == {
        "summary/satisfaction_responded": (4, 5),
        "summary/satisfaction_response_rate": (0.6667, 0.8333),
        # F's 100 joins the sample (definitions v2: the replies and n are one population)
        "summary/satisfaction_n": (3, 4),
        "summary/satisfaction_mean": (80.0, 85.0),
        "summary/satisfaction_ci_low": (30.31, 54.53),  # 85 − 3.182 × √(1100/3) / 2
        "breakdowns/subdistrict/banshan/count": (1, 0),
        "breakdowns/subdistrict/banshan/share": (0.1111, 0.0),
        "breakdowns/subdistrict/xiangfu/count": (0, 1),
        "breakdowns/subdistrict/xiangfu/share": (0.0, 0.1111),
        # and so the month-over-month deltas (December: 1 of 1 answered)
        "comparisons/mom/deltas/satisfaction_responded/change": (3, 4),
        "comparisons/mom/deltas/satisfaction_responded/relative": (3.0, 4.0),
        "comparisons/mom/deltas/satisfaction_response_rate/change": (-0.3333, -0.1667),
        "comparisons/mom/deltas/satisfaction_n/change": (2, 3),  # December: n = 1 (M, 90)
        "comparisons/mom/deltas/satisfaction_n/relative": (2.0, 3.0),
        "comparisons/mom/deltas/satisfaction_mean/change": (-10.0, -5.0),
        "comparisons/mom/deltas/satisfaction_mean/relative": (-0.1111, -0.0556),
    }
    labels = {c["path"]: c["label"] for c in v2.changes or []}
    assert labels["summary/satisfaction_responded"] == "总览 · 回访问卷回复数"
    assert labels["breakdowns/subdistrict/banshan/count"] == "分布 · 街道 · 半山街道 · 件数"
    first = await returns.get(db, JANUARY, 1)
    assert first.content_hash == ret.content_hash and first.figures == ret.figures  # the first is kept
    assert (await returns.get(db, JANUARY)).version == 2
    unchanged = await returns.produce(db, JANUARY, actor="cli", now=NOW + timedelta(days=3))
    assert not unchanged.created and unchanged.version == 2
    assert await db.fetchval("SELECT count(*) FROM monthly_returns WHERE month = $1", JANUARY) == 2
    notes = exports.tables(await returns.get(db, JANUARY), await returns.definitions(db))[-1]
    assert ("版本", "第2版（更正第1版）") in notes.preamble
    assert ("更正内容", "总览 · 回访问卷回复数：4 → 5") in notes.preamble


async def case_id_of(db: asyncpg.Pool, name: str) -> int:
    """The case of a named row: tracking numbers follow the insertion order in load()."""
    order = ["A", "B", "C", "D", "H", "K", "N", "O", "P", "E", "F", "G", "I", "J", "M", "L"]
    case_id: int = await db.fetchval(
        "SELECT id FROM cases WHERE tracking_no = $1", f"T{order.index(name) + 1:06d}"
    )
    return case_id


async def test_no_personal_data_in_figures_or_files(db: asyncpg.Pool) -> None:
    ret = await returns.produce(db, date(2026, 2, 1), actor="cli", now=NOW)
    assert ret.figures["summary"]["received"] == 1
    tables = exports.tables(ret, await returns.definitions(db))
    blobs = [ind.canonical_json(ret.figures).decode()]
    for archive in (exports.xlsx_bytes(tables), exports.csv_zip_bytes(tables)):
        with zipfile.ZipFile(io.BytesIO(archive)) as zf:
            blobs += [zf.read(n).decode("utf-8", "replace") for n in zf.namelist()]
    for blob in blobs:
        for what, value in SECRETS.items():
            assert value not in blob, what


async def test_the_current_month_cannot_be_returned(db: asyncpg.Pool) -> None:
    from domain.errors import ValidationFailed

    with pytest.raises(ValidationFailed) as exc:
        await returns.produce(db, date(2026, 4, 1), actor="cli", now=NOW)
    assert exc.value.errors[0].code == "month_not_ended"


async def test_the_scheduled_return_is_made_once(databases: Databases) -> None:
    async with loaded_pool(databases, load, max_size=2) as pool:
        # 01:30 on 1 March in Beijing: not yet
        early = datetime(2026, 2, 28, 17, 30, tzinfo=UTC)
        assert await returns.produce_due(pool, now=early) is None
        # 02:05 on 1 March in Beijing (18:05 UTC on the last day of February): February's return
        due = datetime(2026, 2, 28, 18, 5, tzinfo=UTC)
        ctx: dict[str, Any] = {"pool": pool, "clock": lambda: due}
        first = await monthly_return_job(ctx)
        second = await monthly_return_job(ctx)
        assert first == "produced 2026-02 v1" and second == "nothing due"
        assert await pool.fetchval("SELECT count(*) FROM monthly_returns") == 1
        row = await pool.fetchrow("SELECT month, version, created_by, reason FROM monthly_returns")
        assert (row["month"], row["version"], row["created_by"]) == (date(2026, 2, 1), 1, "system")
        # later that month, still nothing new (the return exists; restating is for people)
        await pool.execute("UPDATE cases SET channel = 'phone' WHERE tracking_no = 'T000016'")  # L
        later = {"pool": pool, "clock": lambda: due + timedelta(days=3)}
        assert await monthly_return_job(later) == "nothing due"
        assert await pool.fetchval("SELECT count(*) FROM monthly_returns") == 1


async def test_definitions_in_the_database_are_the_domain_s(db: asyncpg.Pool) -> None:
    assert await returns.definitions(db, ind.VERSION) == sorted(
        ind.DEFINITIONS, key=lambda x: (x.sort, x.code)
    )


async def test_migrate_writes_the_current_definitions_from_the_domain(db: asyncpg.Pool) -> None:
    """The Python definitions are the source: `disputes migrate` puts back a row edited by hand (or one a
    new definition adds) and leaves the earlier versions as their migrations wrote them."""
    from service.store.migrate import seed_indicator_definitions

    v1 = await returns.definitions(db, "v1")
    async with db.acquire() as conn, conn.transaction():
        await conn.execute(
            "UPDATE indicator_definitions SET name_zh = 'x' WHERE version = $1 AND code = 'received'",
            ind.VERSION,
        )
        await conn.execute(
            "DELETE FROM indicator_definitions WHERE version = $1 AND code = 'closed'", ind.VERSION
        )
        assert await seed_indicator_definitions(conn) == len(ind.DEFINITIONS)
        current = await conn.fetch(
            "SELECT code, name_zh FROM indicator_definitions WHERE version = $1 ORDER BY sort", ind.VERSION
        )
        assert [(r["code"], r["name_zh"]) for r in current] == [(d.code, d.name_zh) for d in ind.DEFINITIONS]
    assert await returns.definitions(db, "v1") == v1


async def test_statistics_never_read_personal_columns() -> None:
    from service.store.sql import SQL

    personal = (
        "case_consumers",
        "description",
        "comment",
        "note",
        "terms",
        "merchant_phone",
        "merchant_address",
    )
    for name, text in SQL.items():
        if name.startswith(("stats_", "monthly_returns_")):
            body = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("--"))
            for column in personal:
                assert column not in body, f"{name} reads {column}"


# --- reading the spreadsheet with the standard library ------------------------------------------------


def test_the_export_command_writes_both_files(database_url: str, tmp_path: Path, capsys: Any) -> None:
    settings = Settings(database_url=database_url, data_dir=tmp_path / "data", secret_key="not-a-secret")
    out = tmp_path / "out"
    cmd_export(settings, argparse.Namespace(month="2020-03", out=str(out), reason=None))
    printed = capsys.readouterr().out
    assert printed.startswith("2020-03: version 1 (new); sha256 ")
    assert sorted(p.name for p in out.iterdir()) == [
        "质量争议处理月报_2020-03_第1版.csv.zip",
        "质量争议处理月报_2020-03_第1版.xlsx",
    ]
    assert next(iter(read_xlsx((out / "质量争议处理月报_2020-03_第1版.xlsx").read_bytes()))) == "总览"
    cmd_export(settings, argparse.Namespace(month="2020-03", out=str(out), reason=None))
    assert "version 1 (unchanged)" in capsys.readouterr().out
    for bad in ("2020-3", "2099-01"):
        with pytest.raises(SystemExit) as exc:
            cmd_export(settings, argparse.Namespace(month=bad, out=str(out), reason=None))
        assert exc.value.code == 2
    assert capsys.readouterr().err.count("disputes: --month: ") == 2


def test_a_cell_never_becomes_a_formula() -> None:
    """Merchant names come from complaints: in the CSV a leading = + - @ is quoted; in the spreadsheet
    text is always written as text."""
    table = exports.Table(
        "08_经营者",
        "经营者",
        "经营者",
        (exports.Column("经营者名称"), exports.Column("投诉件数", exports.COUNT)),
        [('=HYPERLINK("http://x")', 3), ("-2+3", 1), ("@SUM(A1)", 2), ("正常名称", 1)],
    )
    text = exports.csv_bytes(table).decode("utf-8-sig")
    assert text.splitlines() == [
        "经营者名称,投诉件数",
        '"\'=HYPERLINK(""http://x"")",3',
        "'-2+3,1",
        "'@SUM(A1),2",
        "正常名称,1",
    ]
    rows = read_xlsx(exports.xlsx_bytes([table]))["经营者"]["rows"]
    assert rows[-4][0] == ("s", '=HYPERLINK("http://x")') and rows[-4][1] == ("n", "3")


async def test_the_statistics_readers_share_one_snapshot(pool: asyncpg.Pool, settings: Settings) -> None:
    """The month's queries run side by side on several connections, all in the first one's snapshot."""
    first, end = date(2020, 1, 1), date(2030, 1, 1)
    ctx = intake.IntakeContext(settings.secret_key, settings.evidence_dir, 10, 10 * 2**20, 86400)
    async with pool.acquire() as main, main.transaction(isolation="repeatable_read", readonly=True):
        snapshot = await statistics.export_snapshot(main)
        before = await main.fetch(SQL["stats_received"], first, end)
        # committed after the snapshot was taken, before the other reader starts
        await intake.submit_complaint(pool, complaint_body(), ctx, now=datetime.now(UTC))
        async with pool.acquire() as other, other.transaction(isolation="repeatable_read", readonly=True):
            await statistics.import_snapshot(other, snapshot)
            read = statistics.Reader([main, other])
            seen = await asyncio.gather(*(read.fetch("stats_received", first, end) for _ in range(4)))
    assert all(s == before for s in seen)
    async with returns.statistics_snapshot(pool, readers=3) as (_, read):
        now = await asyncio.gather(*(read.fetch("stats_received", first, end) for _ in range(3)))
    assert all(sum(r["received"] for r in n) == sum(r["received"] for r in before) + 1 for n in now)


def test_only_snapshot_ids_reach_set_transaction() -> None:
    with pytest.raises(ValueError, match="not a snapshot id"):
        asyncio.run(statistics.import_snapshot(None, "0000-1'; DROP TABLE cases; --"))  # type: ignore[arg-type]
