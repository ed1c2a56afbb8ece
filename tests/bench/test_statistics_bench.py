"""The monthly return over a month of 1,000,000 cases with 10,000,000 in the table, against the bare SQL
aggregate of the same headline totals; and the process's RSS while the spreadsheet is written (DESIGN §5).

Scale: BENCH_CASES (default 10,000,000) cases in the table, BENCH_MONTH_CASES (default 1,000,000) of them
received in the measured month (October 2026); the rest spread evenly over January 2025 – September 2026,
stored in order of arrival as a live table is (a round-robin layout scatters each month over the whole
table and makes every range scan of a month read all of it).
Try it small with `BENCH_CASES=200000 BENCH_MONTH_CASES=20000 make bench`; BENCH_KEEP_DB=1 keeps the
generated database for EXPLAIN (its URL is printed; drop it by hand); BENCH_DB_URL=<a kept URL> measures an
already generated one (the staff reads benchmark's kept database has the same cases) without generating.

The data is made by set-based SQL on its own database (dropped at the end), in chunks of BENCH_CHUNK rows,
one INSERT … SELECT generate_series statement each, with the tables the return reads in proportion: about
1% of cases undecided, 8% rejected (by ground), of the accepted 80% mediation, 13% first payment (paid by
the merchant or from the deposit, with reply deadlines and overdue flags), 7% arbitration (a written
agreement and a referral, awards for either side); cases close within about 75 days of their decision if
that is before now, each closed case has a survey, 45% of them answered; 3% have a report split off;
50,000 merchants (a third with a USCC), complaints skewed towards a few. Not generated: case events,
consumer rows, offers and settlements — no query of the return reads them.

Loading: the secondary indexes and unique constraints of `cases` are dropped and rebuilt around the load
(the same definitions, read from the catalogue), and foreign-key triggers are off for the loading session
(`session_replication_role = replica`: the generator makes only valid references); then VACUUM ANALYZE,
as autovacuum would have by the time a month is returned.

The bare aggregate is one statement of plain aggregates over the same ranges and joins (received, decided
with on time / accepted / rejected, closed with on time, relief beyond first payments and surveys sent and
answered, first payments, arbitration referrals and awards, reports split off, satisfaction answers and
their mean): the floor the return's headline totals cannot go under. The return also builds its
breakdowns, the top merchants, the distributions (handling days, outcomes, grounds) and stores the snapshot.
It is timed twice: with the month's indicator rollup deleted before each run (every count live, the ratio
the target is about), and as scheduled, the rollup fresh as the hourly job leaves an ended month (the
month's counts read from it, the breakdowns, top merchants and product signals counted live).
"""

from __future__ import annotations

import os
import statistics
import tempfile
import threading
import time
from collections.abc import Awaitable, Callable
from datetime import date
from pathlib import Path
from typing import Any

import asyncpg
import psutil

from domain import indicators as ind
from service import exports
from service.store import statistics as statistics_store
from service.store.db import create_pool
from service.store.sql import SQL
from service.usecases import indicator_rollups, returns
from tests.support.bench_data import IN_MONTH, MONTH, NOW, TOTAL, generate
from tests.support.databases import Databases
from tests.support.return_floor import BARE_SQL

KEEP = bool(os.environ.get("BENCH_KEEP_DB"))  # keep the generated database (to profile it); else dropped
# an already generated database (the staff reads benchmark's, kept, has the same cases): measure only
REUSE = os.environ.get("BENCH_DB_URL")
RUNS = 3


async def timed(fn: Callable[[], Awaitable[Any]]) -> tuple[float, Any]:
    began = time.perf_counter()
    out = await fn()
    return time.perf_counter() - began, out


class PeakRss:
    """The process's resident set size, sampled every millisecond in a thread while the block runs."""

    def __init__(self) -> None:
        self.process = psutil.Process()
        self.before = self.peak = self.after = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self.process.memory_info().rss)
            self._stop.wait(0.001)

    def __enter__(self) -> PeakRss:
        self.before = self.peak = self.process.memory_info().rss
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.after = self.process.memory_info().rss
        self.peak = max(self.peak, self.after)


async def query_times(conn: asyncpg.Connection, month: date, end: date) -> list[tuple[str, float]]:
    """Each query of the return on its own (the profile's first cut)."""
    out = []
    names = ("stats_received", "stats_decided", "stats_closed", "stats_first_payments", "stats_arbitration",
             "stats_reports", "stats_surveys", "stats_breakdowns")  # fmt: skip
    for name in names:
        seconds, _ = await timed(lambda n=name: conn.fetch(SQL[n], month, end, timeout=None))  # type: ignore[misc]
        out.append((name, seconds))
    seconds, _ = await timed(
        lambda: conn.fetch(SQL["stats_merchants"], month, end, ind.TOP_MERCHANTS, timeout=None)
    )
    out.append(("stats_merchants", seconds))
    return out


async def indicator_times(pool: asyncpg.Pool) -> tuple[float, float, list[float]]:
    """GET /api/v1/indicators' use case for 24 months (36 read, for year-on-year): with no rollups
    (every month and every ended day of the running one counted live), after them (ended months and days
    stored, the running month's last days counted live again), and warm."""
    today = NOW.date()
    last = date(today.year, today.month, 1)
    first = ind.add_months(last, -(ind.MAX_RANGE_MONTHS - 1))
    async with pool.acquire() as conn:
        await conn.execute(
            "TRUNCATE indicator_rollups, indicator_rollup_changes,"
            " indicator_day_rollups, indicator_day_rollup_changes"
        )

    def read() -> Awaitable[Any]:
        return returns.indicators(pool, first, last, today=today)

    cold, _ = await timed(read)
    again, _ = await timed(read)  # the running month live, the rest from rollups
    warm = [(await timed(read))[0] for _ in range(RUNS * 3)]
    return cold, again, warm


def mb(n: int) -> str:
    return f"{n / 2**20:,.1f} MB"


async def database(databases: Databases) -> tuple[str, str | None]:
    """The database's URL, and its name when this run generated it (None: BENCH_DB_URL's, never dropped)."""
    if REUSE:
        print(f"\nstatistics: measuring the existing database {REUSE}")
        return REUSE, None
    url = await databases.create(migrated=True)
    name = databases.created[-1]  # not from the URL: an embedded server's names its socket folder there
    seconds, rows = await generate(url)
    size = await databases.size(name)
    print(
        f"\nstatistics: generated {TOTAL:,} cases ({IN_MONTH:,} received in {ind.month_key(MONTH)}) in "
        f"{seconds:.0f} s; database {size / 2**30:.2f} GiB; "
        + ", ".join(f"{t} {n:,}" for t, n in rows.items())
    )
    return url, name


async def test_monthly_return(databases: Databases) -> None:
    url, name = await database(databases)
    try:
        end = ind.add_months(MONTH, 1)
        pool = await create_pool(url, max_size=returns.READERS + 1)
        try:
            async with returns.statistics_snapshot(pool) as (conn, read):  # warm both: the same pages
                await returns.compute(conn, read, MONTH)
            async with pool.acquire() as conn:
                await conn.fetch(BARE_SQL, MONTH, end, timeout=None)
                bare = [
                    (await timed(lambda: conn.fetch(BARE_SQL, MONTH, end, timeout=None)))[0]
                    for _ in range(RUNS)
                ]
                async with conn.transaction(readonly=True):
                    await statistics_store.prepare_session(conn)  # the return's settings (no JIT)
                    bare_tuned = [
                        (await timed(lambda: conn.fetch(BARE_SQL, MONTH, end, timeout=None)))[0]
                        for _ in range(RUNS)
                    ]
                    parts = await query_times(conn, MONTH, end)
            produced, scheduled = [], []
            for _ in range(RUNS):
                async with pool.acquire() as conn:  # no rollup of the month: its aggregates counted live
                    await conn.execute("DELETE FROM indicator_rollups WHERE month = $1", MONTH)
                s, ret = await timed(lambda: returns.produce(pool, MONTH, actor="cli", now=NOW))
                produced.append(s)
            for _ in range(RUNS):  # as scheduled: the hourly rollup job has counted the ended month
                s, ret = await timed(lambda: returns.produce(pool, MONTH, actor="cli", now=NOW))
                scheduled.append(s)
            report = await returns.report(pool, MONTH, ret.version)
            cold, again, warm = await indicator_times(pool)
        finally:
            await pool.close()

        sheets = exports.tables(report.ret, report.definitions)
        with tempfile.TemporaryDirectory() as tmp, PeakRss() as rss:
            target = Path(tmp) / "return.xlsx"
            exports.write_xlsx(sheets, target)
            xlsx_size = target.stat().st_size
        bare_s = min(statistics.median(bare), statistics.median(bare_tuned))  # the floor at its best
        return_s = statistics.median(produced)
        scheduled_s = statistics.median(scheduled)
        summary = ret.figures["summary"]
        print(
            f"  bare SQL aggregate    : {bare_s:7.2f} s  (median of {RUNS}; server defaults: "
            + ", ".join(f"{s:.2f}" for s in bare)
            + "; the return's settings, no JIT: "
            + ", ".join(f"{s:.2f}" for s in bare_tuned)
            + ")\n"
            f"  monthly return        : {return_s:7.2f} s  (returns.produce with every count live, median of "
            f"{RUNS}: " + ", ".join(f"{s:.2f}" for s in produced) + ")\n"
            f"  ratio                 : {return_s / bare_s:7.2f}  (target < 2)\n"
            f"  as scheduled          : {scheduled_s:7.2f} s  (the month's counts from its fresh rollup, the "
            "breakdowns, merchants and signals live: " + ", ".join(f"{s:.2f}" for s in scheduled) + "), "
            f"ratio {scheduled_s / bare_s:.2f}\n"
            "  the return's queries  : "
            + ", ".join(f"{n.removeprefix('stats_')} {s:.2f}" for n, s in parts)
            + " s\n"
            f"  spreadsheet           : {len(sheets)} sheets, {sum(len(t.rows) for t in sheets)} rows, "
            f"{xlsx_size / 1024:.0f} KiB; RSS {mb(rss.before)} before, peak {mb(rss.peak)} "
            f"(+{mb(rss.peak - rss.before)}), {mb(rss.after)} after\n"
            f"  month's figures       : received {summary['received']:,}, "
            f"closed {summary.get('closed', 0):,}\n"
            f"  indicators, 24 months : {cold:7.2f} s without rollups (all counted live, then stored); "
            f"{again * 1000:.0f} ms, then median {statistics.median(warm) * 1000:.0f} ms "
            f"(max {max(warm) * 1000:.0f} ms of {len(warm)}) from rollups (ended months, and the running "
            f"month's ended days) with its last {indicator_rollups.LIVE_DAYS} days live (target ≤ 300 ms)"
        )
        assert summary["received"] == IN_MONTH
    finally:
        if name is None:
            pass  # BENCH_DB_URL's: not ours to drop
        elif KEEP:  # for EXPLAIN afterwards; drop it by hand
            databases.created.remove(name)
            print(f"  kept the database: {url}")
        else:
            admin = await asyncpg.connect(databases.admin_url)
            try:
                await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            finally:
                await admin.close()
