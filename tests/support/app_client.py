"""The `api` fixture that tests/api and tests/i18n share: an app client of each module's own."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from service.settings import Settings
from tests.support.staff import Client


@pytest.fixture(scope="module")
async def api(settings: Settings) -> AsyncIterator[Client]:
    """A client on an app of the module's own: the cookies its tests leave (a session, a language) stay
    within the module."""
    from service.app import create_app  # here, as in tests/conftest.py: importing the app is not cheap

    async with Client(app=create_app(settings)) as c:
        yield c
