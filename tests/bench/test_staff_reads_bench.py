"""Every staff read of issue 17 at BENCH_CASES (default 10,000,000) cases, page and API, through the served
app: `disputes serve` (uvicorn) in its own process with a pool of BENCH_POOL (2) connections, so the
warm-up's executions (more than 5 per pooled connection: asyncpg's pool hands out the connection released
last, so one-at-a-time requests come back to the same ones) move PostgreSQL's prepared statements to
generic plans before the measured requests; an httpx client in the test process.

Each read: the first request (cold), BENCH_WARMUP (16) more, then BENCH_RUNS (30) measured: median and
p99 against the target (≤ 100 ms median, ≤ 300 ms p99; the indicators ≤ 300 ms median). A read stops
early when it has taken BENCH_READ_SECONDS (90) — the table says how many were measured. The deep pages:
`?offset=100000` (refused with 400 past the offset cap: then the cursor walk to the same depth, 500 pages
of 200, is timed instead) and the page at that depth by its `?cursor=`.

The database: tests/bench/staff_data.py (the statistics benchmark's generator plus consumers, events,
ledgers, appeals and clusters), BENCH_MONTH_CASES (default a tenth) in October 2026. BENCH_KEEP_DB=1
keeps it and prints its URL; BENCH_DB_URL=<that URL> measures an existing one without building (the
bench's accounts, sessions and tracking code are re-made on it). Try it small first:
`BENCH_CASES=200000 make bench`.

It asserts behaviour only (HTTP 200, non-empty answers), never timings: the table is for reading.
"""

from __future__ import annotations

import os
import secrets
import statistics
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import msgspec
import pytest

from domain import indicators as ind
from domain.tracking import ACCESS_CODE_ALPHABET, ACCESS_CODE_LENGTH
from service.settings import Settings
from service.usecases import public_merchants
from service.usecases.access import code_hash
from service.usecases.auth import token_hash
from service.usecases.clock import local_date, utcnow
from service.web.auth import SESSION_COOKIE
from tests.support.bench_servers import real_server, serve, server_env
from tests.support.databases import Databases
from tests.support.net import free_port
from tests.support.staff_data import build

TOTAL = int(os.environ.get("BENCH_CASES", "10000000"))
IN_MONTH = int(os.environ.get("BENCH_MONTH_CASES", str(max(1, TOTAL // 10))))
REUSE = os.environ.get("BENCH_DB_URL")  # an already built database: measure only
KEEP = bool(os.environ.get("BENCH_KEEP_DB"))
POOL = int(os.environ.get("BENCH_POOL", "2"))
WARMUP = int(os.environ.get("BENCH_WARMUP", "16"))  # > 5 executions on each of POOL connections
RUNS = int(os.environ.get("BENCH_RUNS", "30"))
BUDGET_S = float(os.environ.get("BENCH_READ_SECONDS", "90"))
DEPTH = 100_000  # the deep page: rows before it
WALK_PAGE = 200
MEDIAN_MS, P99_MS, INDICATORS_MS = 100, 300, 300


@dataclass
class Timing:
    name: str
    target_ms: float
    p99_target_ms: float
    cold_ms: float = 0.0
    runs_ms: list[float] = field(default_factory=list)
    size: int = 0
    note: str = ""

    @property
    def median(self) -> float:
        return statistics.median(self.runs_ms) if self.runs_ms else self.cold_ms

    @property
    def p99(self) -> float:
        runs = self.runs_ms or [self.cold_ms]
        return statistics.quantiles(runs, n=100, method="inclusive")[98] if len(runs) > 1 else runs[0]

    @property
    def verdict(self) -> str:
        if self.note.startswith("failed"):
            return "FAILED"
        return "OK" if self.median <= self.target_ms and self.p99 <= self.p99_target_ms else "MISS"


@dataclass
class Bench:
    """The served app, the signed-in reader's and the busy mediator's credentials, and what to read."""

    client: httpx.AsyncClient
    api: dict[str, str]  # bearer header
    page: dict[str, str]  # session cookie
    mediator_page: dict[str, str]
    claimers: list[dict[str, str]]
    case_id: int
    tracking_no: str
    access_code: str
    merchant_id: int
    queue: str
    cases: int  # in the database (BENCH_DB_URL's may differ from BENCH_CASES)


async def fetch(bench: Bench, path: str, headers: dict[str, str], method: str = "GET") -> httpx.Response:
    r = await bench.client.request(method, path, headers=headers)
    assert r.status_code == 200, (path, r.status_code, r.text[:500])
    assert r.content, path
    return r


async def measure(bench: Bench, name: str, path: str, headers: dict[str, str], target: float) -> Timing:
    """Cold, warm-up, then the measured runs, within the read's time budget."""
    t = Timing(name, target, max(target, P99_MS))
    began = time.perf_counter()
    r = await bench.client.get(path, headers=headers)
    t.cold_ms = (time.perf_counter() - began) * 1000
    t.size = len(r.content)
    if r.status_code != 200:  # reported in the table, asserted after it
        t.note = f"failed: HTTP {r.status_code}"
        return t
    for _ in range(WARMUP):
        if time.perf_counter() - began > BUDGET_S / 2:
            t.note = "short warm-up"
            break
        await timed(bench, path, headers)
    for _ in range(RUNS):
        if time.perf_counter() - began > BUDGET_S and len(t.runs_ms) >= 3:
            break
        t.runs_ms.append((await timed(bench, path, headers))[1])
    return t


async def timed(bench: Bench, path: str, headers: dict[str, str]) -> tuple[httpx.Response, float]:
    began = time.perf_counter()
    r = await fetch(bench, path, headers)
    return r, (time.perf_counter() - began) * 1000


async def deep_list(bench: Bench) -> str:
    """The list deep enough for the deep pages: the default queue (open cases) when it has DEPTH rows
    past the first page, else `?status=closed` (a small database has few open cases)."""
    body = (await fetch(bench, "/api/v1/cases?limit=1", bench.api)).json()
    return "/api/v1/cases?" if body["total"] > DEPTH + WALK_PAGE else "/api/v1/cases?status=closed&"


async def cursor_walk(bench: Bench, listing: str) -> tuple[Timing, str]:
    """The list page by page (limit 200) to DEPTH rows; returns the pages' timing and the cursor of the
    page at DEPTH."""
    t = Timing(f"cursor walk to {DEPTH:,} (per page)", MEDIAN_MS, P99_MS)
    cursor = ""
    seen = 0
    began = time.perf_counter()
    while seen < DEPTH:
        path = f"{listing}limit={WALK_PAGE}" + (f"&cursor={cursor}" if cursor else "")
        r, ms = await timed(bench, path, bench.api)
        body = r.json()
        t.runs_ms.append(ms)
        seen += len(body["items"])
        cursor = body["next_cursor"]
        assert body["items"] and cursor, (seen, body.get("total"))
    t.cold_ms = t.runs_ms[0]
    t.size = len(r.content)
    t.note = f"{listing}…: {len(t.runs_ms)} pages, {time.perf_counter() - began:.1f} s in all"
    return t, cursor


async def claims(bench: Bench) -> Timing:
    """POST /api/v1/queues/{queue}/claim by fresh mediators, each up to the queue's open-case limit."""
    t = Timing("claim (API POST)", MEDIAN_MS, P99_MS)
    first = True
    for headers in bench.claimers:
        while len(t.runs_ms) < WARMUP + RUNS:
            began = time.perf_counter()
            r = await bench.client.post(f"/api/v1/queues/{bench.queue}/claim", headers=headers)
            ms = (time.perf_counter() - began) * 1000
            if r.status_code == 409:  # at the open-case limit: the next mediator
                break
            assert r.status_code == 200, (r.status_code, r.text[:500])
            if first:
                t.cold_ms, t.size, first = ms, len(r.content), False
            else:
                t.runs_ms.append(ms)
    assert not first, "no case claimed"
    t.runs_ms = t.runs_ms[WARMUP:] or t.runs_ms  # the warm-up's claims are not measured
    return t


def reads(bench: Bench, deep_page: str, today: date) -> list[tuple[str, str, dict[str, str], float]]:
    last = date(today.year, today.month, 1)
    first = ind.add_months(last, -23)
    months = f"from={ind.month_key(first)}&to={ind.month_key(last)}"
    c, m = bench.case_id, bench.merchant_id
    return [
        ("/staff/cases", "/staff/cases", bench.page, MEDIAN_MS),
        ("GET /api/v1/cases", "/api/v1/cases", bench.api, MEDIAN_MS),
        (f"?cursor= at {DEPTH:,}", deep_page, bench.api, MEDIAN_MS),
        ("?status=closed", "/api/v1/cases?status=closed", bench.api, MEDIAN_MS),
        ("?category=food", "/api/v1/cases?category=food", bench.api, MEDIAN_MS),
        ("?status=received", "/api/v1/cases?status=received", bench.api, MEDIAN_MS),
        ("/staff/cases?status=closed", "/staff/cases?status=closed", bench.page, MEDIAN_MS),
        ("/staff/cases?category=food", "/staff/cases?category=food", bench.page, MEDIAN_MS),
        ("case page /staff/cases/{id}", f"/staff/cases/{c}", bench.page, MEDIAN_MS),
        ("GET /api/v1/cases/{id}", f"/api/v1/cases/{c}", bench.api, MEDIAN_MS),
        ("queues overview /staff/queues", "/staff/queues", bench.page, MEDIAN_MS),
        ("GET /api/v1/queues", "/api/v1/queues", bench.api, MEDIAN_MS),
        ("busy mediator's /staff/queue", "/staff/queue", bench.mediator_page, MEDIAN_MS),
        ("/staff/merchants", "/staff/merchants", bench.page, MEDIAN_MS),
        ("GET /api/v1/merchants", "/api/v1/merchants", bench.api, MEDIAN_MS),
        ("merchant page (ledger)", f"/staff/merchants/{m}", bench.page, MEDIAN_MS),
        ("GET /api/v1/merchants/{id}/ledger", f"/api/v1/merchants/{m}/ledger", bench.api, MEDIAN_MS),
        ("/staff/returns", "/staff/returns", bench.page, MEDIAN_MS),
        ("GET /api/v1/returns", "/api/v1/returns", bench.api, MEDIAN_MS),
        ("/staff/appeals", "/staff/appeals", bench.page, MEDIAN_MS),
        ("/staff/clusters", "/staff/clusters", bench.page, MEDIAN_MS),
        ("GET /api/v1/clusters", "/api/v1/clusters", bench.api, MEDIAN_MS),
        (
            "tracking GET /api/v1/complaints/{no}",
            f"/api/v1/complaints/{bench.tracking_no}",
            {"X-Access-Code": bench.access_code},
            MEDIAN_MS,
        ),
        ("/staff/indicators", "/staff/indicators", bench.page, INDICATORS_MS),
        ("GET /api/v1/indicators, 24 months", f"/api/v1/indicators?{months}", bench.api, INDICATORS_MS),
    ]


async def database(databases: Databases) -> tuple[str, str | None]:
    """The database's URL, and its name when this run made it (None: BENCH_DB_URL's, never dropped)."""
    if REUSE:
        print(f"\nstaff reads: measuring the existing database {REUSE}")
        return REUSE, None
    url = await databases.create(migrated=True)
    name = databases.created[-1]
    seconds, rows = await build(url, TOTAL, IN_MONTH)
    size = await databases.size(name)
    print(
        f"\nstaff reads: built {TOTAL:,} cases in {seconds:.0f} s; database {size / 2**30:.2f} GiB; "
        + ", ".join(f"{t} {n:,}" for t, n in rows.items())
    )
    return url, name


async def add_account(conn: asyncpg.Connection, username: str, roles: list[str]) -> int:
    user_id: int = await conn.fetchval(
        "INSERT INTO staff_users (username, display_name, password_hash, roles) VALUES ($1, $2, $3, $4)"
        " ON CONFLICT (username) DO UPDATE SET roles = EXCLUDED.roles, disabled = false RETURNING id",
        username,
        "压测" + username[-6:],
        "$argon2id$v=19$m=1024,t=1,p=1$bench$bench",  # never signed in with: sessions are made below
        roles,
    )
    return user_id


async def session(conn: asyncpg.Connection, user_id: int, kind: str) -> dict[str, str]:
    """A live session (cookie) or API token (bearer) for the account, as a request's headers."""
    token = secrets.token_urlsafe(32)
    now = utcnow()
    await conn.execute(
        "INSERT INTO staff_sessions (token_hash, user_id, kind, created_at, last_seen_at, expires_at)"
        " VALUES ($1, $2, $3, $4, $4, $5)",
        token_hash(token),
        user_id,
        kind,
        now,
        now + timedelta(hours=6),
    )
    if kind == "cookie":
        return {"Cookie": f"{SESSION_COOKIE}={token}"}
    return {"Authorization": f"Bearer {token}"}


async def prepare(url: str, secret_key: str) -> dict[str, Any]:
    """The bench's accounts and sessions, a tracking code for one case, and what the reads point at."""
    conn = await asyncpg.connect(url)
    try:
        reader = await add_account(conn, "bench_reader", ["supervisor", "leading_group", "admin"])
        busiest = await conn.fetchval(
            "SELECT assigned_to FROM cases WHERE status = 'mediation' AND assigned_to IS NOT NULL"
            " GROUP BY assigned_to ORDER BY count(*) DESC LIMIT 1"
        )
        queue = await conn.fetchval(
            "SELECT queue FROM cases WHERE status = 'mediation' AND assigned_to IS NULL"
            " GROUP BY queue ORDER BY count(*) DESC LIMIT 1"
        )
        claimers = []
        for _ in range(3):  # fresh each run: a claimer stops at the queue's open-case limit
            user_id = await add_account(conn, f"bench_claim_{secrets.token_hex(4)}", ["mediator"])
            claimers.append(await session(conn, user_id, "bearer"))
        case = await conn.fetchrow(
            "SELECT id, tracking_no FROM cases WHERE status = 'mediation' ORDER BY id DESC LIMIT 1"
        )
        code = "".join(secrets.choice(ACCESS_CODE_ALPHABET) for _ in range(ACCESS_CODE_LENGTH))
        await conn.execute(
            "UPDATE cases SET access_code_hash = $2 WHERE id = $1",
            case["id"],
            code_hash(secret_key, case["tracking_no"], code),
        )
        known: dict[str, Any] = {
            "api": await session(conn, reader, "bearer"),
            "page": await session(conn, reader, "cookie"),
            "mediator_page": await session(conn, busiest, "cookie"),
            "claimers": claimers,
            "case_id": case["id"],
            "tracking_no": case["tracking_no"],
            "access_code": code,
            "merchant_id": await conn.fetchval(
                "SELECT merchant_id FROM ledger_transactions WHERE kind = 'payout'"
                " GROUP BY merchant_id ORDER BY count(*) DESC LIMIT 1"
            ),
            "queue": queue,
            "cases": await conn.fetchval("SELECT count(*) FROM cases", timeout=None),
        }
    finally:
        await conn.close()
    # What the hourly job (public_merchants_job) leaves: the month's merchant publication, made once the
    # month ends (without it the merchant page counts the period in public live too, which no deployment
    # does for long), and the large merchants' previews of the coming one.
    async with asyncpg.create_pool(url, min_size=1, max_size=1) as pool:
        await public_merchants.published(pool, now=utcnow(), limit=1)
        started = time.perf_counter()
        previews = await public_merchants.count_previews(pool, now=utcnow())
        print(
            f"  the hourly job's previews: {previews} merchants with {public_merchants.PREVIEW_FROM:,}+"
            f" complaints in the coming period, counted in {time.perf_counter() - started:.1f} s"
        )
    return known


async def give_back_claims(url: str) -> None:
    """The claimers' cases back in the queue, so a kept database measures the same on a rerun."""
    conn = await asyncpg.connect(url)
    try:
        await conn.execute(
            "UPDATE cases SET assigned_to = NULL, assigned_at = NULL WHERE assigned_to IN"
            " (SELECT id FROM staff_users WHERE username LIKE 'bench_claim_%')"
        )
    finally:
        await conn.close()


def show(timings: list[Timing]) -> str:
    lines = [
        f"  {'read':<42} {'n':>3} {'cold ms':>9} {'median ms':>10} {'p99 ms':>9} {'bytes':>10} "
        f"{'target':>11}  verdict"
    ]
    for t in timings:
        lines.append(
            f"  {t.name:<42} {len(t.runs_ms):>3} {t.cold_ms:>9.1f} {t.median:>10.1f} {t.p99:>9.1f} "
            f"{t.size:>10,} {f'{t.target_ms:.0f}/{t.p99_target_ms:.0f}':>11}  {t.verdict}"
            + (f"  ({t.note})" if t.note else "")
        )
    return "\n".join(lines)


@pytest.fixture
async def bench(databases: Databases, settings: Settings, tmp_path: Path) -> AsyncIterator[Bench]:
    url, name = await database(databases)
    try:
        served = msgspec.structs.replace(settings, database_url=url)
        env = {**server_env(served), "DB_POOL_MAX": str(POOL)}
        env["LOG_LEVEL"] = "WARNING"
        known = await prepare(url, served.secret_key)
        port = free_port()
        log = tmp_path / "server.log"
        try:
            with serve(real_server(served, port), env, port, log):
                async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=600) as client:
                    yield Bench(client=client, **known)
        finally:
            await give_back_claims(url)
    finally:
        if name is not None and KEEP:
            databases.created.remove(name)
            print(f"  kept the database: {url}  (rerun with BENCH_DB_URL={url}; drop it by hand)")
        elif name is not None:
            databases.created.remove(name)
            admin = await asyncpg.connect(databases.admin_url)
            try:
                await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            finally:
                await admin.close()


async def test_staff_reads(bench: Bench) -> None:
    today = local_date(utcnow())
    timings: list[Timing] = []
    listing = await deep_list(bench)
    deep = f"{listing}offset={DEPTH}"
    r = await bench.client.get(deep, headers=bench.api)
    if r.status_code == 200:
        timings.append(await measure(bench, f"?offset={DEPTH:,}", deep, bench.api, MEDIAN_MS))
    else:  # capped: the cursor walk reaches the same depth
        assert r.status_code == 400, (r.status_code, r.text[:300])
        assert "offset" in r.text
    walk, deep_cursor = await cursor_walk(bench, listing)
    if r.status_code != 200:
        walk.note += f"; ?offset={DEPTH:,} answered {r.status_code}"
    timings.append(walk)
    for name, path, headers, target in reads(bench, f"{listing}cursor={deep_cursor}", today):
        timings.append(await measure(bench, name, path, headers, target))
    timings.append(await claims(bench))
    print(
        f"\nstaff reads at {bench.cases:,} cases, served app (uvicorn, pool {POOL}), {WARMUP} warm-up "
        f"requests after the cold one, up to {RUNS} measured (≤ {BUDGET_S:.0f} s a read):\n{show(timings)}\n"
        f"  misses: {sum(t.verdict == 'MISS' for t in timings)} of {len(timings)}"
    )
    failed = [f"{t.name}: {t.note}" for t in timings if t.note.startswith("failed")]
    assert not failed, failed
    cases = (await fetch(bench, "/api/v1/cases", bench.api)).json()
    assert cases["items"], "the default queue lists open cases"
