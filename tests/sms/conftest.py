"""A real Kannel (bearerbox + smsbox + fakesmsc) for the SMS tests, and the app served over HTTP so that
Kannel's delivery reports reach it. Without Debian's kannel and kannel-extras the tests skip with one
line naming the packages; under CI (env CI set) they fail instead, since CI installs them (.ci/run)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import asyncpg
import msgspec
import pytest
import uvicorn

from service.settings import Settings
from tests.support.databases import Databases, open_pool
from tests.support.kannel import MISSING, PASSWORD, USER, Kannel, binaries_present, in_ci
from tests.support.net import free_port
from tests.support.smtp import SmtpServer


@pytest.fixture(scope="session")
def kannel(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Kannel]:
    if not binaries_present():
        if in_ci():
            pytest.fail(MISSING)
        pytest.skip(MISSING)
    gateway = Kannel(Path(tmp_path_factory.mktemp("kannel")))
    try:
        gateway.start()
        yield gateway
    finally:
        gateway.stop()


@pytest.fixture(scope="module")
def smtp() -> Iterator[SmtpServer]:
    server = SmtpServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
async def sms_database(databases: Databases) -> str:
    """A database of this module's own: the senders see every pending notice, so no other test's may be."""
    return await databases.create(migrated=True)


@pytest.fixture(scope="module")
def web_port() -> int:
    return free_port()


@pytest.fixture(scope="module")
def sms_settings(
    settings: Settings, sms_database: str, kannel: Kannel, smtp: SmtpServer, web_port: int
) -> Settings:
    base = f"http://127.0.0.1:{web_port}"
    return msgspec.structs.replace(
        settings,
        database_url=sms_database,
        public_base_url=base,
        sms_gateway_url=kannel.sendsms_url,
        sms_user=USER,
        sms_password=PASSWORD,
        sms_sender="10690571",
        sms_dlr_base_url=base,
        smtp_host=smtp.config.host,
        smtp_port=smtp.config.port,
        smtp_from=smtp.config.sender,
        smtp_timeout_s=5,
    )


@pytest.fixture(scope="module")
async def sms_pool(sms_database: str) -> AsyncIterator[asyncpg.Pool]:
    async with open_pool(sms_database, max_size=6) as pool:
        yield pool


@pytest.fixture(scope="module")
async def web(sms_settings: Settings, web_port: int) -> AsyncIterator[str]:
    """The app on a real port (Kannel's smsbox calls its delivery-report URL)."""
    from service.app import create_app

    server = uvicorn.Server(
        uvicorn.Config(create_app(sms_settings), host="127.0.0.1", port=web_port, log_level="warning")
    )
    task = asyncio.create_task(server.serve())
    for _ in range(200):
        if server.started:
            break
        await asyncio.sleep(0.05)
    assert server.started, "the app did not start"
    yield sms_settings.public_base_url
    server.should_exit = True
    await task
