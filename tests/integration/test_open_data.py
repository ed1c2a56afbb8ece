"""The open dataset (issue 18 §2) on a database of its own: which cases a month's file holds and how they are
banded, generalised and suppressed; a merchant named only above the public-records threshold; no personal
value or free text in the bytes; frozen once (also under concurrent first readers), a restatement as a new
version with the earlier one still served; months not ended refused; the hourly job."""

from __future__ import annotations

import asyncio
import csv
import io
import json
from collections.abc import AsyncIterator
from datetime import date, datetime, time, timedelta

import asyncpg
import msgspec
import pytest

from domain import indicators as ind
from domain import open_data as rules
from domain.errors import ValidationFailed
from domain.return_snapshots import content_hash
from domain.roles import Role
from service.store.staff import StaffUser
from service.usecases import open_data
from service.usecases.clock import LOCAL_TZ
from service.usecases.open_data_commands import RestateFile
from tests.support.databases import Databases
from tests.support.public_records import accepted, verified_merchant
from tests.support.statistics import SECRETS, Data
from workers.open_data import open_data_job

SUPERVISOR = StaffUser(0, "od_supervisor", "开放数据科长", frozenset({Role.SUPERVISOR}))


@pytest.fixture(scope="module")
async def fresh(databases: Databases) -> AsyncIterator[asyncpg.Pool]:
    """A database of this module's own: a file holds every case closed in its month, so the counts below
    are exact. Each test uses months of its own."""
    async with databases.pool(max_size=6) as pool:
        yield pool


def at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), LOCAL_TZ)


def month_back(today: date, n: int) -> date:
    return ind.add_months(date(today.year, today.month, 1), -n)


def now_of(today: date) -> datetime:
    return at(today, 12)


async def close_cases(
    conn: asyncpg.Connection, data: Data, month: date, n: int, *, name: str, day: int = 10, **cols: object
) -> list[int]:
    """`n` cases received 20 days before the `day`th of `month` and closed on it (10:00 Beijing)."""
    closed = month.replace(day=day)
    facts = {
        "status": "closed",
        "route": "mediation",
        "outcome": "settled",
        "decided_at": at(closed - timedelta(days=19)),
        "accepted_on": closed - timedelta(days=19),
        "closed_at": at(closed),
        "merchant_address": SECRETS["address"],
        **cols,
    }
    return [await data.case(f"{name}{i}", at(closed - timedelta(days=20)), **facts) for i in range(n)]


async def test_a_months_file(fresh: asyncpg.Pool, today_local: date) -> None:
    month = month_back(today_local, 2)
    async with fresh.acquire() as conn, conn.transaction():
        data = Data(conn, prefix="ODA")
        await close_cases(conn, data, month, 6, name="a", relief_fen=15000)
        for i, score in enumerate((95, 85, 70, 40)):
            await data.survey(f"a{i}", at(month.replace(day=11)), at(month.replace(day=12)), score=score)
        await data.survey("a4", at(month.replace(day=11)))  # sent, never answered
        await close_cases(conn, data, month, 2, name="f", category="food")
        await close_cases(conn, data, month, 3, name="c", category="clothing_shoes", relief_fen=2_500_000)
        await close_cases(conn, data, month, 1, name="x", subdistrict="xiaohe", problem_type="price")
        # not in the file: fake, filed twice, closed the month after, still open, closed on the last
        # evening of the month before (Beijing time)
        await close_cases(conn, data, month, 1, name="spam", outcome="spam")
        await close_cases(conn, data, month, 1, name="dup", outcome="duplicate")
        await close_cases(conn, data, ind.add_months(month, 1), 1, name="next", day=1)
        await data.case("open", at(month.replace(day=3)), status="mediation")
        await close_cases(
            conn, data, month, 1, name="before", closed_at=at(month - timedelta(days=1), 23), category="food"
        )
    now = now_of(today_local)

    made = await open_data.freeze(fresh, month, now=now)

    assert (made.version, made.k, made.created, made.restatement_of) == (1, 5, True, None)
    assert made.counts == rules.Counts(
        rows_in=12,
        rows=11,
        generalised_merchant=0,
        generalised_category=5,
        generalised_subdistrict=0,
        suppressed=1,
    )
    combos = {rules.quasi_identifiers(r) for r in made.rows}
    assert combos == {("hushu", "household_appliances", "quality", ""), ("hushu", "goods", "quality", "")}
    appliance_rows = [r for r in made.rows if r.category == "household_appliances"]
    assert {r.relief_band for r in appliance_rows} == {"100_500"}
    assert sorted(r.satisfaction_band for r in appliance_rows) == sorted(
        ["90_plus", "80_90", "60_80", "under_60", "none", "none"]
    )
    assert {r.relief_band for r in made.rows if r.category == "goods"} == {"none", "10000_plus"}
    expected = rules.Row(
        month_received=ind.month_key(month.replace(day=10) - timedelta(days=20)),
        month_closed=ind.month_key(month),
        subdistrict="hushu",
        quality_domain="product",
        category="household_appliances",
        problem_type="quality",
        channel="web",
        route="mediation",
        outcome="settled",
        handling_days=20,
        relief_band="100_500",
        satisfaction_band="90_plus",
        merchant="",  # the case's own merchant text is never published
    )
    assert expected in made.rows
    assert made.content_hash == content_hash(
        rules.file_content(ind.month_key(month), 5, made.counts, list(made.rows))
    )

    # no personal value, no free text, no exact date in what is served
    body = open_data.csv_bytes(made)
    served = body.decode("utf-8") + json.dumps(
        msgspec.to_builtins(open_data.file_view(made)), ensure_ascii=False
    )
    for secret in [*SECRETS.values(), "丁建材商行", "某路1号", str(month.replace(day=10))]:
        assert secret not in served, secret
    parsed = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert parsed[0] == list(rules.COLUMNS) and len(parsed) == 12

    # frozen: a case closed late in the month changes nothing until a restatement
    async with fresh.acquire() as conn, conn.transaction():
        await close_cases(conn, Data(conn, prefix="ODB"), month, 5, name="late", category="repair")
    again = await open_data.file_of(fresh, month, now=now)
    assert (again.version, again.content_hash, again.created) == (1, made.content_hash, False)

    restated = await open_data.restate(fresh, month, SUPERVISOR, RestateFile("补录5件办结投诉"), now=now)
    assert (restated.version, restated.restatement_of, restated.created) == (2, 1, True)
    assert restated.reason == "补录5件办结投诉" and restated.created_by == SUPERVISOR.actor
    # the 5 repairs are their own combination; the clothing and food rows are as they were
    assert restated.changes == {"added": 5, "removed": 0}
    assert restated.counts.rows == 16
    unchanged = await open_data.restate(fresh, month, SUPERVISOR, RestateFile("再核对"), now=now)
    assert (unchanged.version, unchanged.created) == (2, False)
    first = await open_data.file_of(fresh, month, now=now, version=1)
    assert first.content_hash == made.content_hash and first.rows == made.rows
    assert (await open_data.file_of(fresh, month, now=now)).version == 2
    with pytest.raises(open_data.NoFile):
        await open_data.file_of(fresh, month, now=now, version=3)
    with pytest.raises(ValidationFailed):
        await open_data.restate(fresh, month, SUPERVISOR, RestateFile("  "), now=now)

    with pytest.raises(asyncpg.PostgresError, match="frozen"):
        await fresh.execute("UPDATE open_data_files SET k = 2 WHERE month = $1", month)


async def test_a_merchant_is_named_only_above_the_threshold(fresh: asyncpg.Pool, today_local: date) -> None:
    month = month_back(today_local, 5)  # (month 3 has a closing of the first test's)
    named = await verified_merchant(fresh, "杭州开放数据点名商行")
    below = await verified_merchant(fresh, "杭州开放数据未达标商行")
    withheld = await verified_merchant(fresh, "杭州开放数据暂停公示商行")
    closing = {"status": "closed", "outcome": "settled", "closed_at": at(month.replace(day=15))}
    async with fresh.acquire() as conn, conn.transaction():
        await accepted(conn, named, month.replace(day=5), n=5, **closing)  # k = 5 rows: named
        await accepted(conn, below, month.replace(day=5), n=2, **closing)
        await accepted(conn, withheld, month.replace(day=5), n=5, **closing)
        await conn.execute(
            "INSERT INTO public_merchant_withholdings (merchant_id, reason, withheld_by, withheld_at)"
            " VALUES ($1, '核实中', 'staff:0', now())",
            withheld,
        )

    made = await open_data.freeze(fresh, month, now=now_of(today_local))

    assert made.counts.rows == 12 and made.counts.suppressed == 0
    assert sorted(r.merchant for r in made.rows) == [*[""] * 7, *["杭州开放数据点名商行"] * 5]
    text = open_data.csv_bytes(made).decode("utf-8")
    assert "未达标" not in text and "暂停公示" not in text


async def test_months_not_ended_and_bad_names_are_refused(fresh: asyncpg.Pool, today_local: date) -> None:
    now = now_of(today_local)
    this_month = date(today_local.year, today_local.month, 1)
    for month in (this_month, ind.add_months(this_month, 1)):
        with pytest.raises(open_data.NoFile) as raised:
            await open_data.freeze(fresh, month, now=now)
        assert "尚未结束" in raised.value.message and "not ended" in raised.value.message_en
        with pytest.raises(open_data.NoFile):
            await open_data.restate(fresh, month, SUPERVISOR, RestateFile("x"), now=now)
    with pytest.raises(open_data.NoFile) as raised:  # long before the first complaint: no empty file
        await open_data.freeze(fresh, date(2020, 1, 1), now=now)
    assert "no complaint data" in raised.value.message_en
    for name in ("2026-13.csv", "26-01.csv", "2026-1.json", "xx.json"):
        with pytest.raises(ValidationFailed):
            open_data.split_name(name)
    for name in ("2026-01", "2026-01.xlsx", "2026"):
        with pytest.raises(open_data.NoFile):
            open_data.split_name(name)
    assert open_data.split_name("2026-01.csv") == (date(2026, 1, 1), "csv")
    made = await fresh.fetchval(
        "SELECT count(*) FROM open_data_files WHERE month >= $1 OR month = '2020-01-01'", this_month
    )
    assert made == 0


async def test_concurrent_first_readers_make_one_version(fresh: asyncpg.Pool, today_local: date) -> None:
    month = month_back(today_local, 4)
    async with fresh.acquire() as conn, conn.transaction():
        await close_cases(conn, Data(conn, prefix="ODC"), month, 5, name="c")
    now = now_of(today_local)

    made = await asyncio.gather(*(open_data.freeze(fresh, month, now=now) for _ in range(5)))

    assert {f.content_hash for f in made} == {made[0].content_hash}
    assert sum(f.created for f in made) == 1
    assert await fresh.fetchval("SELECT count(*) FROM open_data_files WHERE month = $1", month) == 1


async def test_the_hourly_job_freezes_the_ended_months_once(databases: Databases, today_local: date) -> None:
    async with databases.pool(max_size=3) as pool:  # of its own: it freezes the months of the year
        await _the_hourly_job(pool, today_local)


async def _the_hourly_job(pool: asyncpg.Pool, today_local: date) -> None:
    now = now_of(today_local)
    last = ind.previous_month(today_local)
    async with pool.acquire() as conn, conn.transaction():
        data = Data(conn, prefix="ODJ")
        await close_cases(conn, data, last, 5, name="j", day=2)
        await close_cases(conn, data, month_back(today_local, 14), 1, name="old")
    ctx = {"pool": pool, "clock": lambda: now}

    runs = [await open_data_job(ctx) for _ in range(6)]

    assert runs[0].startswith(f"frozen {ind.month_key(last)}")
    assert runs[-1] == "nothing due"
    frozen = await pool.fetch("SELECT month, count(*) AS n FROM open_data_files GROUP BY month")
    assert all(r["n"] == 1 for r in frozen)
    # every ended month of the last year has its file (the first complaint was before), none other
    assert {r["month"] for r in frozen} == {
        ind.add_months(last, -n) for n in range(open_data.BACKFILL_MONTHS)
    }
    lasts = await open_data.file_of(pool, last, now=now)
    assert lasts.counts.rows == 5 and lasts.created_by == "system"
    index = await open_data.index(pool, now=now)
    assert index.months[0].month == ind.month_key(last) and index.k == 5
    assert [c.name for c in index.columns] == list(rules.COLUMNS)
