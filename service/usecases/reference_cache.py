"""Reference data for intake, read once per process instead of on every submission.

Taxonomy, rule sets and the working-day calendar change only by migration or `disputes calendar load`.
Each change bumps `reference_version` (migration 0017); intake's insert checks the version its
snapshot was read at and retries with a fresh one when it moved, so staleness never reaches a case.
The age limit only bounds how long a new taxonomy code may be refused by an old snapshot.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

import asyncpg

from domain.calendar import WorkCalendar
from domain.deadlines import RuleSet
from domain.taxonomy import Taxonomy
from service.store import cases, reference

WINDOW_BEFORE = timedelta(days=2)  # the local date may lag the process's idea of today
WINDOW_AFTER = timedelta(days=120)
NEEDED_AFTER = timedelta(days=60)  # what an acceptance deadline counts through (see work_calendar_from)


@dataclass(frozen=True, slots=True)
class Reference:
    version: int
    taxonomy: Taxonomy
    rule_sets: tuple[RuleSet, ...]  # by effective_from
    calendar: WorkCalendar
    calendar_from: date
    calendar_to: date

    def covers(self, day: date) -> bool:
        return self.calendar_from <= day and day + NEEDED_AFTER <= self.calendar_to

    def rule_set_on(self, day: date) -> RuleSet:
        """The latest rule set in force by `day`; before the first one, the earliest."""
        in_force = [r for r in self.rule_sets if r.effective_from <= day]
        return in_force[-1] if in_force else self.rule_sets[0]


class ReferenceCache:
    def __init__(self, max_age_s: float = 60.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.max_age_s = max_age_s
        self.clock = clock
        self._current: Reference | None = None
        self._loaded_at = 0.0
        self._lock = asyncio.Lock()
        self._day_bases: dict[date, int] = {}
        self._day_base_lock = asyncio.Lock()

    async def get(self, pool: asyncpg.Pool, day: date) -> Reference:
        current = self._usable(day)
        if current is not None:
            return current
        async with self._lock:  # one reload for a burst of requests, not one each
            current = self._usable(day)
            if current is None:
                current = await load(pool, day)
                self._current, self._loaded_at = current, self.clock()
            return current

    def _usable(self, day: date) -> Reference | None:
        current = self._current
        if current is None or not current.covers(day) or self.clock() - self._loaded_at >= self.max_age_s:
            return None
        return current

    async def day_base(self, pool: asyncpg.Pool, day: date) -> int:
        """The day's tracking-number base (fixed once drawn, so kept for good; a few bytes a day)."""
        base = self._day_bases.get(day)
        if base is None:
            # one draw per process: concurrent draws each take a sequence value (the losers' are burnt),
            # so a burst at the start of a day would begin its numbers at 000003 rather than 000001
            async with self._day_base_lock:
                base = self._day_bases.get(day)
                if base is None:
                    async with pool.acquire() as conn:
                        base = self._day_bases[day] = await cases.claim_day_base(conn, day)
        return base

    def invalidate(self, seen: Reference) -> None:
        """Drop `seen` (its version moved on); a newer snapshot loaded meanwhile stays."""
        if self._current is seen:
            self._current = None


async def load(pool: asyncpg.Pool, day: date) -> Reference:
    start, end = day - WINDOW_BEFORE, day + WINDOW_AFTER
    async with pool.acquire() as conn, conn.transaction(isolation="repeatable_read", readonly=True):
        # one snapshot: the version read here is the version of everything read with it
        version = await reference.version(conn)
        return Reference(
            version=version,
            taxonomy=await reference.taxonomy(conn),
            rule_sets=await reference.rule_sets(conn),
            calendar=await reference.work_calendar(conn, start, end),
            calendar_from=start,
            calendar_to=end,
        )
