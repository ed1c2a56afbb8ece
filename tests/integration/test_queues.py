"""Team queues on a real PostgreSQL: which queue a case joins, claims under concurrency (32 mediators, 500
cases, none claimed twice), a reassignment racing the claims, the open-case limit (also for one
mediator's parallel claims), who may release or reassign, and each queue's load."""

from __future__ import annotations

import asyncio
import random
from collections import Counter
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta

import asyncpg
import pytest
from argon2 import PasswordHasher

from domain.errors import NotFound, ValidationFailed
from domain.queues import OpenCaseLimit, QueueConflict, QueueRule, choose_queue
from service.queries import queues as read
from service.store.staff import StaffUser
from service.usecases import auth, queues
from service.usecases.queue_commands import ReleaseCase
from tests.support.databases import Databases
from tests.support.queues import insert_cases, new_queue, new_user

TODAY = date(2026, 6, 15)  # a Monday
NOW = datetime(2026, 6, 15, 2, tzinfo=UTC)  # 10:00 in Beijing


async def events_of(pool: asyncpg.Pool, case_ids: list[int]) -> dict[int, list[asyncpg.Record]]:
    rows = await pool.fetch(
        "SELECT case_id, kind, actor, payload FROM case_events"
        " WHERE case_id = any($1::bigint[]) AND kind IN ('claimed', 'released', 'reassigned') ORDER BY id",
        case_ids,
    )
    out: dict[int, list[asyncpg.Record]] = {i: [] for i in case_ids}
    for r in rows:
        out[r["case_id"]].append(r)
    return out


def replay(events: list[asyncpg.Record]) -> int | None:
    """The owner the events tell of; each event must start from the owner the previous one left."""
    owner: int | None = None
    for e in events:
        actor = int(e["actor"].split(":", 1)[1])
        if e["kind"] == "claimed":
            assert owner is None, f"claimed while held by {owner}"
            owner = actor
        elif e["kind"] == "reassigned":
            assert e["payload"]["from"] == owner, (e["payload"], owner)
            owner = e["payload"]["to"]
        else:
            assert e["payload"]["from"] == owner, (e["payload"], owner)
            owner = None
    return owner


@pytest.fixture(autouse=True)
def _cheap_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """These accounts never sign in: hash their passwords cheaply (argon2's defaults take ~0.3 s each)."""
    monkeypatch.setattr(auth, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


@pytest.fixture(scope="module")
async def supervisor(pool: asyncpg.Pool) -> StaffUser:
    return await new_user(pool, ("supervisor",), "tqsup")


# --- which queue ---------------------------------------------------------------------------------------

RULES = (
    QueueRule("north", frozenset({"banshan", "kangqiao"}), None, 1),
    QueueRule("food_north", frozenset({"banshan"}), frozenset({"food"}), 0),
    QueueRule("closed_team", None, None, -1, active=False),
    QueueRule("south", frozenset({"wulin"}), None, 3),
    QueueRule("general", None, None, 9),
)


@pytest.mark.parametrize(
    ("subdistrict", "category", "queue"),
    [
        ("banshan", "food", "food_north"),  # the first by sort that takes both
        ("banshan", "household_appliances", "north"),
        ("kangqiao", "food", "north"),
        ("wulin", "food", "south"),
        ("hushu", "food", "general"),  # nobody's sub-district
        (None, "food", "general"),  # a sub-district left blank matches only "any"
    ],
)
def test_choose_queue(subdistrict: str | None, category: str, queue: str) -> None:
    assert choose_queue(RULES, subdistrict, category) == queue


async def test_queue_for_reads_the_seeded_queues(pool: asyncpg.Pool) -> None:
    async with pool.acquire() as conn:
        assert await queues.queue_for(conn, {"subdistrict": "banshan", "category": "food"}) == "north"
        assert await queues.queue_for(conn, {"subdistrict": "hushu", "category": "food"}) == "central"
        assert await queues.queue_for(conn, {"subdistrict": "wulin", "category": "food"}) == "south"
        assert await queues.queue_for(conn, {"subdistrict": None, "category": "food"}) == "general"


async def test_enter_queue_sets_the_queue_with_an_event(pool: asyncpg.Pool) -> None:
    (case_id,) = await insert_cases(pool, 1, queue=None, subdistrict="kangqiao")
    async with pool.acquire() as conn, conn.transaction():
        row = await conn.fetchrow("SELECT * FROM cases WHERE id = $1", case_id)
        assert await queues.enter_queue(conn, row, now=NOW) == "north"
    assert await pool.fetchval("SELECT queue FROM cases WHERE id = $1", case_id) == "north"
    event = await pool.fetchrow("SELECT actor, payload FROM case_events WHERE case_id = $1", case_id)
    assert (event["actor"], event["payload"]) == ("system", {"queue": "north"})


# --- a fresh database: the concurrency test, the backfill, the overview -------------------------------


@pytest.fixture
async def fresh_pool(databases: Databases) -> AsyncIterator[asyncpg.Pool]:
    async with databases.pool(max_size=33) as pool:
        yield pool


async def test_32_mediators_claim_500_cases_and_none_twice(fresh_pool: asyncpg.Pool) -> None:
    pool = fresh_pool
    await pool.execute("UPDATE queues SET max_open_per_mediator = 1000 WHERE code = 'north'")
    case_ids = await insert_cases(pool, 500, queue="north")
    mediators = [await new_user(pool, prefix=f"m{i:02d}") for i in range(32)]
    start = asyncio.Event()

    async def work(me: StaffUser) -> list[int]:
        await start.wait()
        mine = []
        while (claimed := await queues.claim(pool, "north", me, now=NOW)) is not None:
            mine.append(claimed.id)
        return mine

    tasks = [asyncio.create_task(work(m)) for m in mediators]
    start.set()
    results = await asyncio.gather(*tasks)

    claims = [case_id for mine in results for case_id in mine]
    assert len(claims) == 500 and sorted(claims) == case_ids  # 500 distinct claims, none twice
    assert sum(1 for mine in results if mine) > 1  # the claims really ran side by side
    by_claimer = {case_id: m.id for m, mine in zip(mediators, results, strict=True) for case_id in mine}
    rows = await pool.fetch(
        "SELECT id, assigned_to, assigned_at FROM cases WHERE id = any($1::bigint[])", case_ids
    )
    assert {r["id"]: r["assigned_to"] for r in rows} == by_claimer  # every case assigned exactly once
    assert all(r["assigned_at"] == NOW for r in rows)
    events = await events_of(pool, case_ids)
    assert all(len(e) == 1 and e[0]["kind"] == "claimed" for e in events.values())
    assert all(replay(events[i]) == by_claimer[i] for i in case_ids)
    assert all(events[i][0]["payload"] == {"queue": "north"} for i in case_ids)
    assert await queues.claim(pool, "north", mediators[0], now=NOW) is None


async def test_backfill_and_overview(fresh_pool: asyncpg.Pool) -> None:
    pool = fresh_pool
    old = datetime(2026, 5, 1, 2, tzinfo=UTC)
    # cases routed before queues existed: two in the north, one in the centre, one with no sub-district
    north = await insert_cases(
        pool, 2, queue=None, subdistrict="banshan", received_at=old, first_due=date(2026, 6, 1)
    )
    central = await insert_cases(pool, 1, queue=None, subdistrict="hushu")
    general = await insert_cases(pool, 1, queue=None, subdistrict=None)
    closed = await insert_cases(pool, 1, queue=None, status="closed", subdistrict="banshan")
    assert await queues.assign_queues_for_unqueued(pool, now=NOW) == 4
    assert await queues.assign_queues_for_unqueued(pool, now=NOW) == 0
    got = dict(await pool.fetch("SELECT id, queue FROM cases ORDER BY id"))
    assert [got[i] for i in north + central + general + closed] == [
        "north",
        "north",
        "central",
        "general",
        None,
    ]
    assert await pool.fetchval("SELECT count(*) FROM case_events WHERE kind = 'queued'") == 4

    # the north queue by hand: 2 unassigned (due Jun 1 and 2: both overdue on Jun 15), then three more
    a, b = await new_user(pool), await new_user(pool)
    held = await insert_cases(pool, 3, queue="north", received_at=datetime(2026, 4, 1, 2, tzinfo=UTC))
    await pool.execute(
        "UPDATE cases SET mediation_due = $2 WHERE id = any($1::bigint[])", held, date(2026, 6, 10)
    )
    await pool.execute("UPDATE cases SET assigned_to = $2 WHERE id = any($1::bigint[])", held[:2], a.id)
    await pool.execute("UPDATE cases SET assigned_to = $2, paused = true WHERE id = $1", held[2], b.id)
    await insert_cases(
        pool, 1, queue="north", status="arbitration", first_due=date(2026, 1, 5)
    )  # not mediation
    await insert_cases(pool, 1, queue="north", status="closed")
    await queues.add_member(pool, "north", a.id)
    await queues.add_member(pool, "north", b.id)
    with pytest.raises(NotFound):
        await queues.remove_member(pool, "central", a.id)

    loads = {q.code: q for q in await read.overview(pool, today=TODAY)}
    assert list(loads) == ["north", "central", "south", "general"]
    n = loads["north"]
    assert (n.unassigned, n.assigned, n.overdue) == (2, 3, 4)  # the paused one is not overdue
    assert n.oldest_unassigned == old + timedelta(minutes=1)
    assert sorted(m.user_id for m in n.members) == sorted([a.id, b.id])
    c = loads["central"]
    assert (c.unassigned, c.assigned, c.overdue, c.members) == (1, 0, 0, ())
    s = loads["south"]
    assert (s.unassigned, s.assigned, s.overdue, s.oldest_unassigned) == (0, 0, 0, None)


# --- claims in order, the limit, release and reassignment ----------------------------------------------


async def test_claims_come_most_urgent_first_with_a_countdown(pool: asyncpg.Pool) -> None:
    queue = await new_queue(pool)
    ids = await insert_cases(pool, 3, queue=queue, first_due=date(2026, 6, 16), spread_days=3)
    await pool.execute("UPDATE cases SET mediation_due = NULL WHERE id = $1", ids[0])  # no deadline: last
    me = await new_user(pool)
    got = [await queues.claim(pool, queue, me, now=NOW) for _ in range(4)]
    assert [c.id if c else None for c in got] == [ids[2], ids[1], ids[0], None]
    first, second, last = got[0], got[1], got[2]
    assert first is not None and second is not None and last is not None
    # counted from Monday Jun 15 in working days
    assert (first.mediation_due, first.working_days_left, first.queue) == (date(2026, 6, 16), 1, queue)
    assert (second.mediation_due, second.working_days_left) == (date(2026, 6, 18), 3)
    assert (last.mediation_due, last.working_days_left) == (None, None)


async def test_an_unknown_queue(pool: asyncpg.Pool) -> None:
    with pytest.raises(NotFound):
        await queues.claim(pool, "no_such_queue", await new_user(pool), now=NOW)


async def test_the_open_case_limit(pool: asyncpg.Pool) -> None:
    queue = await new_queue(pool, max_open=2)
    ids = await insert_cases(pool, 5, queue=queue)
    me = await new_user(pool)
    assert await queues.claim(pool, queue, me, now=NOW) is not None
    assert await queues.claim(pool, queue, me, now=NOW) is not None
    with pytest.raises(OpenCaseLimit) as exc:
        await queues.claim(pool, queue, me, now=NOW)
    assert str(exc.value) == "您手上的案件已达上限（2件）" and exc.value.code == "limit"
    # a closed case no longer counts
    first = await pool.fetchval("SELECT min(id) FROM cases WHERE assigned_to = $1", me.id)
    assert first in ids
    await pool.execute("UPDATE cases SET status = 'closed', outcome = 'settled' WHERE id = $1", first)
    assert await queues.claim(pool, queue, me, now=NOW) is not None
    with pytest.raises(OpenCaseLimit):
        await queues.claim(pool, queue, me, now=NOW)


async def test_one_mediators_parallel_claims_cannot_pass_the_limit(pool: asyncpg.Pool) -> None:
    queue = await new_queue(pool, max_open=3)
    await insert_cases(pool, 20, queue=queue)
    me = await new_user(pool)
    results = await asyncio.gather(
        *(queues.claim(pool, queue, me, now=NOW) for _ in range(12)), return_exceptions=True
    )
    assert sum(1 for r in results if isinstance(r, queues.Claimed)) == 3
    assert sum(1 for r in results if isinstance(r, OpenCaseLimit)) == 9
    assert await pool.fetchval("SELECT count(*) FROM cases WHERE assigned_to = $1", me.id) == 3


async def test_who_may_release(pool: asyncpg.Pool, supervisor: StaffUser) -> None:
    queue = await new_queue(pool)
    ids = await insert_cases(pool, 2, queue=queue)
    a, b = await new_user(pool), await new_user(pool)
    claimed = await queues.claim(pool, queue, a, now=NOW)
    assert claimed is not None
    with pytest.raises(QueueConflict) as exc:
        await queues.release(pool, claimed.id, b, None, now=NOW)  # not theirs: 409
    assert exc.value.code == "not_assignee"
    with pytest.raises(ValidationFailed):
        await queues.release(pool, claimed.id, a, ReleaseCase("太长" * 300), now=NOW)
    assert await queues.release(pool, claimed.id, a, ReleaseCase(" 需回避 "), now=NOW) == a.id
    with pytest.raises(QueueConflict) as exc:
        await queues.release(pool, claimed.id, a, None, now=NOW)
    assert exc.value.code == "not_assigned"
    # back in the queue: b claims it, and a supervisor may release anyone's case
    again = await queues.claim(pool, queue, b, now=NOW)
    assert again is not None and again.id == claimed.id
    assert await queues.release(pool, claimed.id, supervisor, None, now=NOW) == b.id
    with pytest.raises(NotFound):
        await queues.release(pool, 10**12, a, None, now=NOW)
    events = (await events_of(pool, ids))[claimed.id]
    assert [(e["kind"], dict(e["payload"])) for e in events] == [
        ("claimed", {"queue": queue}),
        ("released", {"from": a.id, "reason": "需回避"}),
        ("claimed", {"queue": queue}),
        ("released", {"from": b.id}),
    ]
    assert replay(events) is None


async def test_reassign_checks_the_target_and_the_case(pool: asyncpg.Pool, supervisor: StaffUser) -> None:
    queue = await new_queue(pool)
    (case_id,) = await insert_cases(pool, 1, queue=queue)
    a, b = await new_user(pool), await new_user(pool)
    clerk = await new_user(pool, ("clerk",))
    gone = await new_user(pool)
    await auth.disable_user(pool, gone.username)
    for target in (clerk.id, gone.id, 10**12, "7", -1, None):
        with pytest.raises(ValidationFailed) as exc:
            await queues.reassign(pool, case_id, supervisor, target, now=NOW)
        assert exc.value.errors[0].field == "user_id"
    assert await queues.reassign(pool, case_id, supervisor, a.id, now=NOW) is None  # unassigned before
    with pytest.raises(QueueConflict) as conflict:
        await queues.reassign(pool, case_id, supervisor, a.id, now=NOW)
    assert conflict.value.code == "same_mediator"
    assert await queues.reassign(pool, case_id, supervisor, b.id, now=NOW) == a.id
    assert await pool.fetchval("SELECT assigned_to FROM cases WHERE id = $1", case_id) == b.id
    await pool.execute("UPDATE cases SET status = 'closed', outcome = 'settled' WHERE id = $1", case_id)
    with pytest.raises(QueueConflict) as conflict:
        await queues.reassign(pool, case_id, supervisor, a.id, now=NOW)
    assert conflict.value.code == "finished"
    events = (await events_of(pool, [case_id]))[case_id]
    # the history names from whom to whom (issue 15)
    a_name, b_name = a.display_name, b.display_name
    assert [dict(e["payload"]) for e in events] == [
        {"from": None, "to": a.id, "from_name": None, "to_name": a_name},
        {"from": a.id, "to": b.id, "from_name": a_name, "to_name": b_name},
    ]
    assert all(e["actor"] == supervisor.actor for e in events)


async def test_a_reassignment_racing_the_claims_leaves_one_owner(
    pool: asyncpg.Pool, supervisor: StaffUser
) -> None:
    queue = await new_queue(pool, max_open=1000)
    case_ids = await insert_cases(pool, 120, queue=queue)
    claimers = [await new_user(pool) for _ in range(4)]
    targets = [await new_user(pool) for _ in range(2)]
    rng = random.Random(17)
    done = asyncio.Event()

    async def claim_all(me: StaffUser) -> int:
        claimed = 0
        while await queues.claim(pool, queue, me, now=NOW) is not None:
            claimed += 1
        return claimed

    async def rebalance() -> int:
        moves = 0
        while not done.is_set() or moves < 40:
            try:
                await queues.reassign(pool, rng.choice(case_ids), supervisor, rng.choice(targets).id, now=NOW)
                moves += 1
            except QueueConflict:
                pass
            await asyncio.sleep(0)
        return moves

    supervisor_task = asyncio.create_task(rebalance())
    assert sum(await asyncio.gather(*(claim_all(m) for m in claimers))) >= len(case_ids) - 40
    done.set()
    assert await supervisor_task >= 40

    owners = dict(
        await pool.fetch("SELECT id, assigned_to FROM cases WHERE id = any($1::bigint[])", case_ids)
    )
    assert all(owners[i] is not None for i in case_ids)  # every case has one owner
    events = await events_of(pool, case_ids)
    for case_id in case_ids:
        assert replay(events[case_id]) == owners[case_id], case_id  # and the history tells the same story
    kinds = Counter(e["kind"] for evs in events.values() for e in evs)
    assert kinds["reassigned"] >= 40 and kinds["claimed"] <= len(case_ids)
