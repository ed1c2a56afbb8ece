"""Staff accounts for the tests: one per role (created once per session by the `staff` fixture), bearer
tokens, and signed-in browsers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import asyncpg
from litestar.testing import AsyncTestClient

from service.app import create_app
from service.settings import Settings
from service.usecases import auth
from tests.support.html import csrf_token

PASSWORD = "correct horse battery staple"
ROLES = ("clerk", "mediator", "supervisor", "leading_group", "admin")

Client = AsyncTestClient[Any]


@dataclass(frozen=True)
class Staff:
    username: str
    user_id: int
    token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


async def make_staff(pool: asyncpg.Pool, client: Client, username: str, roles: list[str]) -> Staff:
    user_id = await auth.add_user(pool, username, roles, PASSWORD, display_name=f"测试{username}")
    r = await client.post("/api/v1/auth/token", json={"username": username, "password": PASSWORD})
    assert r.status_code == 200, r.text
    return Staff(username, user_id, r.json()["access_token"])


async def staff_per_role(pool: asyncpg.Pool, client: Client, prefix: str) -> dict[str, Staff]:
    """One account per role, keyed by role, named `<prefix>_<role>`."""
    return {role: await make_staff(pool, client, f"{prefix}_{role}", [role]) for role in ROLES}


async def hand_to_mediator(client: Client, pool: asyncpg.Pool, staff: dict[str, Staff], case_id: int) -> None:
    """A case in mediation is its mediator's alone (issue 13): the supervisor gives it to the test mediator,
    as the queue's claim would. Cases at other stages are left as they are."""
    if await pool.fetchval("SELECT status FROM cases WHERE id = $1", case_id) != "mediation":
        return
    r = await client.post(
        f"/api/v1/cases/{case_id}/assign",
        json={"user_id": staff["mediator"].user_id},
        headers=staff["supervisor"].headers,
    )
    assert r.status_code == 200, r.text


def login_form(
    username: str, login_page: str, *, next_page: str = "/staff", password: str = PASSWORD
) -> dict[str, str]:
    """The sign-in form as a browser posts it, with the CSRF token of the sign-in page it was read from."""
    return {
        "username": username,
        "password": password,
        "next": next_page,
        "_csrf_token": csrf_token(login_page),
    }


async def sign_in_form(
    client: Any, username: str, *, next_page: str = "/staff", password: str = PASSWORD, follow: bool = False
) -> Any:
    """Sign in through the page as a browser does (the client's jar keeps the cookie); the response (the
    page signed in to when `follow`)."""
    page = await client.get("/staff/login")
    form = login_form(username, page.text, next_page=next_page, password=password)
    return await client.post("/staff/login", data=form, follow_redirects=follow)


async def signed_in(settings: Settings, username: str | None, *, next_page: str = "/staff/cases") -> Client:
    """A fresh browser (its own cookie jar) signed in as `username` (None: left signed out); it does not
    follow redirects, to see each 303 and where it points. The caller closes it."""
    browser: Client = AsyncTestClient(app=create_app(settings))
    await browser.__aenter__()
    browser.follow_redirects = False
    if username is None:
        return browser
    r = await sign_in_form(browser, username, next_page=next_page)
    assert r.status_code == 303, r.text
    assert r.headers["location"] == next_page
    cookie = r.headers["set-cookie"]
    assert "qd_session=" in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie.replace("Lax", "lax")
    return browser
