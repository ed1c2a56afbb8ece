"""Fixtures for the security tests: one staff account per role, named apart from tests/api's (one session,
one database; the app client is tests/conftest.py's)."""

from __future__ import annotations

import asyncpg
import pytest

from tests.support.staff import Client, Staff, staff_per_role


@pytest.fixture(scope="session")
async def staff(client: Client, pool: asyncpg.Pool) -> dict[str, Staff]:
    """s_clerk, s_mediator, s_supervisor, s_leading_group, s_admin, keyed by role."""
    return await staff_per_role(pool, client, "s")
