"""Test servers: the machine's own when DATABASE_URL / REDIS_URL are set, else embedded ones under .data/test.

Each session gets a fresh database, built by the production migration runner, and its own queue name,
so runs never see each other's data.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import asyncpg
import pytest
from litestar.testing import AsyncTestClient
from redis.asyncio import Redis

from service.settings import ROOT, Settings
from service.store.embedded import ensure_servers
from tests.support import clock
from tests.support.databases import Databases, open_pool

# Benchmarks run only through `make bench` (BENCH=1): they print figures and take a while.
collect_ignore = [] if os.environ.get("BENCH") else ["bench"]

SERVER_DIRS = {"integration": ("db",), "api": ("db",), "security": ("db",), "workers": ("db", "worker")}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        folder = Path(str(item.fspath)).parent.name
        for marker in SERVER_DIRS.get(folder, ()):
            item.add_marker(marker)


@pytest.fixture
def today_local() -> date:
    """The Shanghai date now (STYLE habit 11): use it, and dates relative to it, for "today" in a test."""
    return clock.today_local()


@pytest.fixture(scope="session")
def server_urls() -> Iterator[tuple[str, str]]:
    # DISPUTES_TEST_DATA_DIR: `make test-clock` starts its own servers, under the shifted clock
    folder = Path(os.environ.get("DISPUTES_TEST_DATA_DIR") or ROOT / ".data" / "test")
    servers = ensure_servers(
        os.environ.get("DATABASE_URL") or None, os.environ.get("REDIS_URL") or None, folder
    )
    yield servers.database_url, servers.redis_url
    servers.stop()


@pytest.fixture(scope="session")
async def databases(server_urls: tuple[str, str]) -> AsyncIterator[Databases]:
    dbs = Databases(server_urls[0])
    yield dbs
    await dbs.drop_all()


@pytest.fixture(scope="session")
async def database_url(databases: Databases) -> str:
    return await databases.create(migrated=True)


@pytest.fixture(scope="session")
def settings(
    database_url: str, server_urls: tuple[str, str], tmp_path_factory: pytest.TempPathFactory
) -> Settings:
    return Settings(
        database_url=database_url,
        redis_url=server_urls[1],
        data_dir=tmp_path_factory.mktemp("data"),
        secret_key="test-secret-key-not-for-production",
        queue_name=f"qd-test-{uuid.uuid4().hex[:8]}",
        log_json=True,
        # the suite files hundreds of complaints from one test client and phone; the filing limits
        # are proven with their own settings in tests/security/test_filing_limits.py
        filing_max_per_client=0,
        filing_max_per_phone=0,
    )


@pytest.fixture(scope="session")
async def pool(database_url: str) -> AsyncIterator[asyncpg.Pool]:
    async with open_pool(database_url, max_size=5) as p:
        yield p


@pytest.fixture(scope="session")
async def client(settings: Settings) -> AsyncIterator[AsyncTestClient[Any]]:
    """The session's app client (tests/api and tests/security share it; staff accounts are theirs)."""
    from service.app import create_app  # here: the unit tests need not import the app

    async with AsyncTestClient(app=create_app(settings)) as c:
        yield c


@pytest.fixture
async def redis(settings: Settings) -> AsyncIterator[Redis]:
    assert settings.redis_url
    client = Redis.from_url(settings.redis_url)
    yield client
    await client.aclose()


@pytest.fixture(autouse=True)
async def _forget_throttle(request: pytest.FixtureRequest) -> None:
    """Failed-code counters are shared state in Redis: each test starts with none."""
    if "settings" not in request.fixturenames:
        return
    s: Settings = request.getfixturevalue("settings")
    assert s.redis_url
    client = Redis.from_url(s.redis_url)
    try:
        keys = [k async for k in client.scan_iter(match=f"{s.queue_name}:track-fail:*")]
        keys += [k async for k in client.scan_iter(match=f"{s.queue_name}:signin-fail:*")]
        if keys:
            await client.delete(*keys)
    finally:
        await client.aclose()
