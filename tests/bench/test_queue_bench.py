"""Queue claims: 32 concurrent mediators claiming from a 10,000-case mediation queue (DESIGN §5).

The claims go through the real endpoint, `POST /api/v1/queues/{queue}/claim` with a bearer token, into
`create_app(settings)` in-process over the ASGI transport (the app's own pool: `db_pool_max`, 10). The same
claims through the use case `queues.claim` alone are measured after it, on a second 10,000 cases, so the
share of the HTTP stack (routing, auth lookup, msgspec, the test client) is visible.

Seeding: one case goes through the real pipeline (intake, acceptance by a supervisor, routing into the
bench's queue: a queue taking its sub-district, sorted first) and is then cloned 10,000 times in one
INSERT … SELECT generate_series per table — the case row (every column, read from the catalogue, so a new
migration's columns come along), the consumer row, its events and its (done) outbox rows — with its own
tracking number and a mediation deadline spread over 60 days, so the queue's order has work to do.

The open-case limit: a claim is refused (409) when the mediator already holds the queue's
`max_open_per_mediator` open cases (default 30; 32 × 30 = 960 of 10,000). The bench's queue sets it to
400 — an administrator's setting, data, not code — so 32 mediators can take all 10,000 (32 × 400 = 12,800)
while every claim still runs the locked limit check; each mediator stops at 204 (queue empty) or 409.
"""

from __future__ import annotations

import asyncio
import statistics
import time
import uuid
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta

import asyncpg
import httpx
import msgspec
import pytest
import structlog
from argon2 import PasswordHasher

from domain.queues import OpenCaseLimit
from domain.roles import Role
from service.app import create_app
from service.settings import Settings
from service.store.db import create_pool
from service.store.staff import StaffUser
from service.usecases import auth, casework, queues, routing
from service.usecases.casework_commands import Accept
from service.usecases.clock import utcnow
from service.usecases.intake import IntakeContext, submit_complaint
from tests.support.factories import complaint_body

CASES = 10_000
MEDIATORS = 32
MAX_OPEN = 400  # ≥ CASES / MEDIATORS, see the module's docstring
PASSWORD = "bench password not for production"

Claim = Callable[[StaffUser, str], Awaitable[int | None]]  # a claimed case id, None when the queue is empty

# Columns of `cases` the clones do not copy from the template.
OWN_COLUMNS = {
    "id": None,
    "tracking_no": "'GS' || to_char(t.received_on, 'YYYYMMDD') || '-' || lpad(($3 + g)::text, 6, '0')",
    "mediation_due": "t.mediation_due + (g % 60)",
    "merchant_name": "t.merchant_name || '（' || (g % 500) || '）'",
}


@pytest.fixture(autouse=True)
def _cheap_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """The bench's accounts only sign in here: hash cheaply (argon2's defaults take ~0.3 s each)."""
    monkeypatch.setattr(auth, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


@asynccontextmanager
async def serving(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    """The app in this event loop: Litestar's AsyncTestClient runs each request to completion through a
    blocking portal (one at a time, whatever the concurrency), httpx's ASGI transport does not."""
    # warnings only: 10,000 request lines on the console would bury the figures
    app = create_app(msgspec.structs.replace(settings, log_level="WARNING"))
    async with (
        app.lifespan(),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench") as client,
    ):
        yield client


async def new_staff(pool: asyncpg.Pool, roles: tuple[str, ...]) -> StaffUser:
    username = f"bq_{uuid.uuid4().hex[:10]}"
    user_id = await auth.add_user(pool, username, list(roles), PASSWORD, display_name=f"压测{username[-4:]}")
    return StaffUser(user_id, username, f"压测{username[-4:]}", frozenset(Role(r) for r in roles))


async def template_case(pool: asyncpg.Pool, settings: Settings, subdistrict: str) -> int:
    """One case through the real intake, acceptance and routing, landing in the bench's queue."""
    ctx = IntakeContext(settings.secret_key, settings.evidence_dir, 10, 10 * 1024 * 1024, 86400)
    now = utcnow() - timedelta(days=2)
    body = complaint_body(
        subdistrict=subdistrict, purchase_date=(now - timedelta(days=30)).date().isoformat()
    )
    receipt = await submit_complaint(pool, body, ctx, now=now)
    supervisor = await new_staff(pool, ("supervisor",))
    await casework.accept(
        pool, receipt.case_id, supervisor, Accept(note="压测受理"), now=now + timedelta(hours=1)
    )
    outcome = await routing.route_case(pool, receipt.case_id, now=now + timedelta(hours=1, minutes=1))
    assert outcome == "mediation", outcome
    return receipt.case_id


async def clone_cases(conn: asyncpg.Connection, template_id: int, n: int, offset: int) -> list[int]:
    """`n` copies of the template case, each with its consumer row, events and outbox rows."""
    columns = [
        r["column_name"]
        for r in await conn.fetch(
            "SELECT column_name FROM information_schema.columns"
            " WHERE table_schema = current_schema() AND table_name = 'cases' ORDER BY ordinal_position"
        )
    ]
    copied = [c for c in columns if c != "id"]
    values = ", ".join(OWN_COLUMNS.get(c) or f"t.{c}" for c in copied)
    async with conn.transaction():
        ids = [
            r["id"]
            for r in await conn.fetch(
                f"INSERT INTO cases ({', '.join(copied)})"
                f" SELECT {values} FROM cases t, generate_series(1, $2) g WHERE t.id = $1 ORDER BY g"
                " RETURNING id",
                template_id,
                n,
                offset,
            )
        ]
        await conn.execute(
            "INSERT INTO case_consumers (case_id, name, phone, address, id_number, email)"
            " SELECT c, t.name, t.phone, t.address, t.id_number, t.email"
            " FROM case_consumers t, unnest($2::bigint[]) c WHERE t.case_id = $1",
            template_id,
            ids,
        )
        await conn.execute(
            "INSERT INTO case_events (case_id, kind, actor, at, payload, rule_set_id, request_id)"
            " SELECT c, e.kind, e.actor, e.at, e.payload, e.rule_set_id, e.request_id"
            " FROM unnest($2::bigint[]) c, case_events e WHERE e.case_id = $1 ORDER BY c, e.id",
            template_id,
            ids,
        )
        await conn.execute(
            "INSERT INTO outbox (job, job_key, args, request_id, created_at, enqueued_at, done_at, attempts)"
            " SELECT o.job, replace(o.job_key, ':' || $1::bigint, ':' || c),"
            "        jsonb_set(o.args, '{case_id}', to_jsonb(c)),"
            "        o.request_id, o.created_at, o.enqueued_at, o.done_at, o.attempts"
            " FROM unnest($2::bigint[]) c, outbox o WHERE o.args ->> 'case_id' = $1::bigint::text",
            template_id,
            ids,
        )
    return ids


async def run_claims(
    claim: Claim, mediators: list[StaffUser], queue: str
) -> tuple[float, list[float], list[tuple[int, int]], Counter[str]]:
    """Every mediator claims until the queue is empty (None) or it is at its limit (the claim raises)."""
    latencies: list[float] = []
    claims: list[tuple[int, int]] = []
    ends: Counter[str] = Counter()

    async def mediator(m: StaffUser) -> None:
        while True:
            start = time.perf_counter()
            try:
                case_id = await claim(m, queue)
            except AtLimit:
                ends["at_limit"] += 1
                return
            latencies.append(time.perf_counter() - start)
            if case_id is None:
                ends["queue_empty"] += 1
                return
            claims.append((m.id, case_id))

    # the request log (one line a claim) is kept in memory, not printed amid the figures
    with structlog.testing.capture_logs():
        began = time.perf_counter()
        await asyncio.gather(*(mediator(m) for m in mediators))
        seconds = time.perf_counter() - began
    return seconds, latencies, claims, ends


class AtLimit(Exception):
    pass


def pct(values: list[float], q: int) -> float:
    return statistics.quantiles(values, n=100)[q - 1] * 1000


async def check_claims(
    pool: asyncpg.Pool, ids: list[int], claims: list[tuple[int, int]], mediators: list[StaffUser]
) -> int:
    """Zero double claims, every case claimed once and recorded once; returns the doubles (0)."""
    per_case = Counter(case_id for _, case_id in claims)
    doubles = sum(n - 1 for n in per_case.values() if n > 1)
    assert doubles == 0, f"{doubles} double claims"
    assert set(per_case) == set(ids), f"{len(set(ids) - set(per_case))} cases never claimed"
    rows = await pool.fetch(
        "SELECT c.id, c.assigned_to, count(e.id) AS claimed_events, min(e.actor) AS actor"
        " FROM cases c LEFT JOIN case_events e ON e.case_id = c.id AND e.kind = 'claimed'"
        " WHERE c.id = any($1::bigint[]) GROUP BY c.id",
        ids,
    )
    holder = {case_id: user for user, case_id in claims}
    assert all(r["claimed_events"] == 1 for r in rows), "a claim recorded other than once"
    assert all(r["assigned_to"] == holder[r["id"]] for r in rows), "a case held by another than its claimer"
    assert all(r["actor"] == f"staff:{holder[r['id']]}" for r in rows), "a claim event names another actor"
    held = Counter(user for user, _ in claims)
    assert max(held.values()) <= MAX_OPEN and len(held) <= len(mediators)
    return doubles


def report(name: str, seconds: float, latencies: list[float], claims: int, ends: Counter[str]) -> str:
    return (
        f"  {name:<22}: {claims / seconds:8.1f} claims/s  p50 {pct(latencies, 50):6.1f} ms"
        f"  p99 {pct(latencies, 99):6.1f} ms  ({claims} claims in {seconds:.1f} s; mediators ended: "
        + ", ".join(f"{k} {v}" for k, v in sorted(ends.items()))
        + ")"
    )


async def test_queue_claims(settings: Settings, pool: asyncpg.Pool) -> None:
    # (entered here, not in a fixture: the app's lifespan must end in the task that started it)
    async with serving(settings) as api:
        await claims_bench(settings, pool, api)


async def claims_bench(settings: Settings, pool: asyncpg.Pool, api: httpx.AsyncClient) -> None:
    queue = f"bq_{uuid.uuid4().hex[:8]}"
    subdistrict = "hushu"
    await pool.execute(
        "INSERT INTO queues (code, name_zh, name_en, subdistricts, max_open_per_mediator, sort)"
        " VALUES ($1, '压测调解组', 'Bench team', ARRAY[$2], $3, -1)",
        queue,
        subdistrict,
        MAX_OPEN,
    )
    try:
        template = await template_case(pool, settings, subdistrict)
        async with pool.acquire() as conn:
            began = time.perf_counter()
            http_ids = await clone_cases(conn, template, CASES, 100_000)
            seeded_s = time.perf_counter() - began
            direct_ids = await clone_cases(conn, template, CASES, 200_000)
            await conn.execute("ANALYZE cases")
            await conn.execute("ANALYZE case_events")
        # the template itself goes to a supervisor first: the queue then holds exactly the clones
        await pool.execute("UPDATE cases SET queue = NULL WHERE id = $1", template)

        # 1. through HTTP: every mediator with a bearer token
        http_mediators = [await new_staff(pool, ("mediator",)) for _ in range(MEDIATORS)]
        tokens: dict[int, str] = {}
        for m in http_mediators:
            r = await api.post("/api/v1/auth/token", json={"username": m.username, "password": PASSWORD})
            assert r.status_code == 200, r.text
            tokens[m.id] = r.json()["access_token"]
        # the first 10,000 only: the second batch waits outside the queue
        await pool.execute("UPDATE cases SET queue = NULL WHERE id = any($1::bigint[])", direct_ids)

        async def claim_http(m: StaffUser, q: str) -> int | None:
            r = await api.post(
                f"/api/v1/queues/{q}/claim", headers={"Authorization": f"Bearer {tokens[m.id]}"}
            )
            if r.status_code == 204:
                return None
            if r.status_code == 409:
                raise AtLimit
            assert r.status_code == 200, r.text
            case_id: int = r.json()["id"]
            return case_id

        http_s, http_lat, http_claims, http_ends = await run_claims(claim_http, http_mediators, queue)
        http_doubles = await check_claims(pool, http_ids, http_claims, http_mediators)

        # 2. the use case alone, on the second 10,000, with a fresh team
        await pool.execute("UPDATE cases SET queue = $2 WHERE id = any($1::bigint[])", direct_ids, queue)
        direct_mediators = [await new_staff(pool, ("mediator",)) for _ in range(MEDIATORS)]
        assert settings.database_url
        app_pool = await create_pool(settings.database_url, min_size=1, max_size=settings.db_pool_max)
        try:

            async def claim_direct(m: StaffUser, q: str) -> int | None:
                try:
                    claimed = await queues.claim(app_pool, q, m, now=datetime.now(UTC))
                except OpenCaseLimit as exc:
                    raise AtLimit from exc
                return claimed.id if claimed else None

            direct_s, direct_lat, direct_claims, direct_ends = await run_claims(
                claim_direct, direct_mediators, queue
            )
        finally:
            await app_pool.close()
        direct_doubles = await check_claims(pool, direct_ids, direct_claims, direct_mediators)
    finally:
        await pool.execute("UPDATE cases SET queue = NULL WHERE queue = $1", queue)

    print(
        f"\nqueue claims, {CASES:,} cases in one queue, {MEDIATORS} concurrent mediators, "
        f"limit {MAX_OPEN} open cases each, pool {settings.db_pool_max} connections "
        f"(seeded {CASES:,} cases by clone in {seeded_s:.1f} s):\n"
        f"{report('HTTP, httpx ASGITransport', http_s, http_lat, len(http_claims), http_ends)}\n"
        f"{report('use case queues.claim', direct_s, direct_lat, len(direct_claims), direct_ends)}\n"
        f"  double claims         : {http_doubles + direct_doubles}  (target 0); every case claimed once, "
        "one 'claimed' event each, by its holder"
    )
