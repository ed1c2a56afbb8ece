"""Issue 17's partitioning experiment: `cases` range-partitioned by month of `received_at`, against the
plain table, on a kept staff-reads database (BENCH_DB_URL; build one with
`BENCH=1 BENCH_KEEP_DB=1 BENCH_CASES=… pytest -s tests/bench/test_staff_reads_bench.py`).

A copy of `cases` is made beside it (`cases_part`, a partition a month, every index of `cases` on it, the
primary key widened to (id, received_at) as PostgreSQL requires of a partitioned table's unique keys), and
one of `case_events` by month of `at` (`case_events_part`, the key (id, at), its (case_id, id) index); the
same reads run on both as prepared statements, and the copies are dropped. What the copy cannot have is the
finding: no unique index without the partition key, so neither `cases_tracking_no_key` nor the foreign keys
of the 21 tables that reference `cases(id)` could survive the conversion. It asserts only that both layouts
give the same answers; the table is for reading.
"""

from __future__ import annotations

import os
import re
import statistics
import time
from datetime import date
from typing import Any

import asyncpg
import pytest

from tests.support.return_floor import BARE_SQL

URL = os.environ.get("BENCH_DB_URL")
OPEN = "c.status <> ALL ('{closed,rejected}'::text[])"


def monthly_partitions(table: str, column: str) -> str:
    """`<table>_part`, range-partitioned by the month (Shanghai) of `column`, with a partition for each
    month from the table's first row to its last."""
    return f"""
CREATE TABLE {table}_part (LIKE {table} INCLUDING DEFAULTS INCLUDING GENERATED) PARTITION BY RANGE ({column});
DO $$
DECLARE m date := (SELECT date_trunc('month', min({column}) AT TIME ZONE 'Asia/Shanghai') FROM {table});
        last date := (SELECT date_trunc('month', max({column}) AT TIME ZONE 'Asia/Shanghai') FROM {table});
BEGIN
  WHILE m <= last LOOP
    EXECUTE format('CREATE TABLE {table}_part_%s PARTITION OF {table}_part FOR VALUES FROM (%L) TO (%L)',
      to_char(m, 'YYYYMM'), m::timestamp AT TIME ZONE 'Asia/Shanghai',
      (m + interval '1 month')::date::timestamp AT TIME ZONE 'Asia/Shanghai');
    m := (m + interval '1 month')::date;
  END LOOP;
END $$;
INSERT INTO {table}_part SELECT * FROM {table};
"""


BUILD = (
    monthly_partitions("cases", "received_at")
    + """
ALTER TABLE cases_part ADD PRIMARY KEY (id, received_at);
DO $$
DECLARE r record;
BEGIN
  FOR r IN SELECT indexname, indexdef FROM pg_indexes
           WHERE tablename = 'cases' AND indexname NOT IN ('cases_pkey', 'cases_tracking_no_key') LOOP
    EXECUTE replace(replace(r.indexdef, 'ON public.cases ', 'ON public.cases_part '),
                    r.indexname, r.indexname || '_p');
  END LOOP;
END $$;
ANALYZE cases_part;
"""
)

# case_events the same way, by month of `at`: the primary key widened to (id, at), its one index
# (case_id, id) on every partition.
BUILD_EVENTS = (
    monthly_partitions("case_events", "at")
    + """
ALTER TABLE case_events_part ADD PRIMARY KEY (id, at);
CREATE INDEX case_events_part_case_idx ON case_events_part (case_id, id);
ANALYZE case_events_part;
"""
)

READS: dict[str, str] = {
    "the return's bare aggregate, October": BARE_SQL,
    "case list, open cases, first page": (
        f"SELECT c.id FROM cases c WHERE {OPEN} ORDER BY c.queue_due, c.received_at, c.id LIMIT 51"
    ),
    "case list ?status=closed": (
        "SELECT c.id FROM cases c WHERE c.status = 'closed'"
        " ORDER BY c.queue_due, c.received_at, c.id LIMIT 51"
    ),
    "a case by id (case page, every write)": "SELECT * FROM cases c WHERE c.id = $1",
    "a case by tracking number (tracking page)": "SELECT * FROM cases c WHERE c.tracking_no = $1",
    "received in October by day (live indicators)": (
        "SELECT (received_at AT TIME ZONE 'Asia/Shanghai')::date AS day, count(*) FROM cases"
        " WHERE received_at >= $1 AND received_at < $2 GROUP BY 1 ORDER BY 1"
    ),
    "closed in October (indicators)": (
        "SELECT count(*) FROM cases WHERE status = 'closed' AND closed_at >= $1 AND closed_at < $2"
    ),
}


# The statements the service runs on case_events (service/store/sql/case_events_*.sql): a case's history
# (its page, every write's checks) and the notice feed's next batch after its cursor; each with what its
# one parameter is.
EVENT_READS: dict[str, tuple[str, str]] = {
    "a case's events (case page)": (
        "SELECT id, kind, actor, at, payload FROM case_events WHERE case_id = $1 ORDER BY id",
        "case",
    ),
    "whether a case has an event of a kind": (
        "SELECT EXISTS (SELECT 1 FROM case_events WHERE case_id = $1 AND kind = 'received')",
        "case",
    ),
    "the notice feed: 500 events after a cursor": (
        "SELECT id, case_id, kind, payload, at FROM case_events WHERE id > $1 ORDER BY id LIMIT 500",
        "cursor",
    ),
}


def partitioned(sql: str) -> str:
    return re.sub(r"\bcase_events\b(?!_)", "case_events_part", re.sub(r"\bcases\b(?!_)", "cases_part", sql))


async def timed(
    statement: asyncpg.prepared_stmt.PreparedStatement, args: tuple[Any, ...], runs: int
) -> float:
    for _ in range(2):
        await statement.fetch(*args, timeout=None)
    took = []
    for _ in range(runs):
        start = time.perf_counter()
        await statement.fetch(*args, timeout=None)
        took.append((time.perf_counter() - start) * 1000)
    return statistics.median(took)


async def compare(conn: asyncpg.Connection, name: str, sql: str, args: tuple[Any, ...]) -> str:
    """One read on the plain and the partitioned table: the same answer, and each one's median ms."""
    plain, part = await conn.prepare(sql), await conn.prepare(partitioned(sql))
    assert [tuple(r) for r in await plain.fetch(*args, timeout=None)] == [
        tuple(r) for r in await part.fetch(*args, timeout=None)
    ], name
    runs = 5 if "aggregate" in name else 20
    return f"  {name:<48} {await timed(plain, args, runs):10.1f} {await timed(part, args, runs):12.1f}"


@pytest.mark.skipif(URL is None, reason="needs BENCH_DB_URL: a kept staff-reads database (see the docstring)")
async def test_partitioned_cases_against_the_plain_table() -> None:
    assert URL
    conn = await asyncpg.connect(URL)
    try:
        await conn.execute("DROP TABLE IF EXISTS cases_part; DROP TABLE IF EXISTS case_events_part")
        start = time.perf_counter()
        await conn.execute(BUILD, timeout=None)
        built = time.perf_counter() - start
        start = time.perf_counter()
        await conn.execute(BUILD_EVENTS, timeout=None)
        built_events = time.perf_counter() - start
        count = await conn.fetchval("SELECT count(*) FROM cases")
        events = await conn.fetchval("SELECT count(*) FROM case_events")
        some = await conn.fetchrow(
            "SELECT id, tracking_no FROM cases ORDER BY id OFFSET $1 LIMIT 1", count // 2
        )
        cursor = await conn.fetchval("SELECT id FROM case_events ORDER BY id OFFSET $1 LIMIT 1", events // 2)
        month = (date(2026, 10, 1), date(2026, 11, 1))
        local = "SELECT $1::date::timestamp AT TIME ZONE 'Asia/Shanghai'"
        lo, hi = [await conn.fetchval(local, d) for d in month]
        lines = []
        for name, sql in READS.items():
            if "$1" not in sql:
                args: tuple[Any, ...] = ()
            elif "aggregate" in name:
                args = month
            elif "by id" in name:
                args = (some["id"],)
            elif "tracking" in name:
                args = (some["tracking_no"],)
            else:
                args = (lo, hi)
            lines.append(await compare(conn, name, sql, args))
        for name, (sql, param) in EVENT_READS.items():
            lines.append(await compare(conn, name, sql, (some["id"] if param == "case" else cursor,)))
        print(
            f"\npartitioning: {count:,} cases copied into monthly partitions in {built:.0f} s, {events:,}"
            f" case events in {built_events:.0f} s; median ms:\n"
            f"  {'read':<48} {'plain':>10} {'partitioned':>12}\n" + "\n".join(lines)
        )
    finally:
        await conn.execute("DROP TABLE IF EXISTS cases_part; DROP TABLE IF EXISTS case_events_part")
        await conn.close()
