"""Issue 13, attack 4: `disputes serve` let any loopback client choose its address and scheme with
X-Forwarded-For / X-Forwarded-Proto (rotating the address never hit 429). Forwarding headers now count only
from TRUSTED_PROXIES (empty by default), in one place used by the throttle, the logs and the scheme."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest

from service.settings import Settings
from tests.support.edge import new_staff, serve


def scope(peer: str, *headers: tuple[str, str], scheme: str = "http") -> dict[str, Any]:
    return {
        "type": "http",
        "client": (peer, 50000),
        "scheme": scheme,
        "headers": [(k.encode(), v.encode()) for k, v in headers],
    }


def test_headers_from_an_untrusted_peer_are_ignored() -> None:
    from service.web.client import parse_trusted_proxies, resolve

    s = scope("203.0.113.9", ("x-forwarded-for", "198.51.100.1"), ("x-forwarded-proto", "https"))
    assert resolve(s, ()) == ("203.0.113.9", "http")
    assert resolve(s, parse_trusted_proxies(["10.0.0.0/8"])) == ("203.0.113.9", "http")


def test_a_trusted_proxy_names_the_client() -> None:
    from service.web.client import parse_trusted_proxies, resolve

    trusted = parse_trusted_proxies(["10.0.0.0/8", "127.0.0.1"])
    # the client wrote a forged first entry; our proxy appended the address it saw
    s = scope("10.1.2.3", ("x-forwarded-for", "1.2.3.4, 198.51.100.7"), ("x-forwarded-proto", "https"))
    assert resolve(s, trusted) == ("198.51.100.7", "https")
    # two of our own proxies in a row are skipped
    s = scope("127.0.0.1", ("x-forwarded-for", "1.2.3.4, 198.51.100.7, 10.9.9.9"))
    assert resolve(s, trusted) == ("198.51.100.7", "http")
    # nothing forwarded: the proxy itself
    assert resolve(scope("10.1.2.3"), trusted) == ("10.1.2.3", "http")


def test_client_address_resolves_a_scope_once() -> None:
    from service.web.client import client_address, client_scheme

    s = scope("203.0.113.9", ("x-forwarded-for", "198.51.100.1"))
    assert client_address(s) == "203.0.113.9" and client_scheme(s) == "http"
    assert s["client"][0] == "203.0.113.9"


def test_a_typo_in_trusted_proxies_fails_at_start_up() -> None:
    from service.web.client import parse_trusted_proxies

    with pytest.raises(ValueError, match="TRUSTED_PROXIES"):
        parse_trusted_proxies(["10.0.0.0/33"])
    assert Settings.from_env(
        {"SECRET_KEY": "x", "TRUSTED_PROXIES": "10.0.0.0/8, 127.0.0.1"}
    ).trusted_proxies == (
        "10.0.0.0/8",
        "127.0.0.1",
    )


async def _guess_with_rotating_addresses(base: str, count: int) -> list[int]:
    """Wrong codes for numbers that do not exist, each from a "new" address: only the client limit applies."""
    statuses = []
    async with httpx.AsyncClient(base_url=base, timeout=20) as c:
        for i in range(count):
            r = await c.get(
                f"/api/v1/complaints/GS00000000-{uuid.uuid4().int % 10**6:06d}",
                headers={"X-Access-Code": "WRONGCODE", "X-Forwarded-For": f"198.51.100.{i % 250 + 1}"},
            )
            statuses.append(r.status_code)
    return statuses


async def test_rotating_x_forwarded_for_still_meets_the_client_limit(
    settings: Settings, tmp_path: Path
) -> None:
    limit = Settings().track_max_failures_per_client
    async with serve(settings, tmp_path) as served:
        statuses = await _guess_with_rotating_addresses(served.base, limit + 3)
    assert 429 in statuses, statuses
    assert 429 not in statuses[: limit - 1], "a client below its limit is not refused"


async def test_forwarded_proto_does_not_make_a_cookie_secure(
    settings: Settings, pool: asyncpg.Pool, tmp_path: Path
) -> None:
    """Over plain HTTP a Secure cookie is dropped by the browser: a forged "https" would break sign-in, and a
    real proxy's word is taken only when it is configured."""
    username, _ = await new_staff(pool, ["mediator"])
    async with serve(settings, tmp_path, PUBLIC_BASE_URL="http://127.0.0.1:8000") as served:
        forged = await _sign_in_cookie(served.base, username, {"X-Forwarded-Proto": "https"})
        assert "secure" not in forged.lower(), forged
        lines = [line for line in served.log_lines() if line.get("event") == "request"]
        assert lines and {line.get("client") for line in lines} == {"127.0.0.1"}, lines[-3:]
    async with serve(
        settings, tmp_path, PUBLIC_BASE_URL="http://127.0.0.1:8000", TRUSTED_PROXIES="127.0.0.1"
    ) as served:
        proxied = await _sign_in_cookie(
            served.base, username, {"X-Forwarded-Proto": "https", "X-Forwarded-For": "198.51.100.23"}
        )
        assert "secure" in proxied.lower(), proxied
        clients = {line.get("client") for line in served.log_lines() if line.get("event") == "request"}
        assert "198.51.100.23" in clients, clients


async def _sign_in_cookie(base: str, username: str, headers: dict[str, str]) -> str:
    """The session's Set-Cookie header; cookies carried by hand (httpx keeps Secure ones from http URLs)."""
    from tests.support.staff import login_form

    async with httpx.AsyncClient(base_url=base, timeout=20, headers=headers) as c:
        page = await c.get("/staff/login")
        seed = page.cookies.get("csrftoken") or next(
            h.split(";")[0].split("=", 1)[1]
            for h in page.headers.get_list("set-cookie")
            if h.startswith("csrftoken=")
        )
        c.cookies.clear()
        r = await c.post(
            "/staff/login", data=login_form(username, page.text), headers={"Cookie": f"csrftoken={seed}"}
        )
        assert r.status_code == 303, r.text[:300]
        cookie = next((h for h in r.headers.get_list("set-cookie") if h.startswith("qd_session=")), None)
        assert cookie, r.headers
        return cookie
