"""The demo's year, played through the real use cases: every complaint from its receipt to its ending.

Each complaint is a *story*: an async generator that yields the moment of its next step and, resumed at
that moment, performs the step with the use case a person (or the worker) would call — intake, the
acceptance decision, routing, the first-payment flow, mediation, arbitration, closing, the survey and
what a low score leads to. A scheduler runs every story's steps in one global time order, beside the
worker's daily jobs (deadline flags, cluster detection), so each use case sees the database as
it was at that moment. Staff act on working days in office hours (Asia/Shanghai), consumers also in the
evening; nothing happens at or after `end`, the start of the day the demo is loaded: a story whose next
step would fall there stops, and its case is left where it is, like the work of a real office.

Endings are dealt in proportion across the demo and details drawn from each case's own `random.Random`,
so statuses and outcomes are the same for a seed and a day of loading (link tokens and passwords are
random). The scenario tables (how often each ending happens, what people wrote) are data in
`service/demo/data/story.json`. The stories: `arrival` (intake, acceptance, routing), `routes` (first
payment, arbitration), `mediating`, `follow_up` (surveys, appeals, the daily jobs); `office` holds what they
share.
Notices are left to the worker: it queues them from its event cursor when it starts.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import asyncpg

from service.adapters.throttle import Throttle
from service.demo.lifecycle.arrival import UNDECIDED_WITHIN, complaint
from service.demo.lifecycle.follow_up import daily_jobs, follow_up
from service.demo.lifecycle.office import Cast, Office, Played, Scheduler
from service.store import reference
from service.usecases.clock import LOCAL_TZ
from service.usecases.intake import IntakeContext

__all__ = ["UNDECIDED_WITHIN", "Cast", "Played", "play_year"]


async def play_year(
    pool: asyncpg.Pool,
    ctx: IntakeContext,
    cast: Cast,
    bodies: list[tuple[datetime, dict[str, Any]]],
    *,
    seed: int,
    today: date,
    code_choice: Callable[[str], str],
    throttle: Throttle | None = None,
) -> Played:
    """Play every body from its receipt moment up to the start of `today` (Beijing time)."""
    end = datetime.combine(today, time(0, 0), LOCAL_TZ).astimezone(UTC)
    first = bodies[0][0].astimezone(LOCAL_TZ).date() if bodies else today
    async with pool.acquire() as conn:
        calendar = await reference.work_calendar(conn, first - timedelta(days=7), today + timedelta(days=400))
    office = Office(
        pool, ctx, cast, calendar, Scheduler(end), seed, code_choice, Played(), throttle, follow_up=follow_up
    )
    for index, (received_at, body) in enumerate(bodies):
        await office.scheduler.spawn(complaint(office, index, received_at, body))
    await office.scheduler.spawn(daily_jobs(office, first, random.Random(f"demo:{seed}:jobs")))
    await office.scheduler.run()
    return office.played
