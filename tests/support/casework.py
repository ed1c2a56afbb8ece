"""Cases for the arbitration, product-testing and cluster tests: a supervisor, a registry merchant of the
test's own, a complaint accepted on a given day and moved to a stage, and what its history holds."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import date, timedelta
from typing import Any

import asyncpg
import pytest

from domain.errors import ValidationFailed
from domain.roles import Role
from service.settings import Settings
from service.store.staff import StaffUser
from service.usecases import auth, casework, intake
from tests.support.factories import complaint_body
from tests.support.html import csrf_token
from tests.support.intake import at, ctx
from tests.support.staff import Client, Staff, hand_to_mediator, signed_in

# What each role gets writing to a case (or test) that does not exist: only case workers get as far as 404.
CASE_WORKERS = {
    "anonymous": 401,
    "clerk": 403,
    "leading_group": 403,
    "admin": 403,
    "mediator": 404,
    "supervisor": 404,
}


async def new_supervisor(pool: asyncpg.Pool, username: str) -> StaffUser:
    user_id = await auth.add_user(
        pool, username, ["supervisor"], "a long enough password", display_name="仲裁科长"
    )
    return StaffUser(user_id, username, "仲裁科长", frozenset({Role.SUPERVISOR}))


async def new_merchant(pool: asyncpg.Pool, name: str | None = None) -> int:
    """A registry merchant of its own (a name no complaint uses, so routing never links others to it)."""
    merchant_id: int = await pool.fetchval(
        "INSERT INTO merchants (name, address) VALUES ($1, '杭州市拱墅区仲裁测试路1号') RETURNING id",
        name or f"仲裁测试商店{uuid.uuid4().hex[:8]}",
    )
    return merchant_id


async def published_clause(pool: asyncpg.Pool, merchant_id: int, institution: str = "杭州仲裁委员会") -> int:
    """The merchant's published arbitration clause naming `institution`; its agreement id."""
    agreement_id: int = await pool.fetchval(
        "INSERT INTO arbitration_agreements (merchant_id, kind, institution) "
        "VALUES ($1, 'published', $2) RETURNING id",
        merchant_id,
        institution,
    )
    return agreement_id


async def accepted_case(
    pool: asyncpg.Pool,
    settings: Settings,
    supervisor: StaffUser,
    *,
    accepted: date,
    status: str = "mediation",
    merchant_id: int | None = None,
    category: str = "household_appliances",
) -> int:
    """Received the day before `accepted`, accepted through the use case, then moved to `status`."""
    received = accepted - timedelta(days=1)
    body = complaint_body(purchase_date=(received - timedelta(days=3)).isoformat(), category=category)
    case_id = (await intake.submit_complaint(pool, body, ctx(settings), now=at(received))).case_id
    await casework.accept(pool, case_id, supervisor, None, now=at(accepted))
    await pool.execute(
        "UPDATE cases SET status = $2, merchant_id = $3 WHERE id = $1", case_id, status, merchant_id
    )
    return case_id


async def kinds(pool: asyncpg.Pool, case_id: int) -> list[str]:
    rows = await pool.fetch("SELECT kind FROM case_events WHERE case_id = $1 ORDER BY id", case_id)
    return [r["kind"] for r in rows]


async def payload(pool: asyncpg.Pool, case_id: int, kind: str) -> dict[str, object]:
    """The payload of the case's (only) event of `kind`."""
    found: dict[str, object] = await pool.fetchval(
        "SELECT payload FROM case_events WHERE case_id = $1 AND kind = $2", case_id, kind
    )
    return found


def field_codes(exc: pytest.ExceptionInfo[ValidationFailed]) -> dict[str, str]:
    return {e.field: e.code for e in exc.value.errors}


async def case_in(
    client: Client, pool: asyncpg.Pool, staff: dict[str, Staff], status: str, merchant_id: int | None = None
) -> int:
    """A complaint filed through the API, accepted by the supervisor, then moved to `status` (and, in
    mediation, handed to the test mediator)."""
    r = await client.post("/api/v1/complaints", json=complaint_body())
    assert r.status_code == 201, r.text
    case_id: int = await pool.fetchval("SELECT id FROM cases WHERE tracking_no = $1", r.json()["tracking_no"])
    if status != "received":
        accepted = await client.post(f"/api/v1/cases/{case_id}/accept", headers=staff["supervisor"].headers)
        assert accepted.status_code == 200, accepted.text
        await pool.execute(
            "UPDATE cases SET status = $2, merchant_id = $3 WHERE id = $1", case_id, status, merchant_id
        )
        await hand_to_mediator(client, pool, staff, case_id)
    return case_id


async def statuses_by_role(
    client: Client, staff: dict[str, Staff], url: str, json: dict[str, Any] | None = None
) -> dict[str, int]:
    """The status each role gets for `url` (POST with `json`, else GET); "anonymous" without a token."""

    async def call(headers: dict[str, str]) -> int:
        r = await (
            client.post(url, json=json, headers=headers)
            if json is not None
            else client.get(url, headers=headers)
        )
        return r.status_code

    return {"anonymous": await call({}), **{role: await call(s.headers) for role, s in staff.items()}}


@asynccontextmanager
async def browser_of(
    settings: Settings, username: str, *, next_page: str = "/staff/cases"
) -> AsyncIterator[Client]:
    """A browser signed in as `username` (see `signed_in`), closed after the block."""
    browser = await signed_in(settings, username, next_page=next_page)
    try:
        yield browser
    finally:
        await browser.__aexit__(None, None, None)


async def form_token(browser: Client) -> str:
    """A CSRF token for the browser's forms (read from a staff page every signed-in role may open)."""
    return csrf_token((await browser.get("/staff/clusters")).text)


@asynccontextmanager
async def form_browser(settings: Settings, username: str) -> AsyncIterator[tuple[Client, str]]:
    """A browser signed in as `username` and a CSRF token for its forms, closed after the block."""
    async with browser_of(settings, username) as browser:
        yield browser, await form_token(browser)
