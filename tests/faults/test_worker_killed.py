"""A worker killed (SIGKILL) in the middle of its jobs: another worker runs them again, and each routing
happens once. The worker is frozen (SIGSTOP) at a moment when it holds routing jobs, so the kill always
lands mid-job; the jobs it held are then found in the new worker's log as second tries."""

from __future__ import annotations

import signal

import pytest

from tests.faults.conftest import Stack, wait_for
from tests.faults.support import (
    accept_all,
    all_in_mediation,
    assert_no_duplicate_events,
    case_ids,
    event_counts,
    outbox_finished,
    submit_many,
)

pytestmark = pytest.mark.faults


async def test_a_killed_workers_jobs_are_retried_and_take_effect_once(stack: Stack) -> None:
    base = await stack.web()
    supervisor = await stack.staff(base, "f_supervisor", ["supervisor"])
    conn = await stack.connect()
    redis = stack.redis.client()
    try:
        ids = await case_ids(conn, await submit_many(base, 16, "kill"))
        await accept_all(base, supervisor.headers, ids)
        # 32 routing jobs wait; the first worker takes them three at a time (a pool of 4)
        first = await stack.worker("worker-1", DB_POOL_MAX="4")
        pattern = f"arq:in-progress:{stack.queue}:route_case:*"

        async def frozen_mid_job() -> list[str]:
            first.send_signal(signal.SIGSTOP)
            held = [k.decode() async for k in redis.scan_iter(match=pattern)]
            if not held:
                first.send_signal(signal.SIGCONT)
            return held

        held = await wait_for(
            frozen_mid_job, within=20, interval=0.05, what="the worker to hold routing jobs"
        )
        first.kill()
        first.wait(10)
        routed_at_kill = len(await event_counts(conn, "routed"))
        assert routed_at_kill < len(ids), "the kill came before the work was done"

        await stack.worker("worker-2", DB_POOL_MAX="4")

        log = ""

        async def all_done() -> bool:
            nonlocal log
            log = stack.log_tail("worker-2", 5000)
            rerun = all(f"← {key.removeprefix('arq:in-progress:')}:route_case_job" in log for key in held)
            return rerun and await outbox_finished(conn) and await all_in_mediation(conn, ids)

        await wait_for(all_done, within=40, what="the second worker to re-run the held jobs and finish")
        routed = await event_counts(conn, "routed")
        queued = await event_counts(conn, "queued")
        assert {i: (routed[i], queued[i]) for i in ids} == {i: (1, 1) for i in ids}
        await assert_no_duplicate_events(conn)
        # the held jobs were run again by the new worker as arq retries: their second try
        retried = [line for line in log.splitlines() if "try=2" in line and "→ " in line]
        assert any(key.removeprefix("arq:in-progress:") + ":" in line for key in held for line in retried)
    finally:
        await redis.aclose()
        await conn.close()
