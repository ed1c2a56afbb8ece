"""Prometheus figures for GET /metrics (service.web.api.metrics): what the on-call person looks at.

- Requests, by route template (never the raw path: it may carry a token or a tracking number), counted
  and timed in each web process (`RequestMetrics`, one registry per app).
- The backlog figures — outbox, notices, cases by status, deadlines passed — read from PostgreSQL at
  scrape time, at most every FIGURES_TTL_S, under a statement timeout: a scrape never loads the database.
- The worker's figures reach the web processes through the database: each worker counts its job runs
  in memory and adds them to `worker_job_counts` every few seconds, with a heartbeat (`JobCounts`).
"""

from __future__ import annotations

import asyncio
import os
import socket
import time
from collections import Counter as Tally
from collections.abc import Awaitable, Callable, Iterator
from datetime import datetime
from typing import Any

import asyncpg
import structlog
from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric

from service.store import metrics as store
from service.store.metrics import Figures
from service.usecases.clock import local_date

log = structlog.get_logger("metrics")

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
FIGURES_TTL_S = 15.0  # scrapes closer together than this share one reading of the database
STATEMENT_TIMEOUT_MS = 5000
WORKER_ALIVE_S = 60.0  # a worker not heard from for this long is not counted as alive
ASGIApp = Callable[[Any, Any, Any], Awaitable[None]]


class RequestMetrics:
    """Request counts and latencies of one web process, by method, route template and status."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.requests = Counter(
            "disputes_http_requests",
            "HTTP requests answered, by route template",
            ("method", "route", "status"),
            registry=self.registry,
        )
        self.latency = Histogram(
            "disputes_http_request_duration_seconds",
            "Time to answer an HTTP request, by route template",
            ("method", "route"),
            registry=self.registry,
        )

    def wrap(self, app: ASGIApp) -> ASGIApp:
        """The ASGI app, measured. Outside routing, so unknown paths (route "unmatched") count too."""

        async def measured(scope: Any, receive: Any, send: Any) -> None:
            if scope["type"] != "http":
                await app(scope, receive, send)
                return
            observed = ObservedResponse(send)
            try:
                await app(scope, receive, observed)
            finally:
                route = scope.get("path_template") or "unmatched"  # set by the router once it matched
                method = scope.get("method", "")
                self.requests.labels(method, route, str(observed.status)).inc()
                self.latency.labels(method, route).observe(observed.elapsed_s())

        return measured


class ObservedResponse:
    """An ASGI `send` that passes every message on and notes the response's status (500 until one
    starts: a request that fails before answering counts as an error) and how long the request took."""

    def __init__(self, send: Callable[[Any], Awaitable[None]]) -> None:
        self._send = send
        self.status = 500
        self.started = time.perf_counter()

    async def __call__(self, message: Any) -> None:
        if message["type"] == "http.response.start":
            self.status = message["status"]
        await self._send(message)

    def elapsed_s(self) -> float:
        return time.perf_counter() - self.started


class DatabaseFigures:
    """The database's figures, read at most every FIGURES_TTL_S (the last good reading is kept)."""

    def __init__(self, ttl_s: float = FIGURES_TTL_S) -> None:
        self.ttl_s = ttl_s
        self._read_at = -1e9
        self._figures: Figures | None = None
        self._ok = False
        self._lock = asyncio.Lock()

    def expire(self) -> None:
        """The next scrape reads the database again, however recent the last reading."""
        self._read_at = -1e9

    async def read(self, pool: asyncpg.Pool, now: datetime) -> tuple[Figures | None, bool]:
        async with self._lock:
            if time.monotonic() - self._read_at >= self.ttl_s:
                try:
                    async with pool.acquire() as conn, conn.transaction(readonly=True):
                        await conn.execute(f"SET LOCAL statement_timeout = {STATEMENT_TIMEOUT_MS}")
                        self._figures = await store.figures(
                            conn, local_date(now), alive_within_s=WORKER_ALIVE_S
                        )
                    self._ok = True
                except (asyncpg.PostgresError, OSError, TimeoutError) as exc:
                    log.warning("metrics: database figures unavailable", error=type(exc).__name__)
                    self._ok = False
                self._read_at = time.monotonic()
            return self._figures, self._ok


class _FiguresCollector:
    def __init__(self, figures: Figures | None, ok: bool) -> None:
        self.figures = figures
        self.ok = ok

    def collect(self) -> Iterator[Metric]:
        up = GaugeMetricFamily(
            "disputes_database_figures_up", "1 when the last reading of the database worked"
        )
        up.add_metric([], 1.0 if self.ok else 0.0)
        yield up
        f = self.figures
        if f is None:
            return
        yield _gauge("disputes_outbox_backlog", "Jobs in the outbox not done yet", f.outbox_backlog)
        yield _gauge(
            "disputes_outbox_oldest_pending_age_seconds",
            "Age of the oldest unfinished outbox job (0 when none)",
            f.outbox_oldest_age_s,
        )
        pending = GaugeMetricFamily(
            "disputes_notifications_pending", "Notices waiting to be sent, by channel", labels=["channel"]
        )
        failed = GaugeMetricFamily(
            "disputes_notifications_failed",
            "Notices that gave up after their last try, by channel",
            labels=["channel"],
        )
        for channel, status, n in f.notifications:
            (pending if status == "pending" else failed).add_metric([channel], n)
        yield pending
        yield failed
        yield _gauge(
            "disputes_notifications_oldest_due_seconds",
            "How long the most overdue pending notice has been due (0 when none is due)",
            f.notifications_oldest_due_s,
        )
        cases = GaugeMetricFamily("disputes_cases", "Cases by status", labels=["status"])
        for status, n in sorted(f.cases_by_status.items()):
            cases.add_metric([status], n)
        yield cases
        overdue = GaugeMetricFamily(
            "disputes_deadlines_overdue", "Cases past a deadline, by deadline", labels=["deadline"]
        )
        for deadline, n in sorted(f.overdue.items()):
            overdue.add_metric([deadline], n)
        yield overdue
        jobs = CounterMetricFamily(
            "disputes_worker_jobs", "Job runs by the workers, by job and outcome", labels=["job", "outcome"]
        )
        for job, outcome, n in f.jobs:
            jobs.add_metric([job, outcome], n)
        yield jobs
        yield _gauge(
            "disputes_workers_alive",
            f"Workers heard from in the last {WORKER_ALIVE_S:.0f} s",
            f.workers_alive,
        )
        if f.worker_last_seen is not None:
            yield _gauge(
                "disputes_worker_last_seen_timestamp_seconds",
                "When a worker was last heard from (Unix time)",
                f.worker_last_seen,
            )


def _gauge(name: str, documentation: str, value: float) -> GaugeMetricFamily:
    g = GaugeMetricFamily(name, documentation)
    g.add_metric([], float(value))
    return g


def render(requests: RequestMetrics, figures: Figures | None, ok: bool) -> bytes:
    """The Prometheus text exposition: this process's requests, then the database's figures."""
    db = CollectorRegistry(auto_describe=False)
    db.register(_FiguresCollector(figures, ok))  # type: ignore[arg-type]
    return generate_latest(requests.registry) + generate_latest(db)


class JobCounts:
    """A worker's job runs, counted in memory and added to the database every FLUSH_S (with a heartbeat)."""

    FLUSH_S = 5.0

    def __init__(self, worker: str | None = None) -> None:
        self.worker = worker or f"{socket.gethostname()}:{os.getpid()}"
        self._counts: Tally[tuple[str, str]] = Tally()

    def count(self, job: str, ok: bool) -> None:
        self._counts[(job, "ok" if ok else "failed")] += 1

    async def flush(self, pool: asyncpg.Pool, now: datetime) -> None:
        counts, self._counts = self._counts, Tally()
        try:
            async with pool.acquire() as conn, conn.transaction():
                await store.add_job_counts(conn, counts)
                await store.heartbeat(conn, self.worker, now)
        except BaseException:
            self._counts.update(counts)  # not lost: added with the next flush
            raise
