"""Fixtures for the API and page tests: one staff account per role (the session's app client is
tests/conftest.py's), and an app client of a module's own."""

from __future__ import annotations

from collections.abc import AsyncIterator

import asyncpg
import pytest

from service.settings import Settings
from tests.support.staff import Client, Staff, staff_per_role


@pytest.fixture(scope="session")
async def staff(client: Client, pool: asyncpg.Pool) -> dict[str, Staff]:
    """t_clerk, t_mediator, t_supervisor, t_leading_group, t_admin, keyed by role."""
    return await staff_per_role(pool, client, "t")


@pytest.fixture(scope="module")
async def api(settings: Settings) -> AsyncIterator[Client]:
    """A client on an app of the module's own: the cookies its tests leave stay within the module."""
    from service.app import create_app  # here, as in tests/conftest.py: importing the app is not cheap

    async with Client(app=create_app(settings)) as c:
        yield c
