"""The administrator runs staff accounts from the browser (issue 15): add an account (its temporary
password shown once), change its roles, reset a password (the user must set a new one of 12+ characters
before any staff page opens, and the API refuses a token meanwhile), revoke a session, unlock a locked
account, disable one; each action an office event. And the calendar: a bad schedule file's line named,
a preview of the deadlines a year's schedule moves (nothing changed yet), then the load and its events.
Everything goes through the pages with a cookie session and each form's CSRF token, as a browser would.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import AsyncIterator
from datetime import date
from typing import Any

import asyncpg
import msgspec
import pytest
from litestar.testing import AsyncTestClient

from service.app import create_app
from service.settings import Settings
from service.store.db import create_pool
from service.usecases import auth
from service.usecases.clock import utcnow
from tests.support.databases import Databases
from tests.support.html import csrf_token, hidden
from tests.support.intake import new_case
from tests.support.staff import PASSWORD, Staff, signed_in

Client = AsyncTestClient[Any]
NEW_PASSWORD = "a brand new passphrase 42"


@pytest.fixture
async def admin(settings: Settings, staff: dict[str, Staff]) -> AsyncIterator[Client]:
    b = await signed_in(settings, "t_admin")
    yield b
    await b.__aexit__(None, None, None)


@pytest.fixture
async def browser(settings: Settings) -> AsyncIterator[Client]:
    """A second browser, for the account the administrator manages."""
    b: Client = AsyncTestClient(app=create_app(settings))
    await b.__aenter__()
    b.follow_redirects = False
    yield b
    await b.__aexit__(None, None, None)


def temporary_password(html: str) -> str:
    match = re.search(r'id="temporary-password">([^<]+)<', html)
    assert match, "the temporary password is shown once on the answer"
    return match.group(1)


async def post_form(b: Client, page: str, action: str, data: dict[str, Any]) -> Any:
    form = await b.get(page)
    assert form.status_code == 200, form.text
    return await b.post(action, data={**data, "_csrf_token": csrf_token(form.text)})


async def sign_in_page(b: Client, username: str, password: str) -> Any:
    return await post_form(
        b, "/staff/login", "/staff/login", {"username": username, "password": password, "next": "/staff"}
    )


async def set_new_password(b: Client, username: str, temporary: str) -> None:
    r = await sign_in_page(b, username, temporary)
    assert r.status_code == 303
    assert r.headers["location"].startswith("/staff/password/new?")
    assert "set-cookie" not in r.headers  # a temporary password opens no session
    page = r.headers["location"]
    short = await post_form(
        b,
        page,
        "/staff/password/new",
        {"username": username, "temporary": temporary, "password": "short", "confirm": "short"},
    )
    assert short.status_code == 422 and "至少需要12个字符" in short.text
    done = await post_form(
        b,
        page,
        "/staff/password/new",
        {"username": username, "temporary": temporary, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    )
    assert done.status_code == 303, done.text
    assert "qd_session=" in done.headers["set-cookie"]


async def events(pool: asyncpg.Pool, kind: str, user_id: int) -> int:
    n: int = await pool.fetchval(
        "SELECT count(*) FROM office_events WHERE kind = $1 AND (payload->>'user_id')::bigint = $2",
        kind,
        user_id,
    )
    return n


async def add_account(admin: Client, roles: list[str]) -> tuple[str, int, str]:
    username = f"u{uuid.uuid4().hex[:10]}"
    r = await post_form(
        admin,
        "/staff/admin/users",
        "/staff/admin/users",
        {"username": username, "display_name": "新同事", "roles": roles},
    )
    assert r.status_code == 200, r.text
    assert f"账户 {username} 已创建" in r.text
    match = re.search(r'href="/staff/admin/users/(\d+)"', r.text)
    assert match
    return username, int(match.group(1)), temporary_password(r.text)


async def test_add_an_account_change_roles_reset_and_revoke(
    admin: Client, browser: Client, client: Client, pool: asyncpg.Pool
) -> None:
    bad = await post_form(admin, "/staff/admin/users", "/staff/admin/users", {"username": "X!", "roles": []})
    assert bad.status_code == 422 and "用户名为3–32位" in bad.text

    username, user_id, temporary = await add_account(admin, ["clerk"])
    assert await events(pool, "staff_added", user_id) == 1

    # the API refuses a token to an account that must set a new password, with a code to act on
    api = await client.post("/api/v1/auth/token", json={"username": username, "password": temporary})
    assert api.status_code == 403 and api.json()["code"] == "password_change_required"
    assert (await browser.get("/staff/cases")).status_code == 303  # nothing opened yet

    await set_new_password(browser, username, temporary)
    assert (await browser.get("/staff/cases")).status_code == 200
    api = await client.post("/api/v1/auth/token", json={"username": username, "password": NEW_PASSWORD})
    assert api.status_code == 200

    # roles
    page = f"/staff/admin/users/{user_id}"
    r = await post_form(admin, page, f"{page}/roles", {"roles": ["mediator", "supervisor"]})
    assert r.status_code == 303 and "notice=roles_changed" in r.headers["location"]
    assert sorted(await pool.fetchval("SELECT roles FROM staff_users WHERE id = $1", user_id)) == [
        "mediator",
        "supervisor",
    ]
    none = await post_form(admin, page, f"{page}/roles", {})
    assert none.status_code == 422 and "请至少选择一个角色" in none.text
    assert await events(pool, "staff_roles_changed", user_id) == 1

    # the account's page lists its sessions, its token and its sign-ins; revoke the browser session
    view = await admin.get(page)
    assert "浏览器登录" in view.text and "接口令牌" in view.text and "登录记录" in view.text
    fingerprints = await pool.fetch(
        "SELECT encode(substring(token_hash FROM 1 FOR 6), 'hex') AS f FROM staff_sessions"
        " WHERE user_id = $1 AND kind = 'cookie' AND revoked_at IS NULL",
        user_id,
    )
    assert len(fingerprints) == 1 and fingerprints[0]["f"] in view.text
    r = await post_form(admin, page, f"{page}/sessions/{fingerprints[0]['f']}/revoke", {})
    assert r.status_code == 303 and "notice=revoked" in r.headers["location"]
    assert (await browser.get("/staff/cases")).status_code == 303  # back to the sign-in page
    assert await events(pool, "staff_session_revoked", user_id) == 1

    # reset: a new temporary password, shown once; the user must replace it at the next sign-in
    r = await post_form(admin, page, f"{page}/reset-password", {})
    assert r.status_code == 200
    second = temporary_password(r.text)
    assert second != temporary
    assert (await sign_in_page(browser, username, NEW_PASSWORD)).status_code == 401  # the old one is gone
    assert (await admin.get(page)).text.count('id="temporary-password"') == 0  # shown once only
    await set_new_password(browser, username, second)
    assert (await browser.get("/staff/queue")).status_code == 200  # a mediator now
    assert await events(pool, "staff_password_reset", user_id) == 1

    # disable: every session ends and signing in fails
    r = await post_form(admin, page, f"{page}/disable", {})
    assert r.status_code == 303 and "notice=disabled" in r.headers["location"]
    assert (await browser.get("/staff/queue")).status_code == 303
    assert (await sign_in_page(browser, username, NEW_PASSWORD)).status_code == 401
    assert await events(pool, "staff_disabled", user_id) == 1


async def test_unlock_a_locked_account(admin: Client, browser: Client, pool: asyncpg.Pool) -> None:
    username = f"l{uuid.uuid4().hex[:10]}"
    user_id = await auth.add_user(pool, username, ["clerk"], PASSWORD)
    policy = auth.AuthPolicy()
    for _ in range(policy.max_failures):
        with pytest.raises(auth.SignInFailed):
            await auth.sign_in(pool, username, "not the password", kind="cookie", now=utcnow(), policy=policy)
    assert (await sign_in_page(browser, username, PASSWORD)).status_code == 401  # locked

    page = f"/staff/admin/users/{user_id}"
    view = await admin.get(page)
    assert "已锁定" in view.text and "连续登录失败次数" in view.text
    r = await post_form(admin, page, f"{page}/unlock", {})
    assert r.status_code == 303 and "notice=unlocked" in r.headers["location"]
    assert await events(pool, "staff_unlocked", user_id) == 1
    r = await sign_in_page(browser, username, PASSWORD)
    assert r.status_code == 303 and r.headers["location"] == "/staff"


async def test_an_administrator_cannot_disable_or_demote_themselves(
    admin: Client, staff: dict[str, Staff], pool: asyncpg.Pool
) -> None:
    me = staff["admin"].user_id
    page = f"/staff/admin/users/{me}"
    r = await post_form(admin, page, f"{page}/disable", {})
    assert r.status_code == 422 and "不能停用自己的账户" in r.text
    r = await post_form(admin, page, f"{page}/roles", {"roles": ["clerk"]})
    assert r.status_code == 422 and "不能取消自己的系统管理员角色" in r.text
    assert await pool.fetchval("SELECT NOT disabled FROM staff_users WHERE id = $1", me)


async def test_the_sign_in_page_says_how_to_reach_the_administrator(client: Client) -> None:
    page = await client.get("/staff/login")
    assert 'id="contact-admin"' in page.text and "系统管理" in page.text


# --- the calendar: preview what a year's schedule changes, then load it -------------------------------


@pytest.fixture
async def fresh(databases: Databases, settings: Settings) -> AsyncIterator[tuple[Settings, asyncpg.Pool]]:
    """A database of its own: loading 2027 here leaves the session's calendar as the other tests know it."""
    url = await databases.create(migrated=True)
    pool = await create_pool(url, max_size=2)
    yield msgspec.structs.replace(settings, database_url=url), pool
    await pool.close()


async def test_calendar_preview_then_load_moves_provisional_deadlines(
    fresh: tuple[Settings, asyncpg.Pool],
) -> None:
    settings, pool = fresh
    await auth.add_user(pool, "t_admin", ["admin"], PASSWORD)
    case_id = await new_case(pool, settings, date(2026, 12, 28))  # due 2027-01-06, provisional
    tracking_no = await pool.fetchval("SELECT tracking_no FROM cases WHERE id = $1", case_id)
    b = await signed_in(settings, "t_admin")
    try:
        page = await b.get("/staff/admin/calendar?year=2027")
        assert page.status_code == 200 and "尚未载入" in page.text
        token = csrf_token(page.text)

        bad = await b.post(
            "/staff/admin/calendar/preview",
            data={"_csrf_token": token},
            files={"file": ("2027.csv", b"date,kind,name\n2027-01-01,vacation,\n", "text/csv")},
        )
        assert bad.status_code == 422 and "第2行" in bad.text and "类型无效" in bad.text

        schedule = "date,kind,name\n" + "".join(f"2027-01-0{d},holiday,元旦\n" for d in (1, 2, 3))
        preview = await b.post(
            "/staff/admin/calendar/preview",
            data={"_csrf_token": token},
            files={"file": ("2027.csv", schedule.encode(), "text/csv")},
        )
        assert preview.status_code == 200, preview.text
        assert "尚未载入" in preview.text and tracking_no in preview.text
        assert "2027-01-06" in preview.text and "2027-01-07" in preview.text
        # a preview changes nothing
        assert await pool.fetchval("SELECT acceptance_due_provisional FROM cases WHERE id = $1", case_id)
        assert not await pool.fetchval("SELECT count(*) FROM calendar_years WHERE year = 2027")

        confirm = await b.post(
            "/staff/admin/calendar/load",
            data={
                "_csrf_token": csrf_token(preview.text),
                "filename": hidden(preview.text, "filename"),
                "content": hidden(preview.text, "content"),
            },
        )
        assert confirm.status_code == 200, confirm.text
        assert (
            "已载入" in confirm.text and "deadline_recomputed" in confirm.text and tracking_no in confirm.text
        )
        row = await pool.fetchrow(
            "SELECT acceptance_due, acceptance_due_provisional FROM cases WHERE id = $1", case_id
        )
        assert (row["acceptance_due"], row["acceptance_due_provisional"]) == (date(2027, 1, 7), False)
        assert (
            await pool.fetchval(
                "SELECT count(*) FROM case_events WHERE case_id = $1 AND kind = 'deadline_recomputed'",
                case_id,
            )
            == 1
        )
        assert await pool.fetchval("SELECT count(*) FROM office_events WHERE kind = 'calendar_loaded'") == 1

        shown = await b.get("/staff/admin/calendar?year=2027")
        assert "2027-01-01" in shown.text and "元旦" in shown.text and "休" in shown.text
    finally:
        await b.__aexit__(None, None, None)
