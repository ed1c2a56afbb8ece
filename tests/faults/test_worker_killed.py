"""A worker killed (SIGKILL) in the middle of a job: another worker runs it again, and each routing happens
once. The test holds one case's row locked before the worker starts, so that case's routing job waits
inside the job (after arq has counted its try) until the kill: the kill always lands mid-job, on a job
the test knows, and its re-run is that job's second try."""

from __future__ import annotations

import pytest

from tests.support.fault_checks import (
    accept_all,
    all_routed,
    assert_routed_once,
    case_ids,
    event_counts,
    submit_many,
)
from tests.support.stack import Stack, wait_for

pytestmark = pytest.mark.faults

# The first worker's job timeout, long enough that the held job is still waiting when it is killed; its
# in-progress claim (timeout + 10 s) is what the second worker waits out before the re-run.
HELD_JOB_TIMEOUT_S = "8"


async def test_a_killed_workers_jobs_are_retried_and_take_effect_once(stack: Stack) -> None:
    base = await stack.web()
    supervisor = await stack.staff(base, "f_supervisor", ["supervisor"])
    conn = await stack.connect()
    holder = await stack.connect()
    redis = stack.redis.client()
    try:
        ids = await case_ids(conn, await submit_many(base, 16, "kill"))
        await accept_all(base, supervisor.headers, ids)
        target = ids[len(ids) // 2]
        hold = holder.transaction()
        await hold.start()
        await holder.execute("SELECT id FROM cases WHERE id = $1 FOR UPDATE", target)

        first = await stack.worker("worker-1", DB_POOL_MAX="4", DISPUTES_JOB_TIMEOUT_S=HELD_JOB_TIMEOUT_S)

        async def waiting_on_the_held_row() -> list[int]:
            rows = await conn.fetch(
                "SELECT pid FROM pg_stat_activity WHERE $1 = any(pg_blocking_pids(pid))",
                holder.get_server_pid(),
            )
            return [r["pid"] for r in rows]

        await wait_for(
            waiting_on_the_held_row,
            within=20,
            interval=0.05,
            what="the worker's job to wait on the held case",
        )
        held = [
            k.decode()
            async for k in redis.scan_iter(match=f"arq:in-progress:{stack.queue}:route_case:{target}*")
        ]
        assert held, "the job waiting on the row is one arq counts as in progress"
        first.kill()
        first.wait(10)
        # what a dead client's backend does once it gets the lock: nothing (its transaction rolls back);
        # ending it now keeps the test from depending on when PostgreSQL notices the closed socket
        blocked = await waiting_on_the_held_row()
        await conn.execute("SELECT pg_terminate_backend(pid) FROM unnest($1::int[]) AS pid", blocked)
        await hold.rollback()
        assert (await event_counts(conn, "routed"))[target] == 0, "the kill came before the held job was done"

        await stack.worker("worker-2", DB_POOL_MAX="4")
        log = ""

        async def all_done() -> bool:
            nonlocal log
            log = stack.log_tail("worker-2", 5000)
            rerun = all(f"← {key.removeprefix('arq:in-progress:')}:route_case_job" in log for key in held)
            return rerun and await all_routed(conn, ids)

        await wait_for(all_done, within=60, what="the second worker to re-run the held jobs and finish")
        await assert_routed_once(conn, ids)
        # each held job was run again by the new worker as an arq retry: its second try
        started = [line for line in log.splitlines() if "→ " in line]
        for key in held:
            job = key.removeprefix("arq:in-progress:") + ":route_case_job"
            assert any(job in line and "try=2" in line for line in started), (job, started)
    finally:
        await redis.aclose()
        await holder.close()
        await conn.close()
