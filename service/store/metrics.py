"""The figures GET /metrics reads from the database, and the worker's counts written to it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime

import asyncpg

from service.store.sql import SQL


@dataclass(frozen=True, slots=True)
class Figures:
    outbox_backlog: int
    outbox_oldest_age_s: float
    notifications: list[tuple[str, str, int]]  # (channel, status, count)
    notifications_oldest_due_s: float
    cases_by_status: dict[str, int]
    overdue: dict[str, int]  # deadline kind -> cases past it
    jobs: list[tuple[str, str, int]]  # (job, outcome, runs)
    workers_alive: int
    worker_last_seen: float | None  # Unix time


async def figures(conn: asyncpg.Connection, today: date, *, alive_within_s: float) -> Figures:
    outbox = await conn.fetchrow(SQL["metrics_outbox"])
    notices = await conn.fetch(SQL["metrics_notifications"])
    statuses = await conn.fetch(SQL["metrics_cases_by_status"])
    overdue = await conn.fetchrow(SQL["metrics_overdue"], today)
    jobs = await conn.fetch(SQL["metrics_worker_jobs"])
    workers = await conn.fetchrow(SQL["metrics_workers"], alive_within_s)
    return Figures(
        outbox_backlog=outbox["backlog"],
        outbox_oldest_age_s=outbox["oldest_age_s"],
        notifications=[(r["channel"], r["status"], r["n"]) for r in notices],
        notifications_oldest_due_s=max(
            (r["oldest_due_s"] for r in notices if r["status"] == "pending"), default=0.0
        ),
        cases_by_status={r["status"]: r["n"] for r in statuses},
        overdue=dict(overdue),
        jobs=[(r["job"], r["outcome"], r["n"]) for r in jobs],
        workers_alive=workers["alive"],
        worker_last_seen=workers["last_seen"],
    )


async def add_job_counts(conn: asyncpg.Connection, counts: Mapping[tuple[str, str], int]) -> None:
    if not counts:
        return
    keys = list(counts)
    await conn.execute(
        SQL["worker_job_counts_add"], [k[0] for k in keys], [k[1] for k in keys], [counts[k] for k in keys]
    )


async def heartbeat(conn: asyncpg.Connection, worker: str, at: datetime) -> None:
    await conn.execute(SQL["worker_heartbeats_upsert"], worker, at)
