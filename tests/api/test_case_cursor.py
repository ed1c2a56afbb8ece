"""The staff queue at scale (issue 17): keyset paging by cursor, capped counts, the stored queue deadline
kept right by triggers (migration 0033), open cases by default, and plans that read the matching index."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta
from typing import Any

import asyncpg
import pytest

from service.queries import cases as case_queries
from service.queries import cursors
from service.settings import Settings
from service.store import cases as case_store
from tests.support.cases import merchant_with_commitment
from tests.support.casework import browser_of
from tests.support.clock import today_local as shanghai_today
from tests.support.factories import complaint_body
from tests.support.queues import insert_cases
from tests.support.staff import Client, Staff

# The queue's order as it was computed per request before migration 0033 (cases_list.sql then): the test
# compares the stored queue_due against it, so a write that moves a deadline without the trigger fails here.
REFERENCE_ORDER = """
    SELECT c.id FROM cases c
    LEFT JOIN first_payments fp ON fp.case_id = c.id AND c.status = 'first_payment' AND fp.state = 'notified'
    WHERE (cardinality($1::text[]) = 0 AND c.status NOT IN ('closed', 'rejected') OR c.status = any($1))
      AND ($2::text IS NULL OR c.subdistrict = $2) AND ($3::text IS NULL OR c.category = $3)
    ORDER BY CASE WHEN c.status = 'received' THEN c.acceptance_due
                  WHEN fp.case_id IS NOT NULL THEN fp.reply_due
                  WHEN c.status IN ('accepted', 'merchant_to_confirm', 'first_payment', 'mediation',
                                    'arbitration') AND NOT c.paused THEN c.mediation_due
             END ASC NULLS LAST, c.received_at, c.id
"""


@pytest.fixture(scope="module")
async def queue_cases(client: Client, pool: asyncpg.Pool) -> dict[str, list[int]]:
    """Sixteen complaints in two sub-districts and two categories, brought by SQL to the queue's every kind
    of deadline: received (one acceptance deadline, so ties broken by received_at), in mediation on
    several dates, paused, waiting for a merchant's first-payment reply, closed and rejected."""
    today = shanghai_today()  # the today_local fixture's date; that fixture is per test, this is per module
    ids: list[int] = []
    for n in range(16):
        body = complaint_body(
            subdistrict=("banshan", "hushu")[n % 2], category=("food", "clothing_shoes")[n % 3 % 2]
        )
        r = await client.post("/api/v1/complaints", json=body)
        assert r.status_code == 201, r.text
        ids.append(
            await pool.fetchval("SELECT id FROM cases WHERE tracking_no = $1", r.json()["tracking_no"])
        )
    mediating, paused, paying, closed, rejected = ids[4:9], ids[9:10], ids[10:12], ids[12:14], ids[14:]
    for k, case_id in enumerate(mediating + paused + paying):
        await pool.execute(
            "UPDATE cases SET status = 'mediation', mediation_due = $2 WHERE id = $1",
            case_id,
            today + timedelta(days=(9, 2, 30, 2, -3, 5, 11, 4)[k]),
        )
    await pool.execute("UPDATE cases SET paused = true WHERE id = any($1)", paused)
    payer, _ = await merchant_with_commitment(pool)
    for k, case_id in enumerate(paying):
        await pool.execute("UPDATE cases SET status = 'first_payment' WHERE id = $1", case_id)
        await pool.execute(
            "INSERT INTO first_payments (case_id, payer_id, amount_fen, reply_due) VALUES ($1, $2, 100, $3)",
            case_id,
            payer,
            today + timedelta(days=1 + k * 20),
        )
    await pool.execute("UPDATE cases SET status = 'closed', outcome = 'withdrawn' WHERE id = any($1)", closed)
    await pool.execute(
        "UPDATE cases SET status = 'rejected', rejection_ground = 1 WHERE id = any($1)", rejected
    )
    return {"all": ids, "paused": paused, "paying": paying, "closed": closed, "rejected": rejected}


async def reference_ids(pool: asyncpg.Pool, query: dict[str, Any]) -> list[int]:
    status = query.get("status", [])
    statuses = [status] if isinstance(status, str) else status
    rows = await pool.fetch(REFERENCE_ORDER, statuses, query.get("subdistrict"), query.get("category"))
    return [r["id"] for r in rows]


async def walk(client: Client, headers: dict[str, str], query: dict[str, Any]) -> tuple[list[int], list[Any]]:
    """Every page of the queue by next_cursor, three cases a page: the ids in order, and each page."""
    ids: list[int] = []
    pages: list[Any] = []
    cursor = None
    while True:
        params = {**query, "limit": 3, **({"cursor": cursor} if cursor else {})}
        r = await client.get("/api/v1/cases", params=params, headers=headers)
        assert r.status_code == 200, r.text
        pages.append(r.json())
        ids += [i["id"] for i in r.json()["items"]]
        cursor = r.json()["next_cursor"]
        if cursor is None:
            return ids, pages
        assert len(pages) < 1000, "the cursor does not move on"


@pytest.mark.parametrize(
    "query",
    [
        {},
        {"status": "received"},
        {"status": "closed"},
        {"status": ["mediation", "first_payment"]},
        {"status": ["received", "rejected"]},
        {"subdistrict": "banshan"},
        {"category": "food"},
        {"category": "clothing_shoes", "subdistrict": "hushu", "status": ["received", "mediation"]},
    ],
)
async def test_the_cursor_walks_the_whole_queue_in_order(
    client: Client,
    staff: dict[str, Staff],
    pool: asyncpg.Pool,
    queue_cases: dict[str, list[int]],
    query: dict[str, Any],
) -> None:
    ids, pages = await walk(client, staff["clerk"].headers, query)
    expected = await reference_ids(pool, query)
    assert ids == expected  # no gap, no duplicate, the deadline order (ties by received_at, id)
    assert len(pages) == max(1, -(-len(expected) // 3))
    assert all(p["total"] == len(expected) and not p["total_is_lower_bound"] for p in pages)


async def test_the_stored_deadline_is_the_queue_s_own(
    client: Client,
    staff: dict[str, Staff],
    pool: asyncpg.Pool,
    queue_cases: dict[str, list[int]],
    today_local: date,
) -> None:
    r = await client.get(
        "/api/v1/cases",
        params={"limit": 200, "status": ["first_payment", "mediation"]},
        headers=staff["clerk"].headers,
    )
    items = {i["id"]: i for i in r.json()["items"]}
    first, second = queue_cases["paying"]
    assert items[first]["next_due"] == (today_local + timedelta(days=1)).isoformat()  # the reply deadline
    assert items[queue_cases["paused"][0]]["next_due"] is None  # paused: no running deadline, listed last
    # the merchant answers: the case counts down its mediation deadline again; a new reply date moves it
    await pool.execute("UPDATE first_payments SET state = 'refused' WHERE case_id = $1", first)
    await pool.execute("UPDATE first_payments SET reply_due = reply_due + 1 WHERE case_id = $1", second)
    await pool.execute("UPDATE cases SET paused = false WHERE id = any($1)", queue_cases["paused"])
    stored = await pool.fetch(
        "SELECT id, queue_due, queue_due_kind, mediation_due FROM cases WHERE id = any($1)",
        [first, second, *queue_cases["paused"]],
    )
    by_id = {r["id"]: r for r in stored}
    assert (by_id[first]["queue_due"], by_id[first]["queue_due_kind"]) == (
        by_id[first]["mediation_due"],
        "mediation",
    )
    assert (by_id[second]["queue_due"], by_id[second]["queue_due_kind"]) == (
        today_local + timedelta(days=22),
        "reply",
    )
    assert by_id[queue_cases["paused"][0]]["queue_due"] == by_id[queue_cases["paused"][0]]["mediation_due"]
    ids, _ = await walk(client, staff["clerk"].headers, {"status": ["first_payment", "mediation"]})
    assert ids == await reference_ids(pool, {"status": ["first_payment", "mediation"]})
    await pool.execute("UPDATE cases SET paused = true WHERE id = any($1)", queue_cases["paused"])


async def test_the_default_queue_is_the_open_cases(
    client: Client, staff: dict[str, Staff], queue_cases: dict[str, list[int]]
) -> None:
    h = staff["clerk"].headers
    listed, _ = await walk(client, h, {})
    assert not set(listed) & set(queue_cases["closed"] + queue_cases["rejected"])
    assert set(queue_cases["all"]) - set(queue_cases["closed"] + queue_cases["rejected"]) <= set(listed)
    assert set(queue_cases["closed"]) <= set((await walk(client, h, {"status": "closed"}))[0])
    assert set(queue_cases["rejected"]) <= set((await walk(client, h, {"status": "rejected"}))[0])


async def test_a_cursor_that_is_not_ours_is_a_400_naming_the_field(
    client: Client, staff: dict[str, Staff], queue_cases: dict[str, list[int]]
) -> None:
    h = staff["clerk"].headers
    good = (await client.get("/api/v1/cases", params={"limit": 1}, headers=h)).json()["next_cursor"]
    assert good and (await client.get("/api/v1/cases", params={"cursor": good}, headers=h)).status_code == 200
    edited = [good[:5] + ("A" if good[5] != "A" else "B") + good[6:], good[:-2], good + "AA"]
    elsewhere = cursors.encode("clusters", cursors.decode(case_queries.CURSOR_KIND, good, 3))
    forged = cursors.encode(case_queries.CURSOR_KIND, (0, 0, 1))  # day 0 does not exist
    for bad in [*edited, elsewhere, forged, "x", "!!!!", "é" * 8, "A" * 300, "AAAAAAAAAAAA"]:
        r = await client.get("/api/v1/cases", params={"cursor": bad}, headers=h)
        assert r.status_code == 400, (bad, r.text)
        assert r.json()["extra"][0]["key"] == "cursor"


async def test_offset_works_for_small_steps_and_points_to_the_cursor_beyond(
    client: Client, staff: dict[str, Staff], queue_cases: dict[str, list[int]]
) -> None:
    h = staff["clerk"].headers
    whole, _ = await walk(client, h, {})
    second = (await client.get("/api/v1/cases", params={"limit": 3, "offset": 3}, headers=h)).json()
    assert [i["id"] for i in second["items"]] == whole[3:6]
    assert (await client.get("/api/v1/cases", params={"offset": 10_000}, headers=h)).status_code == 200
    far = await client.get("/api/v1/cases", params={"offset": 10_001}, headers=h)
    assert far.status_code == 400
    assert far.json()["extra"][0]["key"] == "offset" and "cursor" in far.json()["extra"][0]["message"]


async def test_the_count_stops_at_its_cap(
    client: Client,
    staff: dict[str, Staff],
    queue_cases: dict[str, list[int]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(case_queries, "COUNT_CAP", 3)
    h = staff["clerk"].headers
    many = (await client.get("/api/v1/cases", headers=h)).json()
    assert (many["total"], many["total_is_lower_bound"]) == (3, True)
    assert len(many["items"]) > 3  # the cap bounds the count, not the page
    few = (await client.get("/api/v1/cases", params={"status": "rejected"}, headers=h)).json()
    assert few["total"] == len(few["items"]) <= 3 and not few["total_is_lower_bound"]


PLANNED = [
    (case_store.CaseFilter(), "cases_queue_open_idx"),
    (case_store.CaseFilter(statuses=("closed",)), "cases_queue_status_idx"),
    (case_store.CaseFilter(statuses=("received",)), "cases_queue_status_idx"),
    (case_store.CaseFilter(category="food"), "cases_queue_category_idx"),
    (case_store.CaseFilter(subdistrict="banshan"), "cases_queue_subdistrict_idx"),
]


@pytest.mark.parametrize(("f", "index"), PLANNED)
async def test_a_generic_plan_reads_the_matching_index_in_order(
    pool: asyncpg.Pool, queue_cases: dict[str, list[int]], f: case_store.CaseFilter, index: str
) -> None:
    """The plan PostgreSQL settles on after five executions (a generic plan, forced here) walks an index
    in the queue's order, sorting nothing. Sequential and bitmap scans are switched off only because on a
    test-sized table they cost less; the old catch-all statement had no such plan at all."""
    where, values = case_store.queue_filters(f, 3)
    sql = case_store.SQL["cases_list"].replace("/*filters*/", where)
    async with pool.acquire() as conn, conn.transaction():
        for setting in (
            "plan_cache_mode = force_generic_plan",
            "enable_seqscan = off",
            "enable_bitmapscan = off",
        ):
            await conn.execute(f"SET LOCAL {setting}")
        await conn.execute(f"PREPARE queue_page AS {sql}")
        args = ", ".join(["51", "0", *(f"'{v}'" for v in values)])
        plan = json.loads(await conn.fetchval(f"EXPLAIN (FORMAT JSON) EXECUTE queue_page({args})"))
        await conn.execute("DEALLOCATE queue_page")
    nodes = list(_nodes(plan[0]["Plan"]))
    assert not [n for n in nodes if n["Node Type"] in ("Sort", "Incremental Sort")], nodes
    assert index in [n.get("Index Name") for n in nodes], nodes


def _nodes(node: dict[str, Any]) -> Any:
    yield node
    for child in node.get("Plans", []):
        yield from _nodes(child)


async def test_a_load_made_with_the_triggers_off_is_put_right_by_the_refresh(
    pool: asyncpg.Pool, queue_cases: dict[str, list[int]], today_local: date
) -> None:
    """Bulk loads (the benchmarks') run with session_replication_role = replica, which stops the triggers;
    case_queue_due_refresh sets the columns afterwards, and only where they are wrong (so nowhere else in
    this database: every other write went through the triggers)."""

    class RolledBack(Exception):
        pass

    case_id = queue_cases["all"][0]
    due = today_local + timedelta(days=40)
    with pytest.raises(RolledBack):
        async with pool.acquire() as conn, conn.transaction():
            await conn.execute("SET LOCAL session_replication_role = replica")
            await conn.execute(
                "UPDATE cases SET status = 'mediation', mediation_due = $2 WHERE id = $1", case_id, due
            )
            assert (
                await conn.fetchval("SELECT queue_due_kind FROM cases WHERE id = $1", case_id) == "acceptance"
            )
            assert (
                await conn.fetchval("SELECT case_queue_due_refresh($1::bigint, $1::bigint + 1)", case_id) == 1
            )
            assert await conn.fetchval("SELECT case_queue_due_refresh(0, 9223372036854775807)") == 0
            fixed = await conn.fetchrow("SELECT queue_due, queue_due_kind FROM cases WHERE id = $1", case_id)
            assert tuple(fixed) == (due, "mediation")
            raise RolledBack


async def test_the_staff_page_pages_by_cursor_and_says_when_the_count_stops(
    pool: asyncpg.Pool, settings: Settings, monkeypatch: pytest.MonkeyPatch, today_local: date
) -> None:
    await insert_cases(
        pool, 120, queue=None, category="vehicles", subdistrict="xiaohe", first_due=today_local
    )
    query = {"category": "vehicles", "subdistrict": "xiaohe"}
    expected = await reference_ids(pool, query)
    async with browser_of(settings, "t_clerk") as browser:
        pages, url = [], "/staff/cases?category=vehicles&subdistrict=xiaohe"
        while url:
            page = await browser.get(url)
            assert page.status_code == 200, page.text
            assert f"共 <strong>{len(expected)}</strong> 件" in page.text
            pages.append(page.text)
            url = _link(page.text, "next")
        assert [i for p in pages for i in _case_ids(p)] == expected
        assert "cursor=" in (_link(pages[0], "next") or "") and _link(pages[0], "prev") is None
        assert _link(pages[2], "prev") == "/staff/cases?subdistrict=xiaohe&category=vehicles&offset=50"
        assert "第 101–" in pages[2]
        assert "不选状态时只显示未办结的案件" in pages[0]

        monkeypatch.setattr(case_queries, "COUNT_CAP", 100)
        capped = await browser.get("/staff/cases?category=vehicles&subdistrict=xiaohe")
        assert "共 <strong>100+</strong> 件" in capped.text
        bad = await browser.get("/staff/cases?category=vehicles&subdistrict=xiaohe&cursor=nonsense")
        assert bad.status_code == 400 and "翻页链接无效" in bad.text
        assert _case_ids(bad.text) == expected[:50]  # the first page, with the message
        far = await browser.get("/staff/cases?offset=10001")
        assert far.status_code == 400 and "页码过大" in far.text


def _link(html: str, rel: str) -> str | None:
    found = re.search(rf'href="([^"]+)" rel="{rel}"', html)
    return found.group(1).replace("&amp;", "&") if found else None


def _case_ids(html: str) -> list[int]:
    return [int(i) for i in re.findall(r'<th scope="row" class="no"[^>]*><a href="/staff/cases/(\d+)"', html)]
