"""Issue 13, attack 10 (CSRF and HTTPS): tokens bound to the session and renewed at sign-in, exclusions
anchored to path prefixes, HSTS of at least a year and Secure cookies when PUBLIC_BASE_URL is https."""

from __future__ import annotations

import re

import asyncpg
import pytest

from service.settings import Settings
from tests.support.edge import app_client, new_staff, sign_in
from tests.support.html import csrf_token


def _cookie_header(response: object, name: str) -> str | None:
    for header in response.headers.get_list("set-cookie"):  # type: ignore[attr-defined]
        if header.startswith(f"{name}="):
            return str(header)
    return None


async def test_a_path_containing_health_is_not_exempt(settings: Settings, pool: asyncpg.Pool) -> None:
    """`/staff/queue/health/claim` (a queue named "health") was exempt because "/health" matched inside it."""
    mediator, _ = await new_staff(pool, ["mediator"])
    async with app_client(settings) as client:
        await sign_in(client, mediator)
        for path in ("/staff/queue/health/claim", "/staff/queue/api/claim", "/staff/queue/schema/claim"):
            r = await client.post(path, data={}, follow_redirects=False)
            assert r.status_code == 403, (path, r.status_code, r.text[:200])
        # the same with its token goes through to the handler
        page = await client.get("/staff/queue")
        r = await client.post(
            "/staff/queue/health/claim", data={"_csrf_token": csrf_token(page.text)}, follow_redirects=False
        )
        assert r.status_code != 403, r.text[:200]


@pytest.mark.parametrize(
    ("path", "exempt"),
    [
        ("/api/v1/complaints", True),
        ("/health", True),
        ("/schema", True),
        ("/schema/openapi.json", True),
        ("/staff/queue/health/claim", False),
        ("/staff/queue/api/claim", False),
        ("/healthz", False),
        ("/schemas", False),
        ("/m/api/x", False),
        ("/track/health", False),
    ],
)
def test_exemptions_are_prefixes(path: str, exempt: bool) -> None:
    from service.web.csrf import EXEMPT

    assert bool(EXEMPT.match(path)) is exempt


async def test_a_token_from_before_sign_in_or_another_session_is_refused(
    settings: Settings, pool: asyncpg.Pool
) -> None:
    mediator, _ = await new_staff(pool, ["mediator"])
    async with app_client(settings) as client:
        before = csrf_token((await client.get("/staff/login")).text)
        signed_in = await sign_in(client, mediator)
        assert _cookie_header(signed_in, "csrftoken"), "signing in renews the CSRF cookie"
        after = csrf_token((await client.get("/staff/queue")).text)
        assert after != before
        stale = await client.post("/staff/logout", data={"_csrf_token": before}, follow_redirects=False)
        assert stale.status_code == 403, "a token from before sign-in no longer counts"

        # another session of the same user, same CSRF cookie: the first session's token does not fit it
        session_a = client.cookies["qd_session"]
        await client.post("/staff/logout", data={"_csrf_token": after}, follow_redirects=False)
        await sign_in(client, mediator)
        assert client.cookies["qd_session"] != session_a
        r = await client.post("/staff/logout", data={"_csrf_token": after}, follow_redirects=False)
        assert r.status_code == 403
        fresh = csrf_token((await client.get("/staff/queue")).text)
        ok = await client.post("/staff/logout", data={"_csrf_token": fresh}, follow_redirects=False)
        assert ok.status_code == 303


async def test_a_token_lifted_from_one_browser_does_not_work_in_another(
    settings: Settings, pool: asyncpg.Pool
) -> None:
    """Double-submit alone takes any pair the attacker made for himself; binding adds the victim's session."""
    victim, _ = await new_staff(pool, ["mediator"])
    async with app_client(settings) as attacker, app_client(settings) as browser:
        mine = csrf_token((await attacker.get("/staff/login")).text)
        cookie = attacker.cookies["csrftoken"]
        await sign_in(browser, victim)
        browser.cookies.set("csrftoken", cookie)  # e.g. planted through a sibling subdomain
        r = await browser.post("/staff/logout", data={"_csrf_token": mine}, follow_redirects=False)
        assert r.status_code == 403


async def test_https_sends_hsts_and_secure_cookies(settings: Settings) -> None:
    async with app_client(settings, public_base_url="https://tousu.example.gov.cn") as client:
        r = await client.get("/staff/login")
        hsts = r.headers.get("strict-transport-security", "")
        match = re.search(r"max-age=(\d+)", hsts)
        assert match and int(match.group(1)) >= 365 * 24 * 3600, hsts
        cookie = _cookie_header(r, "csrftoken")
        assert cookie and "secure" in cookie.lower(), cookie
        api = await client.get("/api/v1/taxonomy")
        assert "strict-transport-security" in api.headers


async def test_no_hsts_over_plain_http(settings: Settings) -> None:
    async with app_client(settings, public_base_url="http://127.0.0.1:8000") as client:
        r = await client.get("/staff/login")
    assert "strict-transport-security" not in r.headers
    cookie = _cookie_header(r, "csrftoken")
    assert cookie and "secure" not in cookie.lower()
