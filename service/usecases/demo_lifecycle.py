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
random). The scenario tables (how often each ending happens, what people wrote) are data in `domain.demo`.
Notices are left to the worker: it queues them from its event cursor when it starts.
"""

from __future__ import annotations

import heapq
import random
from collections import Counter
from collections.abc import AsyncGenerator, AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import asyncpg

from domain import demo as data
from domain.acceptance import Ground
from domain.calendar import WorkCalendar
from domain.errors import Conflict
from domain.lifecycle import Status
from domain.money import format_yuan
from domain.queues import OpenCaseLimit
from service import evidence_files
from service.evidence_files import StagedFile
from service.store import cases, first_payments, reference
from service.store.staff import StaffUser
from service.throttle import Throttle
from service.usecases import (
    arbitration,
    casework,
    closing,
    clusters,
    escalation,
    first_payment,
    mediation,
    merchants,
    queues,
    routing,
    satisfaction,
    spam,
    testing,
)
from service.usecases.clock import LOCAL_TZ
from service.usecases.intake import IntakeContext, Receipt, submit_complaint

Story = AsyncGenerator[datetime, None]
SHORT_NAMES = {m.name: m.short for m in data.MERCHANTS}

REJECTION_NOTES = {
    Ground.TIME_BARRED: "购买时间已超过三年，超过投诉时效。",
    Ground.NOT_A_CONSUMER_DISPUTE: "经核实，所购商品用于经营，不属于生活消费。",
    Ground.MATERIALS_MISSING_OR_FALSE: "经两次电话联系，投诉人未能补充购物凭证等必要材料。",
}
DECISION_DAYS = (1, 1, 2, 3, 4, 5, 6)  # working days from receipt to the acceptance decision
# recent complaints of which a few are left undecided, past their 7 working days (domain.demo.UNDECIDED)
UNDECIDED_WITHIN = timedelta(days=45)
UNDECIDED_AFTER = timedelta(days=12)
REJECTED_SHARE = 0.05  # not accepted on a ground the supervisor finds (time-barred ones besides)
OFFICE = (time(9, 0), time(17, 0))  # staff steps start in this window, Beijing time
CONSUMER_HOURS = (8, 22)  # consumers answer between 08:00 and 22:00
JOBS_AT = time(8, 40)  # the worker's daily sweeps (deadlines, clusters), before the office opens
CLUSTER_DECIDE_AFTER = 4  # working days before the supervisor decides an alert


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


class _Scheduler:
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
    scheduler: _Scheduler
    seed: int
    code_choice: Callable[[str], str]
    played: Played
    throttle: Throttle | None = None  # the tracking page's guard, for consumers who come back by code
    tokens: dict[int, str] = field(default_factory=dict)  # case id → the merchant's link token
    receipts: dict[int, Receipt] = field(default_factory=dict)  # case id → its tracking number and code
    surveyed: set[int] = field(default_factory=set)  # cases whose survey a consumer has been given
    dealers: dict[tuple[tuple[tuple[str, int], ...], str], data.Dealer] = field(default_factory=dict)

    def deal(self, table: tuple[tuple[str, int], ...], key: str = "") -> str:
        """The next code of a table, dealt in proportion across the whole demo (one dealer per table and
        key): the endings come in their shares however small the demo, and the same for a seed."""
        dealer = self.dealers.get((table, key))
        if dealer is None:
            dealer = self.dealers[(table, key)] = data.Dealer(table)
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
        await closing.close(self.pool, case_id, self.cast.supervisor, outcome=outcome, now=now, **relief)
        self.played.closures[outcome] += 1

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
        if who is not None:
            await self.scheduler.spawn(
                _follow_up(self, random.Random(rng.random()), case_id, outcome, who, now)
            )

    async def open_survey(self, case_id: int, now: datetime) -> str | None:
        async with self.pool.acquire() as conn, conn.transaction():
            return await satisfaction.open_survey(conn, case_id, now)

    async def merchant_link(self, case_id: int, actor: StaffUser, now: datetime) -> str:
        token, _ = await first_payment.issue_merchant_link(self.pool, case_id, actor, now=now)
        self.tokens[case_id] = token
        return token


# --- the story of one complaint --------------------------------------------------------------------------


async def _evidence(office: Office, rng: random.Random) -> list[StagedFile]:
    async def chunks() -> AsyncIterator[bytes]:
        yield data.receipt_png(rng)

    name = rng.choice(("购物小票.png", "付款截图.png", "发票.png"))
    return [
        await evidence_files.stage(office.ctx.evidence_dir, name, chunks(), office.ctx.evidence_max_bytes)
    ]


async def complaint(office: Office, index: int, received_at: datetime, body: dict[str, Any]) -> Story:
    rng = random.Random(f"demo:{office.seed}:{index}")
    channel = office.deal(data.CHANNELS)
    yield received_at
    files: list[StagedFile] = []
    clerk = None
    meant = body["merchant"]["name"]  # the business the consumer means
    if channel == "web":
        files = await _evidence(office, rng) if rng.random() < data.EVIDENCE_SHARE else []
        if office.deal(data.NAMING) == "short":
            merchant = {k: v for k, v in body["merchant"].items() if k != "uscc"}
            body = {**body, "merchant": {**merchant, "name": SHORT_NAMES[meant]}}
    else:  # the clerk records a call, a counter visit or a letter (with the day the letter arrived)
        clerk = office.cast.clerk
        body = {**body, "channel": channel}
        if channel == "letter":
            arrived = _local_day(received_at) - timedelta(days=rng.randint(*data.LETTER_DAYS))
            body["received_on"] = arrived.isoformat()
    receipt = await submit_complaint(
        office.pool,
        body,
        office.ctx,
        now=received_at,
        files=files,
        recorded_by=clerk,
        code_choice=office.code_choice,
    )
    office.played.receipts.append(receipt)
    office.receipts[receipt.case_id] = receipt
    case_id = receipt.case_id

    # the acceptance decision (受理 / 不予受理) within a few working days; a few recent ones wait too long
    recent = office.scheduler.end - UNDECIDED_WITHIN < received_at < office.scheduler.end - UNDECIDED_AFTER
    if recent and office.deal(data.UNDECIDED) == "waiting":
        return
    days = rng.choice(DECISION_DAYS)
    now = office.staff(rng, received_at, days, days)
    yield now
    supervisor = office.cast.supervisor
    if office.deal(data.SPAM) == "spam":
        await spam.mark_spam(office.pool, case_id, supervisor, data.SPAM_REASON, now=now)
        office.played.closures["spam"] += 1
        return
    ground = await _ground_for(office, case_id, rng)
    if ground is not None:
        note = REJECTION_NOTES[ground]
        await casework.reject(office.pool, case_id, supervisor, int(ground), note, now=now)
        office.played.rejected += 1
        return
    await casework.accept(office.pool, case_id, supervisor, None, now=now)
    office.played.accepted += 1

    # the routing job runs a minute or two after the acceptance commits
    now += timedelta(seconds=rng.randint(20, 180))
    yield now
    await routing.route_case(office.pool, case_id, now=now)
    row = await office.case(case_id)
    if row["status"] == Status.MERCHANT_TO_CONFIRM:
        now = office.staff(rng, now, 0, 1)
        yield now
        await _confirm_merchant(office, row, meant, now)
        row = await office.case(case_id)
    violation = bool(body.get("reports_violation"))
    async for moment in _routed(office, rng, row, now, violation):
        yield moment


async def _ground_for(office: Office, case_id: int, rng: random.Random) -> Ground | None:
    row = await office.case(case_id)
    if (row["received_on"] - row["purchase_date"]).days > 3 * 366:
        return Ground.TIME_BARRED
    if rng.random() < REJECTED_SHARE:
        return rng.choice((Ground.NOT_A_CONSUMER_DISPUTE, Ground.MATERIALS_MISSING_OR_FALSE))
    return None


async def _confirm_merchant(office: Office, row: asyncpg.Record, meant: str, now: datetime) -> None:
    """The registry search found only plausible candidates: the supervisor picks the one the consumer
    meant (the demo knows its registered name), or says it is not in the registry; routing then runs."""
    named = [c for c in row["merchant_candidates"] or [] if c["name"] == meant]
    await routing.confirm_merchant(
        office.pool,
        row["id"],
        office.cast.supervisor,
        merchant_id=named[0]["merchant_id"] if named else None,
        not_in_registry=not named,
        now=now,
    )


async def _routed(
    office: Office, rng: random.Random, row: asyncpg.Record, now: datetime, violation: bool
) -> Story:
    status = row["status"]
    if status == Status.FIRST_PAYMENT:
        story = _first_payment(office, rng, row, now)
    elif status == Status.ARBITRATION:
        story = _arbitration(office, rng, row, now)
    elif status == Status.MEDIATION:
        story = _mediation(office, rng, row["id"], now, violation=violation)
    else:
        return
    async for moment in story:
        yield moment


# --- first payment ---------------------------------------------------------------------------------------


async def _first_payment(office: Office, rng: random.Random, row: asyncpg.Record, now: datetime) -> Story:
    case_id, supervisor = row["id"], office.cast.supervisor
    flow = await office.flow(case_id)
    if flow is None:  # nobody to pay first: the supervisor sends it to mediation
        now = office.staff(rng, now, 0, 1)
        yield now
        async for moment in _override_to_mediation(office, rng, case_id, now, data.NO_PAYER_REASON):
            yield moment
        return
    payer = await merchants.merchant_file(office.pool, flow["payer_id"])
    funded = payer.merchant.deposit_balance_fen >= flow["amount_fen"]
    plan = office.deal(data.FIRST_PAYMENT_PLANS)
    if not funded and plan != "merchant_pays":
        plan = "merchant_pays" if rng.random() < 0.8 else "refused_no_deposit"
    now = office.staff(rng, now, 0, 1)
    yield now
    token = await office.merchant_link(case_id, supervisor, now)
    reply_due: date = flow["reply_due"]
    amount = format_yuan(flow["amount_fen"])
    relief = {"relief_type": row["requests"][0], "relief": amount}

    if plan == "merchant_pays":
        now = office.on_or_before(rng, now, reply_due, 1, 3)
        yield now
        await first_payment.answer(
            office.pool,
            case_id,
            answer="pay",
            note=data.MERCHANT_PAID_NOTE,
            token=token,
            ctx=office.ctx,
            now=now,
        )
        now = office.staff(rng, now, 0, 2)
        yield now
        await office.close(case_id, "paid_by_merchant", now, note=data.MERCHANT_PAID_NOTE, **relief)
        await office.survey(rng, case_id, "paid_by_merchant", now)
        return

    if plan in ("merchant_refuses", "refused_no_deposit"):
        now = office.on_or_before(rng, now, reply_due, 1, 3)
        yield now
        refusal = rng.choice(data.MERCHANT_REFUSALS)
        await first_payment.answer(
            office.pool, case_id, answer="refuse", note=refusal, token=token, ctx=office.ctx, now=now
        )
        if plan == "refused_no_deposit":
            now = office.staff(rng, now, 1, 2)
            yield now
            async for moment in _override_to_mediation(office, rng, case_id, now, data.FOOD_OVERRIDE_REASON):
                yield moment
            return
        now = office.staff(rng, now, 1, 2)
    else:  # the deadline passes; the daily job flags it the next morning, the supervisor pays
        now = office.staff(rng, datetime.combine(reply_due, time(23, 0), LOCAL_TZ), 1, 3)
    yield now
    while (await office.flow(case_id) or {}).get("state") not in ("refused", "deadline_missed"):
        now = office.staff(rng, now, 1, 1)  # the flag job has not run yet: look again tomorrow
        yield now
    try:
        await first_payment.approve_payout(office.pool, case_id, supervisor, now=now)
    except Conflict:  # the deposit ran short meanwhile: mediation instead
        async for moment in _override_to_mediation(office, rng, case_id, now, data.DEPOSIT_SHORT_REASON):
            yield moment
        return
    now = office.staff(rng, now, 0, 0)
    yield now
    await office.close(case_id, "paid_from_deposit", now, note=data.PAYOUT_CLOSE_NOTE, **relief)
    await office.survey(rng, case_id, "paid_from_deposit", now)
    await office.scheduler.spawn(_recourse(office, random.Random(rng.random()), case_id, flow, now))


async def _recourse(
    office: Office, rng: random.Random, case_id: int, flow: asyncpg.Record, now: datetime
) -> Story:
    """The business tops its deposit up again: mostly by the deadline, sometimes after the flag."""
    opened = await office.flow(case_id)
    assert opened is not None and opened["topup_due"] is not None
    due: date = opened["topup_due"]
    if office.deal(data.TOP_UPS) == "late":
        moment = office.staff(rng, datetime.combine(due, time(23, 0), LOCAL_TZ), 2, 8)
    else:
        moment = office.on_or_before(rng, now, due, 1, 4)
    yield moment
    await first_payment.record_deposit(
        office.pool,
        flow["payer_id"],
        format_yuan(flow["amount_fen"]),
        "经营者补足质量保证金（追偿）",
        office.cast.supervisor,
        now=moment,
    )


# --- arbitration -----------------------------------------------------------------------------------------


async def _arbitration(office: Office, rng: random.Random, row: asyncpg.Record, now: datetime) -> Story:
    case_id, supervisor = row["id"], office.cast.supervisor
    clauses = (await merchants.merchant_file(office.pool, row["merchant_id"])).agreements
    now = office.staff(rng, now, 1, 3)
    yield now
    if clauses:
        await arbitration.refer(
            office.pool,
            case_id,
            supervisor,
            agreement_id=clauses[0].id,
            kind=None,
            institution=None,
            signed_on=None,
            note=None,
            now=now,
        )
    else:  # an agreement recorded for this case (a written clause in the contract)
        await arbitration.refer(
            office.pool,
            case_id,
            supervisor,
            agreement_id=None,
            kind="written",
            institution="杭州仲裁委员会",
            signed_on=(row["purchase_date"]).isoformat(),
            note="购销合同第九条约定仲裁",
            now=now,
        )
    now = office.staff(rng, now, 20, 40)
    yield now
    award_for = office.deal(data.AWARDS)
    claim = row["claim_amount_fen"]
    fen = claim if award_for == "consumer" else _round_yuan(claim * rng.uniform(0.4, 0.7), 10)
    await arbitration.record_award(
        office.pool,
        case_id,
        supervisor,
        award_on=_local_day(now).isoformat(),
        award_for=award_for,
        amount=None if award_for == "merchant" else format_yuan(fen),
        now=now,
    )
    now = office.staff(rng, now, 0, 2)
    yield now
    if award_for == "merchant":
        outcome, relief = "award_against_consumer", {}
    else:
        outcome, relief = (
            "award_for_consumer",
            {"relief_type": row["requests"][0], "relief": format_yuan(fen)},
        )
    await office.close(case_id, outcome, now, **relief)
    await office.survey(rng, case_id, outcome, now)


# --- mediation -------------------------------------------------------------------------------------------


async def _override_to_mediation(
    office: Office, rng: random.Random, case_id: int, now: datetime, reason: str, plan: str | None = None
) -> Story:
    await routing.override(office.pool, case_id, office.cast.supervisor, "mediation", reason, now=now)
    async for moment in _mediation(office, rng, case_id, now, violation=False, plan=plan):
        yield moment


async def _take(office: Office, case_id: int, now: datetime) -> None:
    """The mediator claims the queue's most urgent case; when that is another one (or the limit binds),
    the supervisor assigns this one to the mediator."""
    mediator = office.cast.mediator
    row = await office.case(case_id)
    if row["assigned_to"] == mediator.id:
        return
    claimed = None
    if row["assigned_to"] is None and row["queue"] is not None:
        try:
            claimed = await queues.claim(office.pool, row["queue"], mediator, now=now)
        except OpenCaseLimit:
            claimed = None
    if claimed is None or claimed.id != case_id:
        row = await office.case(case_id)
        if row["assigned_to"] != mediator.id:
            await queues.reassign(office.pool, case_id, office.cast.supervisor, mediator.id, now=now)


async def _mediation(
    office: Office,
    rng: random.Random,
    case_id: int,
    now: datetime,
    *,
    violation: bool,
    plan: str | None = None,
) -> Story:
    pool, mediator = office.pool, office.cast.mediator
    if plan is None:
        referred = violation and office.deal(data.ENFORCEMENT) == "referred"
        plan = "enforcement" if referred else office.deal(data.MEDIATION_PLANS)
    now = office.staff(rng, now, 0, 2)
    yield now
    await _take(office, case_id, now)
    now = office.staff(rng, now, 0, 1)
    yield now
    await mediation.log_contact(
        pool,
        case_id,
        mediator,
        party="consumer",
        method="phone",
        note=rng.choice(data.CONTACT_NOTES["consumer"]),
        now=now,
    )
    if plan == "duplicate":
        now = office.staff(rng, now, 0, 1)
        yield now
        await office.close(case_id, "duplicate", now, note=data.DUPLICATE_NOTE)
        return  # a duplicate's follow-up is its original's
    if plan == "enforcement":
        now = office.staff(rng, now, 1, 3)
        yield now
        await office.close(case_id, "referred_to_enforcement", now, note=data.ENFORCEMENT_NOTE)
        await office.survey(rng, case_id, "referred_to_enforcement", now)
        return
    now = office.staff(rng, now, 0, 2)
    yield now
    await mediation.log_contact(
        pool,
        case_id,
        mediator,
        party="merchant",
        method=rng.choice(("phone", "phone", "visit")),
        note=rng.choice(data.CONTACT_NOTES["merchant"]),
        now=now,
    )
    if plan == "withdraw":
        now = office.staff(rng, now, 2, 8)
        yield now
        await office.close(case_id, "withdrawn", now, note=rng.choice(data.WITHDRAW_NOTES))
        await office.survey(rng, case_id, "withdrawn", now)
        return
    if plan == "stall":  # nobody moves; past the limit the mediator terminates it (or it is still overdue)
        due: date = (await office.case(case_id))["mediation_due"]
        if office.deal(data.STALLS) == "left":
            return
        now = office.staff(rng, datetime.combine(due, time(23, 0), LOCAL_TZ), 1, 6)
        yield now
        async for moment in _terminate(office, rng, case_id, now, 5):
            yield moment
        return
    if plan == "terminate_refused":
        now = office.staff(rng, now, 3, 8)
        yield now
        async for moment in _terminate(office, rng, case_id, now, 2):
            yield moment
        return
    if plan == "settle_after_test":
        async for moment in _product_test(office, rng, case_id, now):
            now = moment
            yield moment
    token = None
    if rng.random() < 0.5:  # the merchant answers through its link, else by phone to the mediator
        now = office.staff(rng, now, 0, 1)
        yield now
        token = await office.merchant_link(case_id, mediator, now)
    if rng.random() < 0.5:
        now = office.staff(rng, now, 1, 4)
        yield now
        await mediation.log_session(
            pool,
            case_id,
            mediator,
            mode=rng.choice(("on_site", "phone", "video")),
            place=rng.choice(data.SESSION_PLACES),
            attendees="消费者、经营者代表、调解员",
            note=rng.choice(data.SESSION_NOTES),
            now=now,
        )
    agree = plan != "terminate_no_agreement"
    async for moment in _negotiate(office, rng, case_id, now, token, agree):
        now = moment
        yield moment
    row = await office.case(case_id)
    if row["status"] != Status.MEDIATION:
        return
    if not agree:
        now = office.staff(rng, now, 1, 3)
        yield now
        async for moment in _terminate(office, rng, case_id, now, 3):
            yield moment
        return
    async for moment in _settle(office, rng, case_id, now, token):
        yield moment


async def _product_test(office: Office, rng: random.Random, case_id: int, now: datetime) -> Story:
    lab, fee = rng.choice(data.TESTS)
    now = office.staff(rng, now, 1, 3)
    yield now
    test_id = await testing.start_test(
        office.pool,
        case_id,
        office.cast.mediator,
        lab=lab,
        fee=fee,
        advanced_by="merchant",
        consumer_guarantee=fee,
        now=now,
    )
    now = office.staff(rng, now, 8, 18)
    yield now
    await testing.finish_test(
        office.pool,
        test_id,
        office.cast.mediator,
        finding=rng.choice(data.TEST_RESULTS),
        at_fault="merchant",
        now=now,
        case_id=case_id,
    )


async def _negotiate(
    office: Office, rng: random.Random, case_id: int, now: datetime, token: str | None, agree: bool
) -> Story:
    """The business offers; the consumer accepts, or counters and the business answers. Ends with an
    accepted offer (a settlement drafted) when `agree`, else with refusals."""
    pool, mediator = office.pool, office.cast.mediator
    row = await office.case(case_id)
    claim, remedy = row["claim_amount_fen"], row["requests"][0]
    offer_fen = max(min(claim, 1000), _round_yuan(claim * rng.uniform(0.5, 0.85), 10))
    now = office.staff(rng, now, 1, 3)
    yield now
    answer_by = office.workday(_local_day(now), rng.randint(3, 5))
    offer_id = await mediation.make_offer(
        pool,
        case_id,
        mediator,
        from_party="merchant",
        remedy=remedy,
        amount=format_yuan(offer_fen),
        answer_by=answer_by.isoformat(),
        note=rng.choice(data.OFFER_NOTES["merchant"]),
        now=now,
    )
    now = _before_day(office.consumer(rng, now, 2, 40), answer_by, now)
    yield now
    if agree and rng.random() < 0.45:
        await mediation.consumer_answer(pool, case_id, offer_id, answer="accept", now=now)
        return
    if not agree and rng.random() < 0.4:
        await mediation.consumer_answer(
            pool, case_id, offer_id, answer="refuse", note="金额太低，不能接受。", now=now
        )
        return
    counter_fen = max(offer_fen, _round_yuan(claim * rng.uniform(0.85, 1.0), 10))
    counter_by = office.workday(_local_day(now), rng.randint(3, 5))
    answered = await mediation.consumer_answer(
        pool,
        case_id,
        offer_id,
        answer="counter",
        remedy=remedy,
        amount=format_yuan(counter_fen),
        answer_by=counter_by.isoformat(),
        note=rng.choice(data.OFFER_NOTES["consumer"]),
        now=now,
    )
    assert answered.new_offer_id is not None
    now = office.on_or_before(rng, now, counter_by, 1, 2)
    yield now
    answer = "accept" if agree else "refuse"
    note = None if agree else "超出公司可承受范围。"
    if token is not None:
        await mediation.merchant_answer(pool, token, answered.new_offer_id, answer=answer, note=note, now=now)
    else:
        await mediation.record_answer(
            pool,
            case_id,
            answered.new_offer_id,
            mediator,
            answer=answer,
            party="merchant",
            note=note,
            now=now,
        )


async def _settle(
    office: Office, rng: random.Random, case_id: int, now: datetime, token: str | None
) -> Story:
    """The mediator reviews and issues the 调解书; both parties confirm (the case closes as settled); the
    business performs by the date, or not (flagged by the daily job, then reopened)."""
    pool, mediator = office.pool, office.cast.mediator
    now = office.staff(rng, now, 0, 1)
    yield now
    wording = rng.choice(data.SETTLEMENT_WORDING) if rng.random() < 0.3 else None
    await mediation.issue_settlement(pool, case_id, mediator, wording=wording, now=now)
    parties = ["consumer", "merchant"]
    rng.shuffle(parties)
    for party in parties:
        if party == "consumer" and rng.random() < 0.5:
            now = office.consumer(rng, now, 1, 30)
            yield now
            await mediation.consumer_confirm(pool, case_id, now=now)
        elif party == "merchant" and token is not None and rng.random() < 0.7:
            now = office.consumer(rng, now, 1, 30)
            yield now
            await mediation.merchant_confirm(pool, token, case_id, now=now)
        else:
            now = office.staff(rng, now, 0, 2)
            yield now
            await mediation.record_confirmation(
                pool,
                case_id,
                mediator,
                party=party,
                means=rng.choice(("on_site", "phone", "signature")),
                now=now,
            )
    office.played.closures["settled"] += 1
    settlement = (await mediation.record(pool, case_id, now=now)).settlement
    assert settlement is not None
    perform_by: date = settlement.perform_by
    if office.deal(data.PERFORMANCE) == "not_performed":
        now = office.staff(rng, datetime.combine(perform_by, time(23, 0), LOCAL_TZ), 1, 3)
        yield now
        # the flag invited the consumer to rate the settlement (the worker's notice): it stays unanswered
        await office.open_survey(case_id, now)
        office.surveyed.add(case_id)
        supervisor = office.cast.supervisor
        await mediation.reopen(pool, case_id, supervisor, data.REOPEN_AFTER_DEFAULT, now=now)
        now = office.staff(rng, now, 0, 0)
        yield now
        async for moment in _override_to_mediation(
            office, rng, case_id, now, data.REOPEN_AFTER_DEFAULT, plan="settle"
        ):
            yield moment
        return
    now = office.on_or_before(rng, now, perform_by, 1, 5)
    yield now
    await mediation.record_performance(pool, case_id, mediator, performance="performed", now=now)
    await office.survey(rng, case_id, "settled", now)


async def _terminate(office: Office, rng: random.Random, case_id: int, now: datetime, reason: int) -> Story:
    await mediation.terminate(
        office.pool, case_id, office.cast.mediator, reason, rng.choice(data.TERMINATION_NOTES[reason]), now
    )
    office.played.closures["terminated"] += 1
    await office.survey(rng, case_id, "terminated", now)
    now = office.staff(rng, now, 1, 4)
    yield now
    await mediation.mark_notice_sent(office.pool, case_id, office.cast.mediator, now=now)


# --- the follow-up ---------------------------------------------------------------------------------------


async def _follow_up(
    office: Office,
    rng: random.Random,
    case_id: int,
    outcome: str,
    who: satisfaction.Respondent,
    opened: datetime,
) -> Story:
    """The consumer answers the survey (or not); a score below 60 may bring a reopen or appeal request,
    which the supervisor answers: accepted reopens the case for another round of mediation."""
    if office.deal(data.RESPONSES) == "ignore":
        return
    now = office.consumer(rng, opened, 2, 120)
    yield now
    mood = office.deal(data.moods_for(outcome), outcome)
    answered = await satisfaction.answer(office.pool, who, data.survey_form(rng, mood), now=now)
    if not answered.appeal_open or office.deal(data.APPEALS) == "none":
        return
    now = office.consumer(rng, now, 1, 48)
    yield now
    kind = rng.choice(("reopen", "appeal"))
    appeal_id = await satisfaction.request_appeal(
        office.pool, who, kind, rng.choice(data.APPEAL_REASONS), now=now
    )
    now = office.staff(rng, now, 1, 4)
    yield now
    supervisor = office.cast.supervisor
    if office.deal(data.APPEAL_DECISIONS) == "accepted":
        await satisfaction.decide(
            office.pool, appeal_id, supervisor, "accepted", rng.choice(data.APPEAL_ACCEPTS), now=now
        )
        now = office.staff(rng, now, 0, 0)
        yield now
        async for moment in _override_to_mediation(
            office, rng, case_id, now, data.REOPEN_OVERRIDE_REASON, plan="settle"
        ):
            yield moment
    else:
        await satisfaction.decide(
            office.pool, appeal_id, supervisor, "declined", rng.choice(data.APPEAL_DECLINES), now=now
        )


# --- the worker's daily jobs -------------------------------------------------------------------------------


async def daily_jobs(office: Office, first: date, rng: random.Random) -> Story:
    """Every morning the sweeps a worker runs (missed replies and top-ups, unperformed settlements, expired
    offers, acceptance and mediation deadlines, clusters); on working days the supervisor decides the
    cluster alerts raised some days before. (The notices of the events are left to the worker, which
    queues them from its event cursor once it starts.)"""
    pool, day = office.pool, first
    while True:
        now = datetime.combine(day, JOBS_AT, LOCAL_TZ).astimezone(UTC)
        yield now
        await first_payment.flag_deadlines(pool, now=now)
        await mediation.flag_unperformed(pool, now)
        await mediation.expire_offers(pool, now)
        await casework.flag_overdue_acceptances(pool, now=now)
        await escalation.flag_mediation_deadlines(pool, now=now)
        await clusters.detect(pool, now=now)
        if office.calendar.is_workday(day):
            now = datetime.combine(day, time(16, 30), LOCAL_TZ).astimezone(UTC)
            yield now
            await _decide_alerts(office, rng, now)
        day += timedelta(days=1)


async def _decide_alerts(office: Office, rng: random.Random, now: datetime) -> None:
    for alert in (await clusters.alerts(office.pool, now=now)).open:
        raised = alert.raised_at.astimezone(LOCAL_TZ).date()
        if office.workday(raised, CLUSTER_DECIDE_AFTER) > _local_day(now):
            continue
        decision = rng.choice(data.CLUSTER_DECISIONS)
        await clusters.decide(
            office.pool, alert.id, office.cast.supervisor, decision, data.CLUSTER_NOTES[decision], now=now
        )


# --- the whole year ----------------------------------------------------------------------------------------


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
    office = Office(pool, ctx, cast, calendar, _Scheduler(end), seed, code_choice, Played(), throttle)
    for index, (received_at, body) in enumerate(bodies):
        await office.scheduler.spawn(complaint(office, index, received_at, body))
    await office.scheduler.spawn(daily_jobs(office, first, random.Random(f"demo:{seed}:jobs")))
    await office.scheduler.run()
    return office.played


def _local_day(moment: datetime) -> date:
    return moment.astimezone(LOCAL_TZ).date()


def _before_day(moment: datetime, last: date, after: datetime) -> datetime:
    """`moment`, or the evening of `last` when it falls later (an answer comes before its deadline)."""
    if _local_day(moment) <= last:
        return moment
    return max(datetime.combine(last, time(20, 0), LOCAL_TZ).astimezone(UTC), after + timedelta(minutes=5))


def _round_yuan(fen: float, step_yuan: int) -> int:
    return max(step_yuan * 100, int(fen) // (step_yuan * 100) * (step_yuan * 100))
