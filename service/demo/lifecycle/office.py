"""What every demo story shares: the staff who act, the scheduler running the steps in time order, and
the office's clock (working days and office hours in Asia/Shanghai, consumers also in the evening)."""

from __future__ import annotations

import heapq
import random
from collections import Counter
from collections.abc import AsyncGenerator, Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import asyncpg

from domain.calendar import WorkCalendar
from service.adapters.throttle import Throttle
from service.demo import story
from service.store import cases, first_payments
from service.store.staff import StaffUser
from service.usecases import annual_report, closing, first_payment, satisfaction
from service.usecases.annual_report_commands import SaveTypicalCase
from service.usecases.casework_commands import Close
from service.usecases.clock import LOCAL_TZ
from service.usecases.intake import IntakeContext, Receipt

Story = AsyncGenerator[datetime, None]
# the consumer's answers to the follow-up survey: (office, rng, case id, outcome, respondent, opened at)
FollowUp = Callable[["Office", random.Random, int, str, satisfaction.Respondent, datetime], Story]

OFFICE = (time(9, 0), time(17, 0))  # staff steps start in this window, Beijing time
CONSUMER_HOURS = (8, 22)  # consumers answer between 08:00 and 22:00
TYPICAL_TITLE = "作出先行赔付承诺的商家在期限内直接赔付"
TYPICAL_SUMMARY = (
    "消费者购买的商品出现质量问题，向区市场监管局投诉。该商家已作出放心消费先行赔付承诺，"
    "收到先行赔付通知后，在答复期限内直接向消费者赔付，消费者诉求得到解决，案件办结。"
)


@dataclass(frozen=True, slots=True)
class Cast:
    """The demo staff who act in the stories."""

    supervisor: StaffUser
    mediator: StaffUser
    clerk: StaffUser


@dataclass
class Played:
    receipts: list[Receipt] = field(default_factory=list)
    accepted: int = 0
    rejected: int = 0
    closures: Counter[str] = field(default_factory=Counter)  # outcome → closings (a reopened case: twice)


class Scheduler:
    """Runs stories' steps in time order (ties by the order they were started)."""

    def __init__(self, end: datetime) -> None:
        self.end = end
        self._heap: list[tuple[datetime, int, Story]] = []
        self._seq = 0

    async def spawn(self, story: Story) -> None:
        self._seq += 1
        await self._push(self._seq, story, None)

    async def _push(self, seq: int, story: Story, after: datetime | None) -> None:
        moment = await anext(story, None)  # runs the step resumed at `after`, up to the next yield
        if moment is None:
            return
        if moment >= self.end:
            await story.aclose()  # the next step would be today or later: the case stays where it is
            return
        if after is not None and moment <= after:
            raise RuntimeError(f"a demo story went back in time: {moment} after {after}")
        heapq.heappush(self._heap, (moment, seq, story))

    async def run(self) -> None:
        while self._heap:
            moment, seq, story = heapq.heappop(self._heap)
            await self._push(seq, story, moment)


@dataclass
class Office:
    """What every story shares: the pool, the staff, the calendar, the scheduler and the tallies."""

    pool: asyncpg.Pool
    ctx: IntakeContext
    cast: Cast
    calendar: WorkCalendar
    scheduler: Scheduler
    seed: int
    code_choice: Callable[[str], str]
    played: Played
    throttle: Throttle | None = None  # the tracking page's guard, for consumers who come back by code
    tokens: dict[int, str] = field(default_factory=dict)  # case id → the merchant's link token
    receipts: dict[int, Receipt] = field(default_factory=dict)  # case id → its tracking number and code
    surveyed: set[int] = field(default_factory=set)  # cases whose survey a consumer has been given
    dealers: dict[tuple[story.Weighted, str], story.Dealer] = field(default_factory=dict)
    follow_up: FollowUp | None = None  # the consumer's side of a survey (service.demo.lifecycle.follow_up)
    typical_case: int | None = None  # the annual report's demo typical case (issue 18 §3)

    def deal(self, table: story.Weighted, key: str = "") -> str:
        """The next code of a table, dealt in proportion across the whole demo (one dealer per table and
        key): the endings come in their shares however small the demo, and the same for a seed."""
        dealer = self.dealers.get((table, key))
        if dealer is None:
            dealer = self.dealers[(table, key)] = story.Dealer(table)
        return dealer.deal()

    # --- time ------------------------------------------------------------------------------------------

    def workday(self, day: date, n: int) -> date:
        """The n-th working day after `day` (n = 0: `day` itself when it is one, else the next)."""
        if n == 0:
            while not self.calendar.is_workday(day):
                day += timedelta(days=1)
            return day
        while n > 0:
            day += timedelta(days=1)
            if self.calendar.is_workday(day):
                n -= 1
        return day

    def staff(self, rng: random.Random, after: datetime, lo: int = 0, hi: int = 0) -> datetime:
        """A moment in office hours, lo..hi working days after `after` (0: later that day if it can)."""
        local = after.astimezone(LOCAL_TZ)
        n = rng.randint(lo, hi)
        day = self.workday(local.date(), n)
        start = datetime.combine(day, OFFICE[0], LOCAL_TZ)
        stop = datetime.combine(day, OFFICE[1], LOCAL_TZ)
        if day == local.date():
            start = max(start, local + timedelta(minutes=10))
            if start >= stop:  # too late today: the next working day
                return self.staff(rng, datetime.combine(day, time(23, 0), LOCAL_TZ), 1, 1)
        span = int((stop - start).total_seconds())
        return (start + timedelta(seconds=rng.randint(0, span))).astimezone(UTC)

    def consumer(self, rng: random.Random, after: datetime, lo_h: float, hi_h: float) -> datetime:
        """A moment lo_h..hi_h hours after `after`, moved into the consumer's waking hours."""
        moment = (after + timedelta(hours=rng.uniform(lo_h, hi_h))).astimezone(LOCAL_TZ)
        if moment.hour < CONSUMER_HOURS[0]:
            moment = moment.replace(hour=CONSUMER_HOURS[0], minute=rng.randint(0, 59))
        elif moment.hour >= CONSUMER_HOURS[1]:
            moment = datetime.combine(
                moment.date() + timedelta(days=1), time(CONSUMER_HOURS[0], rng.randint(0, 59)), LOCAL_TZ
            )
        return max(moment.astimezone(UTC), after + timedelta(minutes=1))

    def on_or_before(self, rng: random.Random, after: datetime, last: date, lo: int, hi: int) -> datetime:
        """A staff moment lo..hi working days after `after`, but not after the day `last` when it can."""
        moment = self.staff(rng, after, lo, hi)
        if moment.astimezone(LOCAL_TZ).date() > last:
            moment = self.staff(rng, after, 0, 0)
        return moment

    # --- reading ---------------------------------------------------------------------------------------

    async def case(self, case_id: int) -> asyncpg.Record:
        async with self.pool.acquire() as conn:
            row = await cases.by_id(conn, case_id)
        assert row is not None
        return row

    async def flow(self, case_id: int) -> asyncpg.Record | None:
        async with self.pool.acquire() as conn:
            return await first_payments.get(conn, case_id)

    # --- shared steps ----------------------------------------------------------------------------------

    async def close(self, case_id: int, outcome: str, now: datetime, **relief: Any) -> None:
        cmd = Close(outcome=outcome, **relief)
        await closing.close(self.pool, case_id, self.cast.supervisor, cmd, now=now)
        self.played.closures[outcome] += 1
        if outcome == "paid_by_merchant" and self.typical_case is None:
            await self.choose_typical_case(case_id, now)

    async def choose_typical_case(self, case_id: int, now: datetime) -> None:
        """The first merchant's first payment of the demo's last year whose consumer consented to
        publication becomes a typical case of that year's annual report, written without personal data."""
        year = now.astimezone(LOCAL_TZ).year
        if year != self.scheduler.end.astimezone(LOCAL_TZ).year:
            return
        if not (await self.case(case_id))["consent_publish"]:
            return
        cmd = SaveTypicalCase(title=TYPICAL_TITLE, summary=TYPICAL_SUMMARY)
        await annual_report.save_typical_case(self.pool, year, case_id, self.cast.supervisor, cmd, now=now)
        self.typical_case = case_id

    async def survey(self, rng: random.Random, case_id: int, outcome: str, now: datetime) -> None:
        """Open the case's follow-up survey now (as the worker does on closing, or for a settlement on
        its performance) and let the consumer answer it in a story of its own."""
        token = await self.open_survey(case_id, now)
        if case_id in self.surveyed:
            return  # a reopened case closing again keeps its first survey
        self.surveyed.add(case_id)
        who: satisfaction.Respondent | None = satisfaction.ByToken(token) if token else None
        if who is None and self.throttle is not None:
            # closing opened it already: the consumer rates it from the tracking page, by number and code
            r = self.receipts[case_id]
            who = satisfaction.ByCode(
                r.tracking_no, r.access_code, self.ctx.secret_key, self.throttle, "demo"
            )
        if who is not None and self.follow_up is not None:
            await self.scheduler.spawn(
                self.follow_up(self, random.Random(rng.random()), case_id, outcome, who, now)
            )

    async def open_survey(self, case_id: int, now: datetime) -> str | None:
        async with self.pool.acquire() as conn, conn.transaction():
            return await satisfaction.open_survey(conn, case_id, now)

    async def merchant_link(self, case_id: int, actor: StaffUser, now: datetime) -> str:
        token, _ = await first_payment.issue_merchant_link(self.pool, case_id, actor, now=now)
        self.tokens[case_id] = token
        return token


def local_day(moment: datetime) -> date:
    return moment.astimezone(LOCAL_TZ).date()


def before_day(moment: datetime, last: date, after: datetime) -> datetime:
    """`moment`, or the evening of `last` when it falls later (an answer comes before its deadline)."""
    if local_day(moment) <= last:
        return moment
    return max(datetime.combine(last, time(20, 0), LOCAL_TZ).astimezone(UTC), after + timedelta(minutes=5))


def round_yuan(fen: float, step_yuan: int) -> int:
    return max(step_yuan * 100, int(fen) // (step_yuan * 100) * (step_yuan * 100))
