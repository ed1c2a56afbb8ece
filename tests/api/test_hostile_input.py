"""Inputs a fuzzer found turning into 500s: code fields given as objects, ids too big for the database."""

from __future__ import annotations

from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from tests.api.staff_fixtures import Staff

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
