"""Issue 13, attack 8: absolute links come from PUBLIC_BASE_URL, never from the Host header the client
sends; with ALLOWED_HOSTS set, a request naming another host is refused with 400 before anything runs."""

from __future__ import annotations

import re
from pathlib import Path

import asyncpg
import pytest

from service.settings import Settings
from tests.support.edge import app_client, bearer, new_staff, routed_case, serve, sign_in
from tests.support.html import csrf_token

PUBLIC = "http://tousu.example.gov.cn:8080"  # http: the test client keeps no Secure cookies


async def test_merchant_links_ignore_the_host_header(settings: Settings, pool: asyncpg.Pool) -> None:
    mediator, _ = await new_staff(pool, ["mediator", "supervisor"])
    _, sup_id = await new_staff(pool, ["supervisor"])
    case_id = await routed_case(pool, settings, sup_id)
    async with app_client(settings, public_base_url=PUBLIC) as client:
        headers = {**await bearer(client, mediator), "Host": "evil.example"}
        r = await client.post(f"/api/v1/cases/{case_id}/merchant-link", headers=headers)
        assert r.status_code == 201, r.text
        assert r.json()["url"].startswith(f"{PUBLIC}/m/"), r.json()
        assert "evil.example" not in r.text

        # the staff page that shows a new link to copy
        await sign_in(client, mediator)
        page = await client.get(f"/staff/cases/{case_id}")
        assert page.status_code == 200, page.text[:300]
        r = await client.post(
            f"/staff/cases/{case_id}/merchant-link",
            data={"_csrf_token": csrf_token(page.text)},
            headers={"Host": "evil.example"},
        )
        assert r.status_code == 200, r.text[:300]
        assert "已生成商家答复链接" in r.text, r.text[-3000:]
        links = re.findall(r"https?://[^\s\"'<]+/m/[A-Za-z0-9_-]+", r.text)
        assert links and all(link.startswith(f"{PUBLIC}/m/") for link in links), links
        assert "evil.example/m/" not in r.text


@pytest.mark.parametrize("path", ["/", "/api/v1/taxonomy", "/no/such/page", "/staff/login"])
async def test_a_host_not_allowed_is_refused(settings: Settings, path: str) -> None:
    async with app_client(settings, allowed_hosts=("tousu.example.gov.cn",)) as client:
        refused = await client.get(path, headers={"Host": "evil.example"})
        assert refused.status_code == 400, refused.text
        assert "主机名" in refused.text
        ok = await client.get(path, headers={"Host": "tousu.example.gov.cn:443"})
        assert ok.status_code != 400, ok.text[:200]


async def test_health_answers_probes_by_address(settings: Settings) -> None:
    async with app_client(settings, allowed_hosts=("tousu.example.gov.cn",)) as client:
        r = await client.get("/health", headers={"Host": "10.0.0.7:8000"})
    assert r.status_code == 200, r.text


async def test_any_host_when_allowed_hosts_is_empty(settings: Settings) -> None:
    async with app_client(settings, allowed_hosts=()) as client:
        r = await client.get("/api/v1/taxonomy", headers={"Host": "anything.example"})
    assert r.status_code == 200


def test_host_matching() -> None:
    from service.web.edge import host_allowed

    allowed = frozenset({"tousu.example.gov.cn", "10.0.0.5:8000", "[::1]"})
    assert host_allowed("tousu.example.gov.cn", allowed)
    assert host_allowed("tousu.example.gov.cn:8443", allowed)
    assert host_allowed("10.0.0.5:8000", allowed) and not host_allowed("10.0.0.5:9000", allowed)
    assert host_allowed("[::1]", allowed)
    for bad in ("evil.example", "tousu.example.gov.cn.evil.example", "x.tousu.example.gov.cn", "", ":80"):
        assert not host_allowed(bad, allowed), bad


async def test_served_host_check(settings: Settings, tmp_path: Path) -> None:
    """The same through `disputes serve`, configured by environment."""
    import httpx

    async with (
        serve(settings, tmp_path, ALLOWED_HOSTS="127.0.0.1,tousu.example.gov.cn") as served,
        httpx.AsyncClient(base_url=served.base, timeout=10) as c,
    ):
        assert (await c.get("/api/v1/taxonomy")).status_code == 200  # Host: 127.0.0.1:port
        r = await c.get("/api/v1/taxonomy", headers={"Host": "evil.example"})
        assert r.status_code == 400 and r.json()["status_code"] == 400
