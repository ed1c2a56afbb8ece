"""Every cookie the service sets — the staff session and the CSRF token; the consumer's pages set none of
their own — is HttpOnly, SameSite=Lax, scoped to Path=/, and Secure whenever the service is published over
HTTPS (TLS usually ends at the load balancer, so the request itself says http)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from http.cookies import SimpleCookie
from typing import Any

import msgspec
import pytest
from litestar.testing import AsyncTestClient

from service.app import create_app
from service.settings import Settings
from tests.support.html import csrf_token
from tests.support.staff import Staff, login_form

Client = AsyncTestClient  # type: ignore[type-arg]
KNOWN = {"csrftoken", "qd_session"}


def set_cookies(response: Any) -> list[str]:
    return list(response.headers.get_list("set-cookie"))


def flags(header: str) -> dict[str, str]:
    """The attributes of one Set-Cookie header, lower-cased names; flags map to ''."""
    name_value, *attrs = (part.strip() for part in header.split(";"))
    out = {"__name__": name_value.split("=", 1)[0]}
    for attr in attrs:
        key, _, value = attr.partition("=")
        out[key.lower()] = value
    return out


async def walk(browser: Client, username: str) -> list[str]:
    """A consumer's and a staff member's visit: every Set-Cookie header the service sends on the way.

    The cookies are carried by hand, as a browser reaching the service over HTTPS would: the test client
    speaks http to the app (as a load balancer does), and its jar would hold back Secure cookies."""
    seen: list[str] = []
    jar: dict[str, str] = {}

    async def visit(method: str, path: str, **kwargs: Any) -> Any:
        browser.cookies.clear()
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in jar.items())} if jar else {}
        r = await browser.request(method, path, headers=headers, **kwargs)
        for header in set_cookies(r):
            seen.append(header)
            cookie: SimpleCookie = SimpleCookie()
            cookie.load(header)
            for name, morsel in cookie.items():
                jar[name] = morsel.value
        return r

    for path in ("/", "/complaints/new", "/track"):
        await visit("GET", path)
    page = await visit("GET", "/staff/login")
    login = await visit("POST", "/staff/login", data=login_form(username, page.text))
    assert login.status_code == 303, login.text
    home = await visit("GET", "/staff")
    assert home.status_code == 200
    out = await visit("POST", "/staff/logout", data={"_csrf_token": csrf_token(home.text)})
    assert out.status_code == 303
    return seen


@pytest.fixture
async def http_browser(settings: Settings) -> AsyncIterator[Client]:
    assert settings.public_base_url.startswith("http://")
    async with AsyncTestClient(app=create_app(settings)) as b:
        b.follow_redirects = False
        yield b


@pytest.fixture
async def https_browser(settings: Settings) -> AsyncIterator[Client]:
    published = msgspec.structs.replace(settings, public_base_url="https://disputes.gongshu.example.gov.cn")
    async with AsyncTestClient(app=create_app(published)) as b:
        b.follow_redirects = False
        yield b


def assert_flagged(headers: list[str], *, secure: bool) -> None:
    assert {flags(h)["__name__"] for h in headers} == KNOWN  # both were set, and nothing else
    for header in headers:
        f = flags(header)
        assert "httponly" in f, header
        assert f.get("samesite", "").lower() in ("lax", "strict"), header
        assert f.get("path") == "/", header
        assert ("secure" in f) is secure, header


async def test_cookies_over_http_in_development(http_browser: Client, staff: dict[str, Staff]) -> None:
    headers = await walk(http_browser, "t_clerk")
    assert_flagged(headers, secure=False)
    session = [flags(h) for h in headers if flags(h)["__name__"] == "qd_session"]
    assert int(session[0]["max-age"]) > 0  # signed in …
    assert session[-1]["max-age"] == "0"  # … and signed out: the same cookie, expired


async def test_cookies_are_secure_when_published_over_https(
    https_browser: Client, staff: dict[str, Staff]
) -> None:
    headers = await walk(https_browser, "t_supervisor")
    assert_flagged(headers, secure=True)


async def test_the_session_cookie_is_not_readable_as_a_plain_cookie_jar_value(
    http_browser: Client, staff: dict[str, Staff]
) -> None:
    """The session token is opaque: not the user name, id or roles."""
    headers = await walk(http_browser, "t_mediator")
    jar = SimpleCookie()
    jar.load(next(h for h in headers if h.startswith("qd_session=")))
    token = jar["qd_session"].value
    assert len(token) >= 32 and "t_mediator" not in token and "mediator" not in token
