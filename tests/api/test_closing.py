"""Closing a case by hand: an outcome, the relief obtained, an event; the consumer sees it closed."""

from __future__ import annotations

from typing import Any

import asyncpg
import pytest
from litestar.testing import AsyncTestClient

from domain.errors import ValidationFailed
from domain.outcomes import validate_close
from tests.support.cases import accepted_and_routed
from tests.support.consumer import consumer_view
from tests.support.factories import complaint_against
from tests.support.staff import Staff

Client = AsyncTestClient  # type: ignore[type-arg]


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (("settled", None, None, None), "outcome"),  # settlements close themselves
        (("terminated", None, None, None), "outcome"),
        (("nonsense", None, None, None), "outcome"),
        (("withdrawn", "teleport", None, None), "relief_type"),
        (("paid_by_merchant", "refund", "12.345", None), "relief"),
    ],
)
def test_close_validation(args: tuple[Any, ...], field: str) -> None:
    with pytest.raises(ValidationFailed) as caught:
        validate_close(*args)
    assert field in [e.field for e in caught.value.errors]


async def test_closing_a_case_paid_by_the_merchant(
    client: Client, staff: dict[str, Staff], pool: asyncpg.Pool
) -> None:
    case = await accepted_and_routed(client, staff, pool, complaint_against("杭州办结测试店"))
    url = f"/api/v1/cases/{case['case_id']}/close"
    body = {"outcome": "paid_by_merchant", "relief_type": "refund", "relief": "399.00", "note": "商家已退款"}
    assert (await client.post(url, json=body, headers=staff["clerk"].headers)).status_code == 403
    r = await client.post(url, json=body, headers=staff["mediator"].headers)
    assert r.status_code == 200, r.text
    row = await pool.fetchrow(
        "SELECT status, outcome, relief_type, relief_fen, closed_at FROM cases WHERE id = $1", case["case_id"]
    )
    assert (row["status"], row["outcome"], row["relief_type"], row["relief_fen"]) == (
        "closed",
        "paid_by_merchant",
        "refund",
        39900,
    )
    assert row["closed_at"] is not None
    event = await pool.fetchrow(
        "SELECT actor, payload FROM case_events WHERE case_id = $1 AND kind = 'closed'", case["case_id"]
    )
    assert event["actor"] == f"staff:{staff['mediator'].user_id}" and event["payload"]["relief"] == "399.00"
    assert (await consumer_view(client, case))["status"] == "closed"
    again = await client.post(url, json=body, headers=staff["mediator"].headers)
    assert again.status_code == 409
