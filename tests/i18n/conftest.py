"""The i18n tests' staff accounts (their own names: the API tests' may exist in the same session) and an
app client of each module's own (a language cookie a test leaves must not reach other tests' pages)."""

from __future__ import annotations

import asyncpg
import pytest

from tests.support.app_client import api  # noqa: F401  (the module's own app client)
from tests.support.staff import Client, Staff, staff_per_role


@pytest.fixture(scope="session")
async def staff(client: Client, pool: asyncpg.Pool) -> dict[str, Staff]:
    """l_clerk, l_mediator, l_supervisor, l_leading_group, l_admin, keyed by role."""
    return await staff_per_role(pool, client, "l")
