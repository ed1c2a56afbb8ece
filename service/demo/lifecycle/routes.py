"""A demo case routed to first payment (the business pays, refuses, or misses its deadline and the
deposit pays, with recourse and a top-up) or to arbitration (referred, then an award)."""

from __future__ import annotations

import random
from datetime import date, datetime, time

import asyncpg

from domain.errors import Conflict
from domain.money import format_yuan
from service.demo import story
from service.demo.lifecycle.mediating import override_to_mediation
from service.demo.lifecycle.office import Office, Story, local_day, round_yuan
from service.queries import merchants as merchant_files
from service.usecases import arbitration, first_payment
from service.usecases.arbitration_commands import RecordAward, Refer
from service.usecases.clock import LOCAL_TZ
from service.usecases.first_payment_commands import MerchantAnswer, RecordDeposit


async def first_payment_story(
    office: Office, rng: random.Random, row: asyncpg.Record, now: datetime
) -> Story:
    case_id, supervisor = row["id"], office.cast.supervisor
    flow = await office.flow(case_id)
    if flow is None:  # nobody to pay first: the supervisor sends it to mediation
        now = office.staff(rng, now, 0, 1)
        yield now
        async for moment in override_to_mediation(office, rng, case_id, now, story.NO_PAYER_REASON):
            yield moment
        return
    payer = await merchant_files.merchant_file(office.pool, flow["payer_id"])
    funded = payer.merchant.deposit_balance_fen >= flow["amount_fen"]
    plan = office.deal(story.FIRST_PAYMENT_PLANS)
    if not funded and plan != "merchant_pays":
        plan = "merchant_pays" if rng.random() < 0.8 else "refused_no_deposit"
    now = office.staff(rng, now, 0, 1)
    yield now
    token = await office.merchant_link(case_id, supervisor, now)
    reply_due: date = flow["reply_due"]
    amount = format_yuan(flow["amount_fen"])
    relief = {"relief_type": row["requests"][0], "relief": amount}

    if plan == "merchant_pays":
        async for moment in _merchant_pays(office, rng, case_id, token, reply_due, relief, now):
            yield moment
        return

    if plan in ("merchant_refuses", "refused_no_deposit"):
        now = office.on_or_before(rng, now, reply_due, 1, 3)
        yield now
        refusal = rng.choice(story.MERCHANT_REFUSALS)
        refuse = MerchantAnswer(answer="refuse", note=refusal)
        await first_payment.answer(office.pool, case_id, refuse, token=token, ctx=office.ctx, now=now)
        if plan == "refused_no_deposit":
            now = office.staff(rng, now, 1, 2)
            yield now
            async for moment in override_to_mediation(office, rng, case_id, now, story.FOOD_OVERRIDE_REASON):
                yield moment
            return
        now = office.staff(rng, now, 1, 2)
    else:  # the deadline passes; the daily job flags it the next morning, the supervisor pays
        now = office.staff(rng, datetime.combine(reply_due, time(23, 0), LOCAL_TZ), 1, 3)
    yield now
    async for moment in _payout(office, rng, case_id, flow, relief, now):
        yield moment


async def _merchant_pays(
    office: Office,
    rng: random.Random,
    case_id: int,
    token: str,
    reply_due: date,
    relief: dict[str, str],
    now: datetime,
) -> Story:
    """The business answers through its link that it pays, and the supervisor closes the case."""
    now = office.on_or_before(rng, now, reply_due, 1, 3)
    yield now
    pay = MerchantAnswer(answer="pay", note=story.MERCHANT_PAID_NOTE)
    await first_payment.answer(office.pool, case_id, pay, token=token, ctx=office.ctx, now=now)
    now = office.staff(rng, now, 0, 2)
    yield now
    await office.close(case_id, "paid_by_merchant", now, note=story.MERCHANT_PAID_NOTE, **relief)
    await office.survey(rng, case_id, "paid_by_merchant", now)


async def _payout(
    office: Office,
    rng: random.Random,
    case_id: int,
    flow: asyncpg.Record,
    relief: dict[str, str],
    now: datetime,
) -> Story:
    """Once the refusal or the missed deadline is flagged, the supervisor pays from the deposit (or, when
    it ran short, sends the case to mediation); recourse against the business follows."""
    supervisor = office.cast.supervisor
    while (await office.flow(case_id) or {}).get("state") not in ("refused", "deadline_missed"):
        now = office.staff(rng, now, 1, 1)  # the flag job has not run yet: look again tomorrow
        yield now
    try:
        await first_payment.approve_payout(office.pool, case_id, supervisor, now=now)
    except Conflict:  # the deposit ran short meanwhile: mediation instead
        async for moment in override_to_mediation(office, rng, case_id, now, story.DEPOSIT_SHORT_REASON):
            yield moment
        return
    now = office.staff(rng, now, 0, 0)
    yield now
    await office.close(case_id, "paid_from_deposit", now, note=story.PAYOUT_CLOSE_NOTE, **relief)
    await office.survey(rng, case_id, "paid_from_deposit", now)
    await office.scheduler.spawn(_recourse(office, random.Random(rng.random()), case_id, flow, now))


async def _recourse(
    office: Office, rng: random.Random, case_id: int, flow: asyncpg.Record, now: datetime
) -> Story:
    """The business tops its deposit up again: mostly by the deadline, sometimes after the flag."""
    opened = await office.flow(case_id)
    assert opened is not None and opened["topup_due"] is not None
    due: date = opened["topup_due"]
    if office.deal(story.TOP_UPS) == "late":
        moment = office.staff(rng, datetime.combine(due, time(23, 0), LOCAL_TZ), 2, 8)
    else:
        moment = office.on_or_before(rng, now, due, 1, 4)
    yield moment
    money_in = RecordDeposit(amount=format_yuan(flow["amount_fen"]), memo="经营者补足质量保证金（追偿）")
    await first_payment.record_deposit(
        office.pool, flow["payer_id"], office.cast.supervisor, money_in, now=moment
    )


async def arbitration_story(office: Office, rng: random.Random, row: asyncpg.Record, now: datetime) -> Story:
    case_id, supervisor = row["id"], office.cast.supervisor
    clauses = (await merchant_files.merchant_file(office.pool, row["merchant_id"])).agreements
    now = office.staff(rng, now, 1, 3)
    yield now
    if clauses:
        referral = Refer(agreement_id=clauses[0].id)
    else:  # an agreement recorded for this case (a written clause in the contract)
        referral = Refer(
            kind="written",
            institution="杭州仲裁委员会",
            signed_on=row["purchase_date"],
            note="购销合同第九条约定仲裁",
        )
    await arbitration.refer(office.pool, case_id, supervisor, referral, now=now)
    now = office.staff(rng, now, 20, 40)
    yield now
    award_for = office.deal(story.AWARDS)
    claim = row["claim_amount_fen"]
    fen = claim if award_for == "consumer" else round_yuan(claim * rng.uniform(0.4, 0.7), 10)
    award = RecordAward(local_day(now), award_for, None if award_for == "merchant" else format_yuan(fen))
    await arbitration.record_award(office.pool, case_id, supervisor, award, now=now)
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
