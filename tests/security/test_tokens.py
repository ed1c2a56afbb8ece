"""Issue 13, extra: API tokens can be revoked by their holder (`DELETE /api/v1/auth/token`) and are listed
for an administrator (`GET /api/v1/auth/tokens`), without their values."""

from __future__ import annotations

from typing import Any

import asyncpg
from litestar.testing import AsyncTestClient

from tests.support.live import unique
from tests.support.staff import Staff, make_staff

Client = AsyncTestClient[Any]


async def test_a_holder_revokes_its_own_token(client: Client, pool: asyncpg.Pool) -> None:
    mine = await make_staff(pool, client, unique("revoke"), ["clerk"])
    other = await make_staff(pool, client, unique("keep"), ["clerk"])
    assert (await client.get("/api/v1/cases", headers=mine.headers)).status_code == 200
    r = await client.delete("/api/v1/auth/token", headers=mine.headers)
    assert r.status_code == 204, r.text
    assert (await client.get("/api/v1/cases", headers=mine.headers)).status_code == 401
    # revoked once and for all; nobody else's token is touched
    assert (await client.delete("/api/v1/auth/token", headers=mine.headers)).status_code == 401
    assert (await client.get("/api/v1/cases", headers=other.headers)).status_code == 200
    assert (await client.delete("/api/v1/auth/token")).status_code == 401


async def test_an_admin_lists_live_tokens_without_their_values(
    client: Client, pool: asyncpg.Pool, staff: dict[str, Staff]
) -> None:
    holder = await make_staff(pool, client, unique("listed"), ["mediator"])
    gone = await make_staff(pool, client, unique("gone"), ["clerk"])
    assert (await client.delete("/api/v1/auth/token", headers=gone.headers)).status_code == 204
    r = await client.get("/api/v1/auth/tokens", headers=staff["admin"].headers)
    assert r.status_code == 200, r.text
    listed = {t["username"]: t for t in r.json()}
    assert holder.username in listed and gone.username not in listed
    entry = listed[holder.username]
    assert entry["user_id"] == holder.user_id and entry["display_name"] == f"测试{holder.username}"
    assert {"created_at", "last_seen_at", "expires_at", "fingerprint"} <= entry.keys()
    # no token value anywhere in the answer
    for s in (holder, staff["admin"], *staff.values()):
        assert s.token not in r.text
    for role in ("clerk", "mediator", "supervisor", "leading_group"):
        assert (await client.get("/api/v1/auth/tokens", headers=staff[role].headers)).status_code == 403
    assert (await client.get("/api/v1/auth/tokens")).status_code == 401
