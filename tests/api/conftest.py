"""Fixtures for the API and page tests: one staff account per role (the session's app client is
tests/conftest.py's), and an app client of a module's own."""

from __future__ import annotations

import asyncpg
import pytest

from tests.support.app_client import api  # noqa: F401  (the module's own app client)
from tests.support.staff import Client, Staff, staff_per_role


@pytest.fixture(scope="session")
async def staff(client: Client, pool: asyncpg.Pool) -> dict[str, Staff]:
    """t_clerk, t_mediator, t_supervisor, t_leading_group, t_admin, keyed by role."""
    return await staff_per_role(pool, client, "t")
