"""Issue 13, extra: the leading group reads returns and indicators only; producing or restating a return
is for a supervisor or an administrator (and the scheduled job)."""

from __future__ import annotations

from typing import Any

from litestar.testing import AsyncTestClient

from tests.support.staff import Staff

Client = AsyncTestClient[Any]
MONTH = "2021-03"  # an ended month long before any test data: producing it changes nothing else


async def test_the_leading_group_reads_but_does_not_produce(client: Client, staff: dict[str, Staff]) -> None:
    lg = staff["leading_group"].headers
    refused = await client.post(f"/api/v1/returns/{MONTH}", headers=lg, json={"reason": "重新生成"})
    assert refused.status_code == 403, refused.text
    assert (await client.get(f"/api/v1/returns/{MONTH}", headers=lg)).status_code == 404  # none was made
    made = await client.post(f"/api/v1/returns/{MONTH}", headers=staff["supervisor"].headers)
    assert made.status_code == 201, made.text
    # a restatement request by the leading group is refused too; an administrator may make one
    assert (await client.post(f"/api/v1/returns/{MONTH}", headers=lg, json={})).status_code == 403
    again = await client.post(f"/api/v1/returns/{MONTH}", headers=staff["admin"].headers, json={})
    assert again.status_code == 200 and again.json()["version"] == 1
    # reading stays open to the leading group
    assert (await client.get(f"/api/v1/returns/{MONTH}", headers=lg)).status_code == 200
    assert (await client.get("/api/v1/returns", headers=lg)).status_code == 200
    assert (await client.get("/api/v1/indicators", headers=lg)).status_code == 200
