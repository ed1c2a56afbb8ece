"""For the HTTP-edge security tests: apps with changed settings, signed-in browsers, routed cases,
and a real `disputes serve` on loopback (on the session's database and Redis)."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import subprocess
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import msgspec
from litestar import Litestar
from litestar.testing import AsyncTestClient

from service.app import create_app
from service.settings import ROOT, Settings
from service.store.staff import StaffUser
from service.usecases import auth, casework, intake, routing
from tests.support.factories import complaint_body
from tests.support.intake import ctx as intake_ctx
from tests.support.net import free_port
from tests.support.staff import PASSWORD, sign_in_form

Client = AsyncTestClient[Litestar]
DISPUTES = ROOT / ".venv" / "bin" / "disputes"


@contextlib.asynccontextmanager
async def app_client(settings: Settings, **changes: Any) -> AsyncIterator[Client]:
    """A test client on an app built with these settings changed."""
    async with AsyncTestClient(app=create_app(msgspec.structs.replace(settings, **changes))) as c:
        yield c


async def new_staff(pool: asyncpg.Pool, roles: list[str]) -> tuple[str, int]:
    username = f"edge_{uuid.uuid4().hex[:8]}"
    return username, await auth.add_user(pool, username, roles, PASSWORD, display_name=f"测试{username}")


async def bearer(client: Client, username: str) -> dict[str, str]:
    r = await client.post("/api/v1/auth/token", json={"username": username, "password": PASSWORD})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


async def sign_in(client: Client, username: str) -> httpx.Response:
    """Sign in through the page (the client's jar keeps the cookies); returns the sign-in response."""
    r: httpx.Response = await sign_in_form(client, username)
    assert r.status_code == 303, r.text
    return r


async def routed_case(pool: asyncpg.Pool, settings: Settings, supervisor_id: int) -> int:
    """A complaint filed, accepted and routed (so its merchant is linked), made without HTTP."""
    now = datetime.now(UTC)
    receipt = await intake.submit_complaint(pool, complaint_body(), intake_ctx(settings), now=now)
    sup = StaffUser(supervisor_id, "edge-sup", "科长", frozenset({"supervisor"}))
    await casework.accept(pool, receipt.case_id, sup, None, now=now)
    await routing.route_case(pool, receipt.case_id, now=now)
    return receipt.case_id


class Served:
    """A `disputes serve` process; its log lines (JSON) are read back by the tests."""

    def __init__(self, port: int, log: Path, proc: subprocess.Popen[bytes]) -> None:
        self.port = port
        self.base = f"http://127.0.0.1:{port}"
        self.log_path = log
        self.proc = proc

    def log_text(self) -> str:
        return self.log_path.read_text(errors="replace")

    def log_lines(self) -> list[dict[str, Any]]:
        lines = []
        for line in self.log_text().splitlines():
            with contextlib.suppress(ValueError):
                lines.append(json.loads(line))
        return lines


@contextlib.contextmanager
def _process(settings: Settings, folder: Path, env: dict[str, str]) -> Iterator[Served]:
    port = free_port()
    assert settings.database_url and settings.redis_url
    full = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "REDIS_", "PG"))}
    full.update(
        DATABASE_URL=settings.database_url,
        REDIS_URL=settings.redis_url,
        DISPUTES_QUEUE=settings.queue_name,
        DISPUTES_DATA_DIR=str(folder),
        SECRET_KEY=settings.secret_key,
        LOG_JSON="1",
        DB_POOL_MAX="4",
        PYTHONPATH=str(ROOT),  # this tree's code, whatever the venv's editable install points at
    )
    full.update(env)
    log = folder / f"serve-{port}.log"
    with open(log, "ab") as out:
        proc = subprocess.Popen(
            [str(DISPUTES), "serve", "--port", str(port)],
            env=full,
            stdout=out,
            stderr=subprocess.STDOUT,
            cwd=ROOT,
        )
    served = Served(port, log, proc)
    try:
        yield served
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)


@contextlib.asynccontextmanager
async def serve(settings: Settings, folder: Path, **env: str) -> AsyncIterator[Served]:
    """`disputes serve` on a free loopback port with these environment settings, once /health answers."""
    with _process(settings, folder, env) as served:
        deadline = time.monotonic() + 30
        while True:
            assert served.proc.poll() is None, f"serve exited: {served.log_text()[-2000:]}"
            with contextlib.suppress(httpx.HTTPError):
                async with httpx.AsyncClient(timeout=2) as c:
                    if (await c.get(f"{served.base}/health")).status_code == 200:
                        break
            assert time.monotonic() < deadline, f"serve did not start: {served.log_text()[-2000:]}"
            await asyncio.sleep(0.2)
        yield served
