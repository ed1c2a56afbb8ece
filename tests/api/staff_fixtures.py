"""Staff accounts for the API tests: one per role, created once per session on the session database."""

from __future__ import annotations

from dataclasses import dataclass

import asyncpg
from litestar.testing import AsyncTestClient

from service.usecases import auth

PASSWORD = "correct horse battery staple"
ROLES = ("clerk", "mediator", "supervisor", "leading_group", "admin")


@dataclass(frozen=True)
class Staff:
    username: str
    user_id: int
    token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


async def make_staff(pool: asyncpg.Pool, client: AsyncTestClient, username: str, roles: list[str]) -> Staff:  # type: ignore[type-arg]
    user_id = await auth.add_user(pool, username, roles, PASSWORD, display_name=f"测试{username}")
    r = await client.post("/api/v1/auth/token", json={"username": username, "password": PASSWORD})
    assert r.status_code == 200, r.text
    return Staff(username, user_id, r.json()["access_token"])


async def hand_to_mediator(
    client: AsyncTestClient, pool: asyncpg.Pool, staff: dict[str, Staff], case_id: int
) -> None:  # type: ignore[type-arg]
    """A case in mediation is its mediator's alone (issue 13): the supervisor gives it to the test mediator,
    as the queue's claim would. Cases at other stages are left as they are."""
    if await pool.fetchval("SELECT status FROM cases WHERE id = $1", case_id) != "mediation":
        return
    r = await client.post(
        f"/api/v1/cases/{case_id}/assign",
        json={"user_id": staff["mediator"].user_id},
        headers=staff["supervisor"].headers,
    )
    assert r.status_code == 200, r.text
