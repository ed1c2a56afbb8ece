"""Team queues through HTTP: who may call what (401/403), claim (200, 204, 404, 409 at the limit), release
and reassign, each queue's load, membership, and the pages: "我的案件" with its one-click claim, and the
supervisor's overview."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import asyncpg
import pytest
from argon2 import PasswordHasher
from litestar.testing import AsyncTestClient

from service.settings import Settings
from service.usecases import auth
from service.usecases.clock import local_date, utcnow
from tests.support.html import csrf_token
from tests.support.queues import insert_cases, new_queue
from tests.support.staff import Staff, make_staff, signed_in

Client = AsyncTestClient  # type: ignore[type-arg]


@pytest.fixture(autouse=True)
def _cheap_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Accounts made here only sign in for these tests: hash cheaply (argon2's defaults take ~0.3 s each)."""
    monkeypatch.setattr(auth, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


async def mediator(pool: asyncpg.Pool, api: Client, roles: tuple[str, ...] = ("mediator",)) -> Staff:
    return await make_staff(pool, api, f"tqa_{uuid.uuid4().hex[:10]}", list(roles))


# --- who may call what ----------------------------------------------------------------------------------

CALLS = [
    ("GET", "/api/v1/queues", None),
    ("POST", "/api/v1/queues/general/claim", None),
    ("POST", "/api/v1/cases/1/release", None),
    ("POST", "/api/v1/cases/1/assign", {"user_id": 1}),
    ("POST", "/api/v1/queues/general/members", {"user_id": 1}),
    ("DELETE", "/api/v1/queues/general/members/1", None),
]


@pytest.mark.parametrize(("method", "path", "body"), CALLS)
async def test_the_api_needs_a_token(api: Client, method: str, path: str, body: Any) -> None:
    r = await api.request(method, path, json=body)
    assert r.status_code == 401, r.text


FORBIDDEN = [
    ("leading_group", "GET", "/api/v1/queues", None),  # statistics only, never a case
    ("admin", "GET", "/api/v1/queues", None),
    ("clerk", "POST", "/api/v1/queues/general/claim", None),
    ("leading_group", "POST", "/api/v1/queues/general/claim", None),
    ("clerk", "POST", "/api/v1/cases/1/release", None),
    ("mediator", "POST", "/api/v1/cases/1/assign", {"user_id": 1}),
    ("clerk", "POST", "/api/v1/cases/1/assign", {"user_id": 1}),
    ("mediator", "POST", "/api/v1/queues/general/members", {"user_id": 1}),
    ("mediator", "DELETE", "/api/v1/queues/general/members/1", None),
]


@pytest.mark.parametrize(("role", "method", "path", "body"), FORBIDDEN)
async def test_roles_that_may_not(
    api: Client, staff: dict[str, Staff], role: str, method: str, path: str, body: Any
) -> None:
    r = await api.request(method, path, json=body, headers=staff[role].headers)
    assert r.status_code == 403, r.text


# --- claim -----------------------------------------------------------------------------------------------


async def test_claim_200_then_204_and_unknown_404(api: Client, pool: asyncpg.Pool) -> None:
    queue = await new_queue(pool)
    today = local_date(utcnow())
    (case_id,) = await insert_cases(pool, 1, queue=queue, first_due=today + timedelta(days=30))
    me = await mediator(pool, api)
    r = await api.post(f"/api/v1/queues/{queue}/claim", headers=me.headers)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["id"] == case_id and body["queue"] == queue and body["tracking_no"].startswith("TQ")
    assert body["mediation_due"] == (today + timedelta(days=31)).isoformat()  # first_due + (1 mod 60)
    assert isinstance(body["working_days_left"], int) and body["working_days_left"] > 15
    r = await api.post(f"/api/v1/queues/{queue}/claim", headers=me.headers)
    assert r.status_code == 204 and r.content == b""
    r = await api.post("/api/v1/queues/no_such_queue/claim", headers=me.headers)
    assert r.status_code == 404
    event = await pool.fetchrow(
        "SELECT actor, payload FROM case_events WHERE case_id = $1 AND kind = 'claimed'", case_id
    )
    assert (event["actor"], event["payload"]) == (f"staff:{me.user_id}", {"queue": queue})


async def test_a_supervisor_may_claim_too(api: Client, pool: asyncpg.Pool, staff: dict[str, Staff]) -> None:
    queue = await new_queue(pool)
    await insert_cases(pool, 1, queue=queue)
    r = await api.post(f"/api/v1/queues/{queue}/claim", headers=staff["supervisor"].headers)
    assert r.status_code == 200


async def test_claim_409_at_the_limit(api: Client, pool: asyncpg.Pool) -> None:
    queue = await new_queue(pool, max_open=1)
    await insert_cases(pool, 2, queue=queue)
    me = await mediator(pool, api)
    assert (await api.post(f"/api/v1/queues/{queue}/claim", headers=me.headers)).status_code == 200
    r = await api.post(f"/api/v1/queues/{queue}/claim", headers=me.headers)
    assert r.status_code == 409
    assert r.json()["detail"] == "您手上的案件已达上限（1件）"


# --- release and reassign --------------------------------------------------------------------------------


async def test_release_by_the_holder_or_a_supervisor(
    api: Client, pool: asyncpg.Pool, staff: dict[str, Staff]
) -> None:
    queue = await new_queue(pool)
    (case_id,) = await insert_cases(pool, 1, queue=queue)
    a, b = await mediator(pool, api), await mediator(pool, api)
    assert (await api.post(f"/api/v1/queues/{queue}/claim", headers=a.headers)).status_code == 200
    # another mediator may not release it: 409 (the case is held by someone else, not a role matter)
    r = await api.post(f"/api/v1/cases/{case_id}/release", headers=b.headers)
    assert r.status_code == 409 and "承办" in r.json()["detail"]
    r = await api.post(f"/api/v1/cases/{case_id}/release", json={"reason": 1}, headers=a.headers)
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "reason"
    r = await api.post(f"/api/v1/cases/{case_id}/release", json={"reason": "出差一周"}, headers=a.headers)
    assert r.status_code == 200 and r.json() == {"id": case_id, "assigned_to": None, "previous": a.user_id}
    r = await api.post(f"/api/v1/cases/{case_id}/release", headers=a.headers)
    assert r.status_code == 409  # nobody holds it now
    assert (await api.post(f"/api/v1/queues/{queue}/claim", headers=b.headers)).json()["id"] == case_id
    r = await api.post(f"/api/v1/cases/{case_id}/release", headers=staff["supervisor"].headers)
    assert r.status_code == 200 and r.json()["previous"] == b.user_id
    assert (await api.post("/api/v1/cases/999999999/release", headers=a.headers)).status_code == 404


async def test_reassign(api: Client, pool: asyncpg.Pool, staff: dict[str, Staff]) -> None:
    queue = await new_queue(pool)
    (case_id,) = await insert_cases(pool, 1, queue=queue)
    a, b = await mediator(pool, api), await mediator(pool, api)
    sup = staff["supervisor"].headers
    assert (await api.post(f"/api/v1/queues/{queue}/claim", headers=a.headers)).status_code == 200
    r = await api.post(f"/api/v1/cases/{case_id}/assign", json={"user_id": b.user_id}, headers=sup)
    assert r.status_code == 200 and r.json() == {
        "id": case_id,
        "assigned_to": b.user_id,
        "previous": a.user_id,
    }
    r = await api.post(
        f"/api/v1/cases/{case_id}/assign", json={"user_id": staff["clerk"].user_id}, headers=sup
    )
    assert r.status_code == 422 and r.json()["errors"][0]["code"] == "not_a_mediator"
    r = await api.post(f"/api/v1/cases/{case_id}/assign", json={"user_id": b.user_id}, headers=sup)
    assert r.status_code == 409
    r = await api.post("/api/v1/cases/999999999/assign", json={"user_id": b.user_id}, headers=sup)
    assert r.status_code == 404
    # a released case no longer belongs to the mediator it was taken from
    r = await api.post(f"/api/v1/cases/{case_id}/release", headers=a.headers)
    assert r.status_code == 409
    kinds = [
        (r["kind"], r["payload"])
        for r in await pool.fetch(
            "SELECT kind, payload FROM case_events WHERE case_id = $1 ORDER BY id", case_id
        )
    ]
    # the history names from whom to whom (issue 15)
    names = {"from_name": f"测试{a.username}", "to_name": f"测试{b.username}"}
    assert kinds == [
        ("claimed", {"queue": queue}),
        ("reassigned", {"from": a.user_id, "to": b.user_id, **names}),
    ]


# --- overview and membership ------------------------------------------------------------------------------


async def test_the_overview_of_a_small_queue(
    api: Client, pool: asyncpg.Pool, staff: dict[str, Staff]
) -> None:
    queue = await new_queue(pool, max_open=7)
    today = local_date(utcnow())
    late = await insert_cases(pool, 2, queue=queue, first_due=today - timedelta(days=10))  # overdue
    later = await insert_cases(pool, 2, queue=queue, first_due=today + timedelta(days=20))
    await insert_cases(pool, 1, queue=queue, status="closed")
    holder = await mediator(pool, api)
    await pool.execute(
        "UPDATE cases SET assigned_to = $2 WHERE id = any($1::bigint[])", [late[0], later[0]], holder.user_id
    )
    sup = staff["supervisor"].headers
    r = await api.post(f"/api/v1/queues/{queue}/members", json={"user_id": holder.user_id}, headers=sup)
    assert r.status_code == 200 and r.json() == {"queue": queue, "user_id": holder.user_id, "added": True}
    r = await api.post(f"/api/v1/queues/{queue}/members", json={"user_id": holder.user_id}, headers=sup)
    assert r.json()["added"] is False
    r = await api.post(
        f"/api/v1/queues/{queue}/members", json={"user_id": staff["clerk"].user_id}, headers=sup
    )
    assert r.status_code == 422
    assert (
        await api.post("/api/v1/queues/nope/members", json={"user_id": holder.user_id}, headers=sup)
    ).status_code == 404

    r = await api.get("/api/v1/queues", headers=staff["mediator"].headers)
    assert r.status_code == 200
    assert r.json()["today"] == today.isoformat()
    loads = {q["code"]: q for q in r.json()["queues"]}
    assert {"north", "central", "south", "general", queue} <= set(loads)
    mine = loads[queue]
    oldest = await pool.fetchval("SELECT received_at FROM cases WHERE id = $1", late[1])
    assert (mine["unassigned"], mine["assigned"], mine["overdue"], mine["max_open_per_mediator"]) == (
        2,
        2,
        2,
        7,
    )
    assert mine["oldest_unassigned"].replace("Z", "+00:00") == oldest.isoformat()
    assert mine["members"] == [
        {"user_id": holder.user_id, "display_name": f"测试{holder.username}", "disabled": False}
    ]

    r = await api.delete(f"/api/v1/queues/{queue}/members/{holder.user_id}", headers=sup)
    assert r.status_code == 204
    r = await api.delete(f"/api/v1/queues/{queue}/members/{holder.user_id}", headers=sup)
    assert r.status_code == 404


async def test_the_schema_lists_the_queue_operations(api: Client) -> None:
    r = await api.get("/schema/openapi.json")
    assert r.status_code == 200
    ops = {
        op["operationId"]
        for item in r.json()["paths"].values()
        for op in item.values()
        if "operationId" in op
    }
    assert {
        "ListQueues",
        "ClaimNextCase",
        "ReleaseCase",
        "AssignCase",
        "AddQueueMember",
        "RemoveQueueMember",
    } <= ops


# --- pages ------------------------------------------------------------------------------------------------


async def test_claim_from_the_page(settings: Settings, api: Client, pool: asyncpg.Pool) -> None:
    queue = await new_queue(pool, max_open=1)
    today = local_date(utcnow())
    ids = await insert_cases(pool, 2, queue=queue, first_due=today - timedelta(days=3), spread_days=1)
    me = await mediator(pool, api)
    await api.post(
        f"/api/v1/queues/{queue}/members",
        json={"user_id": me.user_id},
        headers=(await mediator(pool, api, ("supervisor",))).headers,
    )
    browser = await signed_in(settings, me.username, next_page="/staff/queue")
    try:
        page = await browser.get("/staff/queue")
        assert page.status_code == 200
        html = page.text
        assert "我的案件" in html and "团队队列" in html and "您目前没有承办中的案件" in html
        assert f'action="/staff/queue/{queue}/claim"' in html and "领取下一件" in html
        assert '等待领取 <span class="waiting">2</span> 件' in html
        assert "已超期" in html and 'class="is-overdue"' in html  # due three days ago: red
        assert 'action="/staff/queue/general/claim"' not in html  # only the queues I am in
        token = csrf_token(html)

        r = await browser.post(f"/staff/queue/{queue}/claim", data={"_csrf_token": token})
        assert r.status_code == 303 and r.headers["location"] == f"/staff/cases/{ids[0]}"
        assert await pool.fetchval("SELECT assigned_to FROM cases WHERE id = $1", ids[0]) == me.user_id

        r = await browser.post(f"/staff/queue/{queue}/claim", data={"_csrf_token": token})
        assert r.status_code == 303 and r.headers["location"] == "/staff/queue?notice=limit&n=1"
        page = await browser.get(r.headers["location"])
        assert "您手上的案件已达上限（1件）" in page.text
        assert f'href="/staff/cases/{ids[0]}"' in page.text  # now among my cases

        # hand it back from the page, then the queue runs dry
        r = await browser.post(f"/staff/queue/release/{ids[0]}", data={"_csrf_token": token})
        assert r.status_code == 303 and r.headers["location"] == "/staff/queue?notice=released"
        await pool.execute(
            "UPDATE cases SET status = 'closed', outcome = 'settled' WHERE id = any($1::bigint[])", ids
        )
        r = await browser.post(f"/staff/queue/{queue}/claim", data={"_csrf_token": token})
        assert r.status_code == 303 and r.headers["location"] == "/staff/queue?notice=empty"
        page = await browser.get(r.headers["location"])
        assert "队列中暂无可领取的案件" in page.text

        r = await browser.post(f"/staff/queue/{queue}/claim")  # no CSRF token
        assert r.status_code == 403
        r = await browser.post("/staff/queue/no_such_queue/claim", data={"_csrf_token": token})
        assert r.status_code == 404
        assert (await browser.get("/staff/queues")).status_code == 403  # the overview is the supervisor's
    finally:
        await browser.__aexit__(None, None, None)


async def test_a_paused_case_shows_its_badge_not_a_countdown(
    settings: Settings, api: Client, pool: asyncpg.Pool
) -> None:
    queue = await new_queue(pool)
    (case_id,) = await insert_cases(pool, 1, queue=queue, first_due=local_date(utcnow()) - timedelta(days=5))
    me = await mediator(pool, api)
    await pool.execute("UPDATE cases SET assigned_to = $2, paused = true WHERE id = $1", case_id, me.user_id)
    browser = await signed_in(settings, me.username, next_page="/staff/queue")
    try:
        html = (await browser.get("/staff/queue")).text
        assert f'href="/staff/cases/{case_id}"' in html and "暂停计时</span>" in html
        mine = html.split('id="teams"')[0]
        assert "已超期" not in mine
    finally:
        await browser.__aexit__(None, None, None)


async def test_pages_by_role(settings: Settings, staff: dict[str, Staff]) -> None:
    for role, queue_page, overview_page in (
        ("mediator", 200, 403),
        ("supervisor", 200, 200),
        ("clerk", 403, 403),
    ):
        browser = await signed_in(settings, f"t_{role}", next_page="/staff/queue")
        try:
            assert (await browser.get("/staff/queue")).status_code == queue_page, role
            r = await browser.get("/staff/queues")
            assert r.status_code == overview_page, role
            if overview_page == 200:
                assert "调解组队列" in r.text and "北片调解组" in r.text and "综合调解组" in r.text
        finally:
            await browser.__aexit__(None, None, None)


async def test_pages_need_a_session(api: Client) -> None:
    for path in ("/staff/queue", "/staff/queues"):
        r = await api.get(path, follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"].startswith("/staff/login?next=")
