"""The arq worker: thin jobs that call use cases, a relay from the outbox, and the settings that wire them."""

from __future__ import annotations

import asyncio
import contextlib
import functools
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

import asyncpg
import structlog
from arq import Retry, cron
from arq.connections import ArqRedis, RedisSettings
from arq.constants import in_progress_key_prefix
from arq.typing import WorkerCoroutine
from arq.worker import Worker, func
from redis.exceptions import RedisError

from domain.errors import NotFound
from service.adapters.channels import configured_channels
from service.metrics import JobCounts
from service.settings import Settings
from service.store.db import CONNECT_TIMEOUT_S, connection_lost, create_pool, create_read_pool
from service.usecases import (
    casework,
    clusters,
    escalation,
    event_notices,
    first_payment,
    jobs,
    mediation,
    product_signals,
    public_merchants,
    routing,
)
from service.usecases.clock import utcnow
from workers import notifications as notices_jobs
from workers.open_data import open_data_job
from workers.returns import indicator_rollups_job, monthly_return_job

log = structlog.get_logger("worker")
BACKOFF_S = (10, 60, 300)
RELAY_POLL_S = 1.0  # registrations do not notify (migration 0017): this bounds routing's start
RELAY_RETRY_S = 1.0  # after a failure: soon, so the backlog moves as soon as the server is back
JOB_TIMEOUT_S = 60.0  # routing takes milliseconds; a job past this is cancelled and retried
IN_PROGRESS_GRACE_S = 10.0
# arq reads at most `queue_read_limit` (100) job ids per poll and then sleeps `poll_delay` (0.5 s by
# default): a cap of 200 jobs/s whatever the worker could do (issue 17). A poll costs one Redis read.
POLL_DELAY_S = 0.05
REDIS_RETRY_S = 1.0


async def route_case_job(ctx: dict[str, Any], case_id: int, request_id: str | None = None) -> str:
    structlog.contextvars.bind_contextvars(request_id=request_id, job="route_case", case_id=case_id)
    try:
        return await routing.route_case(ctx["pool"], case_id, now=utcnow(), request_id=request_id)
    except NotFound:
        log.warning("route_case: no such case")
        return "no_such_case"
    except Exception as exc:
        if not connection_lost(exc):
            raise
        if ctx["job_try"] > len(BACKOFF_S):
            await jobs.record_failure(ctx["pool"], f"route_case:{case_id}", str(exc))
            return "gave_up"
        raise Retry(defer=BACKOFF_S[ctx["job_try"] - 1]) from exc
    finally:
        structlog.contextvars.clear_contextvars()


async def route_cases_job(
    ctx: dict[str, Any],
    case_ids: list[int],
    request_ids: list[str | None] | None = None,
    request_id: str | None = None,
) -> dict[str, int]:
    """A batch of routing jobs (the relay's, under a backlog: service.usecases.jobs.handovers), each case in
    its own transaction, as `route_case_job` would.

    A case the database could not be reached for stops the batch there: that case and the rest are retried
    with the same backoff (a retry routes only the cases whose jobs are still unfinished, so the others are
    not routed again), and recorded as failed after the last try. Any other error fails that case alone:
    the batch goes on, and the job then fails, leaving the case's outbox row for the sweeper (as a single
    job's failure does). A worker killed mid-batch leaves the cases not yet done unfinished in the outbox:
    arq runs the batch again once its claim expires, and the sweeper re-enqueues them in any case.
    """
    del request_id  # a batch carries each case's own
    cases = list(zip(case_ids, request_ids or [None] * len(case_ids), strict=True))
    if ctx["job_try"] > 1:  # a retry: only the cases not done yet
        unfinished = await jobs.unfinished_cases(ctx["pool"], case_ids)
        cases = [(case_id, rid) for case_id, rid in cases if case_id in unfinished]
    counts: dict[str, int] = {}
    broken: list[tuple[int, BaseException]] = []
    lost: list[int] = []
    error: BaseException | None = None
    for index, (case_id, rid) in enumerate(cases):
        structlog.contextvars.bind_contextvars(request_id=rid, job="route_case", case_id=case_id)
        try:
            outcome = await routing.route_case(ctx["pool"], case_id, now=utcnow(), request_id=rid)
        except NotFound:
            log.warning("route_case: no such case")
            outcome = "no_such_case"
        except Exception as exc:
            if connection_lost(exc):
                lost, error = [c for c, _ in cases[index:]], exc
                break
            log.exception("route_case failed")
            broken.append((case_id, exc))
            continue
        finally:
            structlog.contextvars.clear_contextvars()
        counts[outcome] = counts.get(outcome, 0) + 1
    if lost:
        if ctx["job_try"] > len(BACKOFF_S):
            for case_id in lost:
                await jobs.record_failure(ctx["pool"], f"route_case:{case_id}", str(error))
            return {**counts, "gave_up": len(lost)}
        raise Retry(defer=BACKOFF_S[ctx["job_try"] - 1]) from error
    if broken:
        failed = ", ".join(str(case_id) for case_id, _ in broken)
        raise RuntimeError(f"routing failed for case(s) {failed}") from broken[0][1]
    return counts


async def deadlines_job(ctx: dict[str, Any]) -> dict[str, int]:
    """Every 15 minutes: raise, once each, the flags of deadlines that passed. Nothing is decided."""
    now = utcnow()
    acceptance = await casework.flag_overdue_acceptances(ctx["pool"], now=now)
    replies, topups = await first_payment.flag_deadlines(ctx["pool"], now=now)
    warned, escalated = await escalation.flag_mediation_deadlines(ctx["pool"], now=now)
    expired = await mediation.expire_offers(ctx["pool"], now)
    unperformed = await mediation.flag_unperformed(ctx["pool"], now)
    flags = {
        "acceptance_overdue": acceptance,
        "merchant_deadline_missed": replies,
        "topup_overdue": topups,
        "mediation_due_soon": warned,
        "mediation_escalated": escalated,
        "offers_expired": expired,
        "settlements_not_performed": unperformed,
    }
    if any(flags.values()):
        log.info("deadline flags raised", **flags)
    return flags


async def notices_job(ctx: dict[str, Any]) -> dict[str, int]:
    """Every minute, a backstop to the worker's continuous notice loops (workers.notifications): queue the
    notices new events call for, then send a batch of what is due (with retries)."""
    queued = await notices_jobs.read_events_once(ctx, ctx["cron_horizon"])
    result = await notices_jobs.notifications_job(ctx)
    return {"queued": queued, **result}


async def clusters_job(ctx: dict[str, Any]) -> int:
    """Hourly: raise, once each, alerts for clusters of accepted complaints. Nothing is decided."""
    raised = await clusters.detect(ctx["pool"], now=utcnow())
    if raised:
        log.info("cluster alerts raised", alerts=raised)
    return len(raised)


async def product_signals_job(ctx: dict[str, Any]) -> int:
    """Hourly: raise, once each, product risk signals (the same product across merchants). Nothing is
    decided; brand and model are not logged, only the signal ids."""
    raised = await product_signals.detect(ctx["pool"], now=utcnow())
    if raised:
        log.info("product risk signals raised", signals=raised)
    return len(raised)


async def public_merchants_job(ctx: dict[str, Any]) -> dict[str, Any]:
    """Hourly: the month's 消费评议 publication, made once its last month has ended (one aggregate over the
    period), so that no public reader waits for it (a no-op once made); then the large merchants' own
    previews of the coming one, counted afresh."""
    now = utcnow()
    pub = await public_merchants.published(ctx["pool"], now=now, limit=1)
    previews = await public_merchants.count_previews(ctx["pool"], now=now)
    return {"published": pub.period_end.isoformat(), "previews": previews}


def _enqueuer(redis: ArqRedis, queue_name: str) -> jobs.Enqueue:
    # arq job ids are global to the Redis database: namespace them by queue so that two deployments
    # (or test runs) sharing one Redis never block each other's deterministic ids.
    async def enqueue(job: str, key: str, args: Mapping[str, Any], request_id: str | None) -> bool:
        queued = await redis.enqueue_job(
            f"{job}_job", **args, request_id=request_id, _job_id=f"{queue_name}:{key}", _queue_name=queue_name
        )
        return queued is not None

    return enqueue


async def redis_lost_data(ctx: dict[str, Any]) -> bool:
    """Whether Redis lost its data (FLUSHALL, a restart without persistence) since this worker last looked.

    The worker keeps a marker key in Redis; when the marker it saw is gone, so is every queued job. Of
    several workers the first to notice puts the marker back and sweeps. At start-up nothing is swept (the
    periodic staleness sweep covers a Redis that was emptied while no worker ran).
    """
    created = await ctx["redis"].set(f"{ctx['queue_name']}:outbox-marker", b"1", nx=True)
    seen_before = ctx.get("marker_seen", False)
    ctx["marker_seen"] = True
    return bool(created) and seen_before


async def relay_once(ctx: dict[str, Any]) -> int:
    enqueue = _enqueuer(ctx["redis"], ctx["queue_name"])
    if await redis_lost_data(ctx):
        swept = await jobs.relay_outbox(ctx["pool"], enqueue, stale_after_s=0)
        log.warning("redis lost its data; unfinished jobs re-enqueued from the outbox", jobs=swept)
    handed = await jobs.relay_outbox(ctx["pool"], enqueue)
    if handed:
        log.info("outbox relayed", jobs=handed)
    return handed


async def relay_forever(ctx: dict[str, Any], database_url: str) -> None:
    """Relay whenever an outbox row commits (LISTEN), and at least every RELAY_POLL_S regardless.

    Several workers may run this at once: rows are taken with SKIP LOCKED and job ids are deterministic.
    """
    wake = asyncio.Event()
    listener: asyncpg.Connection | None = None
    while True:
        try:
            if listener is None or listener.is_closed():
                listener = await asyncpg.connect(database_url, timeout=CONNECT_TIMEOUT_S)
                await listener.add_listener("outbox", lambda *_: wake.set())
            await relay_once(ctx)
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # a database or Redis hiccup: log, wait, try again soon; never die
            log.warning("relay failed; retrying", error=type(exc).__name__)
            if listener is not None and not isinstance(exc, RedisError):
                listener.terminate()  # the database failed: listen anew, and never leak a connection
                listener = None
            await asyncio.sleep(RELAY_RETRY_S)  # not woken by each commit while a server is down
            wake.clear()
            continue
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(wake.wait(), RELAY_POLL_S)
        wake.clear()


class ResilientWorker(Worker):
    """arq's Worker, made to ride out faults (tests/faults):

    - a Redis outage does not end the worker: arq's poll loop would raise out of `main()`; here it logs,
      waits and polls again, as the relay does, and carries on when Redis is back;
    - a job whose worker was killed is picked up by another worker once its "in progress" claim expires.
      arq sets that claim to the longest timeout of any function plus 10 s (here the monthly return's,
      half an hour); it is set to the job timeout plus a grace instead, and the long crons extend their
      own claim when they start (`_holding_claim`), so no run of theirs is started twice.
    """

    def __init__(self, *args: Any, in_progress_timeout_s: float, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.in_progress_timeout_s = in_progress_timeout_s

    async def _poll_iteration(self) -> None:
        try:
            await super()._poll_iteration()
        except (RedisError, OSError) as exc:
            log.warning("redis unavailable; polling again shortly", error=type(exc).__name__)
            await asyncio.sleep(REDIS_RETRY_S)


def _counted(job: Callable[..., Awaitable[Any]]) -> Any:
    """The job, its runs counted for GET /metrics (service.metrics.JobCounts, flushed to the database)."""

    @functools.wraps(job)
    async def run(ctx: dict[str, Any], *args: Any, **kwargs: Any) -> Any:
        counts: JobCounts | None = ctx.get("job_counts")
        try:
            result = await job(ctx, *args, **kwargs)
        except BaseException:
            if counts is not None:
                counts.count(job.__name__, ok=False)
            raise
        if counts is not None:
            counts.count(job.__name__, ok=True)
        return result

    return run


async def flush_metrics_forever(ctx: dict[str, Any]) -> None:
    while True:
        await asyncio.sleep(JobCounts.FLUSH_S)
        try:
            await ctx["job_counts"].flush(ctx["pool"], utcnow())
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # kept in memory and added with the next flush
            log.warning("worker metrics not flushed; retrying", error=type(exc).__name__)


def _holding_claim(job: Callable[[dict[str, Any]], Awaitable[Any]], timeout_s: float) -> WorkerCoroutine:
    """A cron that may run longer than the workers' in-progress claim extends its claim to its own timeout."""

    @functools.wraps(job)
    async def run(ctx: dict[str, Any]) -> Any:
        claim_ms = int((timeout_s + IN_PROGRESS_GRACE_S) * 1000)
        await ctx["redis"].pexpire(in_progress_key_prefix + ctx["job_id"], claim_ms)
        return await job(ctx)

    return run


def _cron(
    job: Callable[[dict[str, Any]], Awaitable[Any]], queue_name: str, timeout_s: float, **when: Any
) -> Any:
    # arq's cron job id is `<name>:<run time>`; named by queue, two deployments (or test runs) sharing one
    # Redis database do not take each other's runs for their own
    return cron(
        _holding_claim(_counted(job), timeout_s),
        name=f"cron:{queue_name}:{job.__name__}",
        max_tries=3,
        timeout=timeout_s,
        run_at_startup=True,
        **when,
    )


def build_worker(settings: Settings, *, burst: bool = False, handle_signals: bool = True) -> Worker:
    """The worker for these settings; its start-up makes the pool (max_jobs stays within the pool)."""
    assert settings.database_url and settings.redis_url, "servers are resolved before the worker is built"
    database_url = settings.database_url
    # tests/faults set a short one (DISPUTES_JOB_TIMEOUT_S), so a killed worker's job comes back in seconds
    job_timeout_s = settings.job_timeout_s or JOB_TIMEOUT_S

    async def startup(ctx: dict[str, Any]) -> None:
        # the jobs' connections, plus one for each notice sender and one for the event reader
        pool_size = settings.db_pool_max + max(1, settings.notify_senders) + 1
        ctx["pool"] = await create_pool(database_url, min_size=1, max_size=pool_size)
        ctx["read_pool"] = await create_read_pool(settings.database_read_url)  # None: read the primary
        ctx["queue_name"] = settings.queue_name
        ctx["settings"] = settings
        ctx["channels"] = configured_channels(settings)
        ctx["rate_limits"] = notices_jobs.rate_limits_from(settings)
        ctx["job_counts"] = JobCounts()
        ctx["cron_horizon"] = event_notices.EventHorizon()  # its own: a horizon needs its polls in order
        await relay_once(ctx)  # pick up whatever waited while no worker ran
        if not burst:
            ctx["relay"] = asyncio.create_task(relay_forever(ctx, database_url))
            ctx["notices"] = asyncio.create_task(notices_jobs.notices_forever(ctx))
            ctx["metrics"] = asyncio.create_task(flush_metrics_forever(ctx))

    async def shutdown(ctx: dict[str, Any]) -> None:
        for task in ("relay", "notices", "metrics"):
            if task in ctx:
                ctx[task].cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await ctx[task]
        if "job_counts" in ctx:
            with contextlib.suppress(Exception):  # figures only: never fail a shutdown over them
                await ctx["job_counts"].flush(ctx["pool"], utcnow())
        if ctx.get("read_pool") is not None:
            await ctx["read_pool"].close()
        if "pool" in ctx:
            await ctx["pool"].close()

    queue = settings.queue_name
    crons = [
        _cron(deadlines_job, queue, 300, minute={0, 15, 30, 45}),
        _cron(clusters_job, queue, 300, minute={5}),
        _cron(product_signals_job, queue, 300, minute={7}),
        _cron(notices_job, queue, 300, second={0}),
        _cron(monthly_return_job, queue, 1800, minute={10}),
        _cron(indicator_rollups_job, queue, 1800, minute={20}),
        # on the hour (UTC's and Shanghai's begin together): a large merchant's preview is judged by the
        # local day, so that day's first count is made as it begins
        _cron(public_merchants_job, queue, 1800, minute={0}),
        _cron(open_data_job, queue, 1800, minute={40}),
    ]
    return ResilientWorker(
        functions=[
            func(_counted(route_case_job), name="route_case_job"),
            func(_counted(route_cases_job), name="route_cases_job"),
        ],
        # a burst worker (tests, one-off runs) only drains the queue; schedules belong to long-running ones
        cron_jobs=[] if burst else crons,
        redis_settings=RedisSettings.from_dsn(settings.redis_url),
        queue_name=settings.queue_name,
        on_startup=startup,
        on_shutdown=shutdown,
        max_jobs=max(1, settings.db_pool_max - 1),
        poll_delay=POLL_DELAY_S,
        keep_result=60,  # a failed job blocks its id for this long; keep it short (STYLE: known traps)
        job_timeout=job_timeout_s,
        in_progress_timeout_s=job_timeout_s + min(IN_PROGRESS_GRACE_S, job_timeout_s),
        max_tries=len(BACKOFF_S) + 1,
        burst=burst,
        handle_signals=handle_signals,
    )
