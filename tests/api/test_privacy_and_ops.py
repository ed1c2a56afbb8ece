"""Logs carry no personal data; /health says which server is down; the request id reaches the log line."""

from __future__ import annotations

import json
from typing import Any

import msgspec
import pytest
from litestar.testing import AsyncTestClient

from service.app import create_app
from service.logs import configure_logging
from service.settings import Settings
from tests.support.factories import complaint_body

Client = AsyncTestClient  # type: ignore[type-arg]

PERSONAL = {
    "name": "欧阳小明",
    "phone": "13987654321",
    "address": "杭州市拱墅区大关路88号3幢2单元501室",
    "id_number": "330105199203150020",
}


async def test_no_personal_data_in_logs(client: Client, capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging(json=True, level="DEBUG")
    body = complaint_body(consumer=dict(PERSONAL))
    ok = await client.post("/api/v1/complaints", json=body, headers={"X-Request-ID": "privacy-1"})
    assert ok.status_code == 201, ok.text
    bad = await client.post(
        "/api/v1/complaints", json=complaint_body(consumer={**PERSONAL, "phone": "139876"})
    )
    assert bad.status_code == 422
    await client.get(f"/api/v1/complaints/{ok.json()['tracking_no']}", headers={"X-Access-Code": "WRONGCOD"})
    err = capsys.readouterr().err
    lines = [json.loads(line) for line in err.splitlines() if line.startswith("{")]
    assert any(line.get("request_id") == "privacy-1" and line.get("event") == "request" for line in lines)
    for value in [*PERSONAL.values(), "139876", ok.json()["access_code"]]:
        assert value not in err


async def test_health_names_the_server_that_is_down(settings: Settings) -> None:
    broken = msgspec.structs.replace(settings, redis_url="redis://127.0.0.1:1/0")
    async with AsyncTestClient(app=create_app(broken)) as c:
        r = await c.get("/health")
    assert r.status_code == 503
    body: dict[str, Any] = r.json()
    assert body["postgres"] == "ok"
    assert body["redis"].startswith("down")


async def test_link_credentials_never_reach_the_log(
    client: Client, capsys: pytest.CaptureFixture[str]
) -> None:
    configure_logging(json=True, level="INFO")
    secret = "Zx9-secret-token-value-that-must-not-be-logged"
    await client.get(f"/m/{secret}")
    await client.get(f"/survey/{secret}")
    err = capsys.readouterr().err
    assert secret not in err
    assert '"path":"/m/[token]"' in err


async def test_pages_carry_security_headers(client: Client) -> None:
    r = await client.get("/complaints/new")
    csp = r.headers["content-security-policy"]
    assert "script-src 'none'" in csp and "frame-ancestors 'none'" in csp
    assert r.headers["x-content-type-options"] == "nosniff" and r.headers["x-frame-options"] == "DENY"
    # an error answered before any handler ran (here: no CSRF token) carries them and its request id too
    refused = await client.post("/track", data={"tracking_no": "x", "access_code": "y"})
    assert refused.status_code == 403
    assert "content-security-policy" in refused.headers and "x-request-id" in refused.headers
