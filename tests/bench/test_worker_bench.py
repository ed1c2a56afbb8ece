"""Routing jobs keeping up with intake (issue 17): jobs/s of one and two real workers, and the backlog's age.

Everything runs as the operator runs it, each in its own process: `disputes serve` files the complaints
(POST /api/v1/complaints from tests/bench/loadgen.py, a fresh complaint and Idempotency-Key per request),
`disputes worker` runs the routing jobs its outbox relay hands to arq. On a database of its own:

1. drain, for one and then two workers: N complaints are filed while no worker runs (the filing rate of
   one web process), their outbox rows are held back (marked as handed over), the workers are started,
   and once they are up the rows are relayed in one go by the relay's own code (`jobs.relay_outbox`).
   jobs/s = N / (the last job's `done_at` − the moment the relay began): what the workers can do. A job is
   one case's routing (its outbox row); the relay hands a backlog to arq in batches (`route_cases_job`,
   about `jobs.ROUTE_SPREAD` arq jobs a pass), so jobs/s is cases routed a second;
2. stream: one web process files N complaints while one worker runs, as in production; a sampler reads
   the unfinished routing jobs every 0.2 s: the backlog's peak size and the peak age of its oldest job.

Target (issue 17): one worker drains at least as fast as one web process files, two nearly twice as fast.
On a shared 2-core machine the wall-clock rates follow whatever else runs; each figure is also given per
CPU-second of the processes doing the work (from /proc: the web process while it files, the workers while
they drain), which is what "a worker keeps up with a web process, each with a core" compares.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import ExitStack, asynccontextmanager, contextmanager
from dataclasses import dataclass
from pathlib import Path

import asyncpg
import msgspec
import pytest
from arq.connections import ArqRedis, RedisSettings, create_pool

from service.settings import ROOT, Settings
from service.store.db import create_pool as create_db_pool
from service.usecases import jobs
from tests.support.bench_servers import BIN, load, real_server, serve, server_env, stop
from tests.support.databases import Databases
from tests.support.factories import complaint_body
from tests.support.net import free_port
from workers.main import _enqueuer

COMPLAINTS = 5_000
CONCURRENCY = 16
SAMPLE_S = 0.2
START_UP_S = 3.0  # a started worker runs its crons once (run_at_startup): let them finish first
DRAIN_TIMEOUT_S = 300.0

pytestmark = pytest.mark.bench

UNFINISHED = """
SELECT count(*), coalesce(extract(epoch FROM now() - min(created_at)), 0)::float8
FROM outbox WHERE done_at IS NULL AND job = 'route_case'
"""


@dataclass
class Backlog:
    """The unfinished routing jobs, sampled: the most at once, and the oldest one's greatest age."""

    peak_jobs: int = 0
    peak_age_s: float = 0.0

    async def sample(self, pool: asyncpg.Pool) -> int:
        count, age = await pool.fetchrow(UNFINISHED)
        self.peak_jobs, self.peak_age_s = max(self.peak_jobs, count), max(self.peak_age_s, age)
        return int(count)


@dataclass
class Workers:
    logs: list[Path]
    procs: list[subprocess.Popen[bytes]]

    def cpu_s(self) -> float:
        return sum(cpu_s(p) for p in self.procs)


def cpu_s(proc: subprocess.Popen[bytes]) -> float:
    """User + system CPU seconds the process has used so far (Linux /proc)."""
    fields = Path(f"/proc/{proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@contextmanager
def workers(count: int, env: dict[str, str], folder: Path) -> Iterator[Workers]:
    """`count` worker processes until the block ends."""
    running = Workers([folder / f"worker-{uuid.uuid4().hex[:6]}.log" for _ in range(count)], [])
    with ExitStack() as stack:
        for log in running.logs:
            out = stack.enter_context(log.open("ab"))
            proc = subprocess.Popen(
                [str(BIN / "disputes"), "worker"], env=env, cwd=ROOT, stdout=out, stderr=out
            )
            stack.callback(stop, proc, timeout_s=15)
            running.procs.append(proc)
        yield running


async def started(logs: list[Path], within_s: float = 60.0) -> None:
    deadline = time.monotonic() + within_s
    while not all(log.exists() and "Starting worker" in log.read_text(errors="replace") for log in logs):
        assert time.monotonic() < deadline, "workers did not start"
        await asyncio.sleep(0.2)
    await asyncio.sleep(START_UP_S)


async def drained(pool: asyncpg.Pool, backlog: Backlog) -> None:
    deadline = time.monotonic() + DRAIN_TIMEOUT_S
    while await backlog.sample(pool):
        assert time.monotonic() < deadline, "routing jobs were not drained"
        await asyncio.sleep(SAMPLE_S)


@asynccontextmanager
async def sampling(pool: asyncpg.Pool, backlog: Backlog) -> AsyncIterator[None]:
    async def sample_forever() -> None:
        while True:
            await backlog.sample(pool)
            await asyncio.sleep(SAMPLE_S)

    task = asyncio.create_task(sample_forever())
    try:
        yield
    finally:
        task.cancel()


@dataclass
class Rate:
    per_s: float  # wall clock
    per_cpu_s: float  # per CPU-second of the processes that did the work


async def file_complaints(url: str, body: Path, web: subprocess.Popen[bytes]) -> Rate:
    """File COMPLAINTS through the web process."""
    cpu = cpu_s(web)
    result = await asyncio.to_thread(
        load, url, requests=COMPLAINTS, concurrency=CONCURRENCY, body=body, unique_key=True
    )
    assert result["statuses"] == {"201": COMPLAINTS}, result
    return Rate(float(str(result["rps"])), COMPLAINTS / (cpu_s(web) - cpu))


async def hold_back(pool: asyncpg.Pool) -> None:
    """Mark the waiting rows as handed over, so no worker's relay takes them before all workers are up."""
    await pool.execute("UPDATE outbox SET enqueued_at = now() WHERE done_at IS NULL")


async def check_routed(pool: asyncpg.Pool, cases: int) -> None:
    """Every case has its routing step recorded, once; no job ended in an error."""
    pending = await pool.fetchval("SELECT count(*) FROM case_events WHERE kind = 'routing_pending'")
    assert pending == cases
    assert not await pool.fetchval("SELECT count(*) FROM outbox WHERE last_error IS NOT NULL")


async def drain(pool: asyncpg.Pool, redis: ArqRedis, settings: Settings, count: int, folder: Path) -> Rate:
    """Relay the held-back jobs to `count` running workers; jobs/s until the last one is done."""
    with workers(count, server_env(settings), folder) as running:
        await started(running.logs)
        began, cpu = await pool.fetchval("SELECT now()"), running.cpu_s()
        first = await pool.fetchval("SELECT min(id) FROM outbox WHERE done_at IS NULL")
        await jobs.relay_outbox(pool, _enqueuer(redis, settings.queue_name), stale_after_s=0)
        await drained(pool, Backlog())
        cpu = running.cpu_s() - cpu
    last = await pool.fetchval("SELECT max(done_at) FROM outbox WHERE id >= $1 AND job = 'route_case'", first)
    return Rate(COMPLAINTS / (last - began).total_seconds(), COMPLAINTS / cpu)


def show(label: str, rate: Rate, unit: str) -> str:
    return f"  {label:<34}: {rate.per_s:7.1f} {unit}/s  {rate.per_cpu_s:7.1f} {unit}/CPU-s"


async def test_routing_jobs_keep_up(settings: Settings, databases: Databases, tmp_path: Path) -> None:
    url = await databases.create(migrated=True)
    s = msgspec.structs.replace(settings, database_url=url, queue_name=f"qd-bench-{uuid.uuid4().hex[:8]}")
    assert s.redis_url
    body = tmp_path / "complaint.json"
    text = complaint_body()["description"] + "__UNIQUE__"  # each request a new complaint (loadgen)
    body.write_text(json.dumps(complaint_body(description=text), ensure_ascii=False))
    pool = await create_db_pool(url, max_size=3)  # the service's kind: its jsonb codec reads outbox args
    redis = await create_pool(RedisSettings.from_dsn(s.redis_url))
    port = free_port()
    complaints = f"http://127.0.0.1:{port}/api/v1/complaints"
    filing: list[Rate] = []
    rates: dict[int, Rate] = {}
    stream = Backlog()
    load_before = os.getloadavg()[0]  # the machine may be shared: the figures say how busy it was
    try:
        with serve(real_server(s, port), server_env(s), port, tmp_path / "web.log") as web:
            for count in (1, 2):
                filing.append(await file_complaints(complaints, body, web))
                await hold_back(pool)
                rates[count] = await drain(pool, redis, s, count, tmp_path)
            with workers(1, server_env(s), tmp_path) as running:
                await started(running.logs)
                async with sampling(pool, stream):
                    filing.append(streamed := await file_complaints(complaints, body, web))
                await drained(pool, stream)
        await check_routed(pool, 3 * COMPLAINTS)
    finally:
        await redis.aclose()
        await pool.close()
    filed = Rate(max(r.per_s for r in filing[:2]), max(r.per_cpu_s for r in filing))
    one, two = rates[1], rates[2]
    print(
        f"\nrouting jobs, {COMPLAINTS} complaints per run filed by one `disputes serve` "
        f"(loadgen, concurrency {CONCURRENCY}), `disputes worker` processes:\n"
        f"{show('one web process files (best run)', filed, 'complaints')}\n"
        f"{show('one worker drains', one, 'jobs')}\n"
        f"{show('two workers drain', two, 'jobs')}\n"
        f"  one worker / one web process      : {one.per_s / filed.per_s:7.2f} wall clock, "
        f"{one.per_cpu_s / filed.per_cpu_s:.2f} per CPU-s  (target ≥ 1)\n"
        f"  two workers / one worker          : {two.per_s / one.per_s:7.2f} wall clock  (target ≈ 2), "
        f"{two.per_cpu_s / one.per_cpu_s:.2f} per CPU-s (≈ 1: each worker as efficient as one alone)\n"
        f"  stream, one worker while the web files at {streamed.per_s:.0f}/s: "
        f"backlog peak {stream.peak_jobs} jobs, oldest {stream.peak_age_s:.1f} s\n"
        f"  load average (1 min) before / after: {load_before:.2f} / {os.getloadavg()[0]:.2f}"
    )
