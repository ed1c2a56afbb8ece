"""Fixtures for the security tests: the session's app client and one staff account per role, built like
tests/api/conftest.py from tests/api/staff_fixtures.py."""

from __future__ import annotations

from collections.abc import AsyncIterator

import asyncpg
import pytest
from litestar.testing import AsyncTestClient

from service.app import create_app
from service.settings import Settings
from tests.api.staff_fixtures import ROLES, Staff, make_staff


@pytest.fixture(scope="session")
async def client(settings: Settings) -> AsyncIterator[AsyncTestClient]:  # type: ignore[type-arg]
    async with AsyncTestClient(app=create_app(settings)) as c:
        yield c


@pytest.fixture(scope="session")
async def staff(client: AsyncTestClient, pool: asyncpg.Pool) -> dict[str, Staff]:  # type: ignore[type-arg]
    """One account per role, keyed by role (named apart from tests/api's: one session, one database)."""
    return {role: await make_staff(pool, client, f"s_{role}", [role]) for role in ROLES}
