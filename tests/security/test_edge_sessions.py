"""Issue 13, attack 7: a bearer token opened staff pages (and skipped the session's 30-minute idle limit).
Pages take the session cookie only, the API bearer tokens only; staff pages are never stored by caches."""

from __future__ import annotations

import asyncpg

from service.settings import Settings
from tests.support.edge import app_client, bearer, new_staff, sign_in

PAGES = ("/staff", "/staff/cases", "/staff/queue")


async def test_a_bearer_token_does_not_open_a_page(settings: Settings, pool: asyncpg.Pool) -> None:
    username, _ = await new_staff(pool, ["mediator", "supervisor"])
    async with app_client(settings) as client:
        headers = await bearer(client, username)
        assert (await client.get("/api/v1/cases", headers=headers)).status_code == 200  # a good token
        for path in PAGES:
            r = await client.get(path, headers=headers, follow_redirects=False)
            assert r.status_code == 303 and r.headers["location"].startswith("/staff/login"), (
                path,
                r.status_code,
            )


async def test_a_session_cookie_does_not_open_the_api(settings: Settings, pool: asyncpg.Pool) -> None:
    username, _ = await new_staff(pool, ["mediator", "supervisor"])
    async with app_client(settings) as client:
        await sign_in(client, username)
        assert (await client.get("/staff/cases")).status_code == 200  # a good session
        r = await client.get("/api/v1/cases")
        assert r.status_code == 401, r.text[:200]
        # nor does a session token presented as a bearer token
        r = await client.get(
            "/api/v1/cases", headers={"Authorization": f"Bearer {client.cookies['qd_session']}"}
        )
        assert r.status_code == 401, r.text[:200]


async def test_staff_pages_are_not_cached(settings: Settings, pool: asyncpg.Pool) -> None:
    username, _ = await new_staff(pool, ["mediator", "supervisor"])
    async with app_client(settings) as client:
        assert (await client.get("/staff/login")).headers.get("cache-control") == "no-store"
        await sign_in(client, username)
        for path in PAGES:
            r = await client.get(path)
            assert r.status_code == 200, path
            assert r.headers.get("cache-control") == "no-store", (path, r.headers.get("cache-control"))
        public = await client.get("/complaints/new")
        assert "no-store" not in public.headers.get("cache-control", "")  # the public form may be cached
