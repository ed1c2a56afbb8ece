"""Issue 13, attack 9: a body the decoder cannot take — `[` x 100000, invalid UTF-8, anything — is a 400
with a clear message, on every kind of JSON route, and no traceback is logged for it."""

from __future__ import annotations

import json

import asyncpg
import pytest

from service.logs import configure_logging
from service.settings import Settings
from tests.support.edge import app_client, bearer, new_staff

UNREADABLE = [
    pytest.param(b"[" * 100_000, id="nested-arrays"),
    pytest.param(b'{"a":' * 50_000, id="nested-objects"),
    pytest.param(b'{"consumer": "\xff\xfe"}', id="invalid-utf8"),
    pytest.param(b"\xef\xbb\xbf" + b"[" * 100_000, id="bom-then-nesting"),
    pytest.param(b'{"a": 1', id="cut-short"),
    pytest.param(b"\x00", id="nul"),
]
# a route decoding the raw body itself, one taking a typed body, one with a body for its signature
ROUTES = [
    ("/api/v1/complaints", False),
    ("/api/v1/auth/token", False),
    ("/api/v1/cases", True),
    ("/api/v1/cases/1/close", True),
]


@pytest.mark.parametrize("content", UNREADABLE)
async def test_unreadable_json_is_a_clear_400_without_a_traceback(
    settings: Settings, pool: asyncpg.Pool, content: bytes, capsys: pytest.CaptureFixture[str]
) -> None:
    username, _ = await new_staff(pool, ["supervisor", "clerk"])
    async with app_client(settings) as client:
        headers = await bearer(client, username)
        configure_logging(json=True, level="INFO")
        capsys.readouterr()
        for path, staff_only in ROUTES:
            r = await client.post(
                path,
                content=content,
                headers={**(headers if staff_only else {}), "Content-Type": "application/json"},
            )
            assert r.status_code == 400, (path, r.status_code, r.text[:300])
            body = r.json()
            assert body["status_code"] == 400 and isinstance(body["detail"], str) and body["detail"], path
    err = capsys.readouterr().err
    lines = [json.loads(line) for line in err.splitlines() if line.startswith("{")]
    assert [line for line in lines if line.get("event") == "request"], "the requests were logged"
    assert not [line for line in lines if line.get("level") == "error" or "exception" in line], err[-2000:]
    assert "Traceback" not in err


async def test_nested_json_names_the_problem(settings: Settings) -> None:
    async with app_client(settings) as client:
        r = await client.post(
            "/api/v1/complaints", content=b"[" * 100_000, headers={"Content-Type": "application/json"}
        )
    assert r.status_code == 400
    assert "JSON" in r.json()["detail"] and "嵌套" in r.json()["detail"]
