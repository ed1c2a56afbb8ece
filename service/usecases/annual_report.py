"""The annual report's consumer-disputes chapter (issue 18 §3): the year and the year before summed from the
frozen monthly returns, and the typical cases staff write from consented cases.

A month without a frozen return is produced and frozen first, the way the monthly job does it, when the
caller asks (`disputes report`, and the page's button for those who may produce returns); reading the page
never writes, it lists the missing months instead. Months before the first complaint are no data, not zero.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import asyncpg

from domain import annual_report as rules
from domain import indicators as ind
from domain.errors import NotFound, ValidationFailed
from domain.events import EventKind
from service.store import cases, statistics
from service.store import typical_cases as store
from service.store.staff import StaffUser
from service.store.statistics import Return
from service.usecases import returns
from service.usecases.annual_report_commands import SaveTypicalCase
from service.usecases.clock import local_date

PRODUCED_REASON = "年度报告补齐缺失月份"


@dataclass(frozen=True, slots=True)
class AnnualReport:
    year: int
    current: rules.YearFigures
    previous: rules.YearFigures
    states: dict[date, str]  # each month of the year and the year before → rules.MONTH_STATES key
    typical: list[store.TypicalCase]
    target: float | None
    produced: list[Return]  # the months this call froze
    by_month: dict[date, Return | None]  # the latest return of each month of both years, if any
    same_period: tuple[int, ...]  # the month numbers the year before is compared over

    @property
    def missing(self) -> list[date]:
        return [m for m, s in sorted(self.states.items()) if s == rules.MISSING]

    @property
    def sources(self) -> list[Return]:
        return [r for _, r in sorted(self.by_month.items()) if r is not None]

    @property
    def as_of(self) -> datetime | None:
        """When the newest of the returns summed was frozen: the report's date."""
        return max((r.created_at for r in self.sources), default=None)


def year_of(text: object, *, now: datetime) -> int:
    return rules.parse_year(text, local_date(now))


async def _latest(pool: asyncpg.Pool, months: list[date]) -> dict[date, Return | None]:
    async with pool.acquire() as conn:
        return {m: await statistics.latest_return(conn, m) for m in months}


async def build(
    pool: asyncpg.Pool, year: int, *, now: datetime, produce_missing: bool = False, actor: str = "system"
) -> AnnualReport:
    """The report of `year` against `year - 1`; with `produce_missing`, the ended months since the first
    complaint that have no return are produced and frozen first (as returns.produce, one at a time)."""
    last_ended = ind.previous_month(local_date(now))
    months = rules.year_months(year - 1) + rules.year_months(year)
    async with pool.acquire() as conn:
        first = await statistics.first_month(conn)
        definitions = await statistics.definitions(conn, ind.VERSION)
        typical = await store.for_year(conn, year)
    latest = await _latest(pool, months)
    produced: list[Return] = []
    if produce_missing:
        frozen = [m for m, r in latest.items() if r is not None]
        for month in rules.months_to_produce((year - 1, year), frozen, first, last_ended):
            produced.append(await returns.produce(pool, month, actor=actor, now=now, reason=PRODUCED_REASON))
        if produced:
            latest = await _latest(pool, months)
    target = next((d.target for d in definitions if d.code == "satisfaction_mean"), None)
    states = {
        m: rules.month_state(m, frozen=latest[m] is not None, first_month=first, last_ended=last_ended)
        for m in months
    }

    # the year before over the same months (同期): those of this year that have a return, all twelve once
    # the year is complete
    same_period = {m.month for m in rules.year_months(year) if latest[m] is not None} or set(range(1, 13))

    def figures(y: int, months: set[int]) -> rules.YearFigures:
        found = [
            rules.MonthReturn(r.month, r.version, r.content_hash, r.figures)
            for m in rules.year_months(y)
            if m.month in months and (r := latest[m]) is not None
        ]
        return rules.aggregate(y, found, target)

    return AnnualReport(
        year,
        figures(year, set(range(1, 13))),
        figures(year - 1, same_period),
        states,
        typical,
        target,
        produced,
        latest,
        tuple(sorted(same_period)),
    )


async def years(pool: asyncpg.Pool, *, now: datetime) -> list[tuple[int, int]]:
    """The years a report can be made for, newest first, each with how many of its months are frozen."""
    today = local_date(now)
    async with pool.acquire() as conn:
        first = await statistics.first_month(conn)
        listed = await statistics.list_returns(conn, 12 * (today.year - ind.FIRST_MONTH.year + 1))
    start = first.year if first else today.year
    frozen: dict[int, int] = {}
    for item in listed:
        frozen[item.month.year] = frozen.get(item.month.year, 0) + 1
    return [(y, frozen.get(y, 0)) for y in range(today.year, min(start, *frozen, today.year) - 1, -1)]


# --- typical cases ----------------------------------------------------------------------------------------


async def candidates(pool: asyncpg.Pool, year: int) -> list[store.Candidate]:
    async with pool.acquire() as conn:
        return await store.candidates(conn, year)


async def save_typical_case(
    pool: asyncpg.Pool, year: int, case_id: int, actor: StaffUser, cmd: SaveTypicalCase, *, now: datetime
) -> bool:
    """Choose the case as a typical case of the year, or give it new text: an event in the case's history.
    The case must have closed in the year with the consumer's consent to publication, and neither text may
    contain the consumer's personal data (422 naming the field). True when newly chosen."""
    async with pool.acquire() as conn, conn.transaction():
        found = await store.lock_eligible(conn, year, case_id)
        if found is None:
            raise ValidationFailed.one(
                "case_id",
                "not_eligible",
                f"该案件不是{year}年办结且消费者同意公开的案件，不能作为典型案例",
                "Not a case closed in the year with the consumer's consent to publication",
            )
        _, consumer = found
        title, summary = rules.check_typical_case(cmd.title, cmd.summary, consumer)
        new = await store.save(conn, year, case_id, title=title, summary=summary, at=now, by=actor.actor)
        payload = {"year": year, "title": title, "new": new}
        await cases.add_event(
            conn, case_id, EventKind.TYPICAL_CASE_SAVED, actor=actor.actor, at=now, payload=payload
        )
    return new


async def remove_typical_case(
    pool: asyncpg.Pool, year: int, case_id: int, actor: StaffUser, *, now: datetime
) -> None:
    async with pool.acquire() as conn, conn.transaction():
        title = await store.remove(conn, year, case_id)
        if title is None:
            raise NotFound(f"no typical case of {year} from case {case_id}")
        payload = {"year": year, "title": title}
        await cases.add_event(
            conn, case_id, EventKind.TYPICAL_CASE_REMOVED, actor=actor.actor, at=now, payload=payload
        )
