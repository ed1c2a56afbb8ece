"""Inputs a fuzzer found turning into 500s: code fields given as objects, ids too big for the database."""

from __future__ import annotations

from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from tests.support.staff import Staff

Client = AsyncTestClient  # type: ignore[type-arg]
HUGE = 7881093732193183291408384


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/api/v1/cases/0/close", {"outcome": None, "relief_type": {}, "relief": None}),
        ("/api/v1/cases/0/pause", {"reason": {}, "note": None}),
        ("/api/v1/appeals/0/decide", {"decision": {}, "reason": None}),
        ("/api/v1/cases/0/offers/0/answer", {"answer": None, "party": {}}),
        ("/api/v1/cases/0/close", {"outcome": ["withdrawn"]}),
    ],
)
async def test_objects_where_codes_belong_are_client_errors(
    client: Client, staff: dict[str, Staff], path: str, body: dict[str, Any]
) -> None:
    r = await client.post(path, json=body, headers=staff["supervisor"].headers)
    assert 400 <= r.status_code < 500, r.text


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", f"/api/v1/cases/{HUGE}/mediation"),
        ("GET", f"/api/v1/cases/1/evidence/{HUGE}"),
        ("POST", f"/api/v1/cases/{HUGE}/release"),
        ("GET", f"/api/v1/merchants/{HUGE}"),
    ],
)
async def test_ids_too_big_for_the_database_are_client_errors(
    client: Client, staff: dict[str, Staff], method: str, path: str
) -> None:
    r = await client.request(method, path, json={}, headers=staff["supervisor"].headers)
    assert r.status_code in (400, 404), r.text


@pytest.mark.parametrize(
    ("method", "path", "content"),
    [
        ("POST", "/api/v1/auth/token", b"\x00"),  # malformed JSON: Litestar's own 400
        ("GET", f"/api/v1/merchants/{HUGE}", None),  # out of the database's range: our 400
    ],
)
async def test_api_errors_carry_the_status_their_schema_requires(
    client: Client, staff: dict[str, Staff], method: str, path: str, content: bytes | None
) -> None:
    """The OpenAPI 400 body is {status_code, detail}; a fuzzer flagged bodies with the detail alone."""
    headers = {**staff["supervisor"].headers, "Content-Type": "application/json"}
    r = await client.request(method, path, content=content, headers=headers)
    assert r.status_code == 400, r.text
    body = r.json()
    assert body["status_code"] == 400 and isinstance(body["detail"], str)


def _ambiguous_one_ofs(node: Any, where: str = "") -> list[str]:
    """oneOf branches that one value can match twice (integer is also number): such a schema rejects 0."""
    found = []
    if isinstance(node, dict):
        types = [branch.get("type") for branch in node.get("oneOf", []) if isinstance(branch, dict)]
        if "integer" in types and "number" in types:
            found.append(where)
        for key, value in node.items():
            found += _ambiguous_one_ofs(value, f"{where}/{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            found += _ambiguous_one_ofs(value, f"{where}/{i}")
    return found


async def test_no_schema_says_a_number_is_both_integer_and_number(client: Client) -> None:
    """GET /api/v1/indicators answered {"values": {"received": 0}} against oneOf [integer, number, null]."""
    schema = (await client.get("/schema/openapi.json")).json()
    assert _ambiguous_one_ofs(schema) == []


async def test_every_media_type_in_the_schema_is_well_formed(client: Client) -> None:
    """GetEvidenceFile declared its 200 as content type "": a schema-checking client refused the file."""
    schema = (await client.get("/schema/openapi.json")).json()
    media = [
        (f"{method.upper()} {path}", status, media_type)
        for path, item in schema["paths"].items()
        for method, operation in item.items()
        for status, response in operation.get("responses", {}).items()
        for media_type in response.get("content", {})
    ]
    assert media and [m for m in media if "/" not in m[2]] == []


async def test_http_date_headers_are_not_declared_as_iso_date_times(client: Client) -> None:
    """GetEvidenceFile declared Last-Modified as date-time, but it is an HTTP date
    ("Thu, 26 Nov 2026 06:19:06 GMT"): a fuzzer checking headers refused every download of a real file."""
    schema = (await client.get("/schema/openapi.json")).json()
    declared = [
        (f"{method.upper()} {path}", name)
        for path, item in schema["paths"].items()
        for method, operation in item.items()
        for response in operation.get("responses", {}).values()
        for name, header in response.get("headers", {}).items()
        if name.lower() in {"last-modified", "date", "expires", "retry-after"}
        and header.get("schema", {}).get("format") == "date-time"
    ]
    assert declared == []
